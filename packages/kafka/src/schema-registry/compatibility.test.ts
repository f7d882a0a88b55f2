/**
 * schemas:check decides compatibility locally (Avro schema resolution); the registry decides it
 * when a schema is registered. They must agree, or a change could pass CI and fail at rollout.
 */
import { avroSchemaOf, cannotRead, events } from '@relay/events';
import { describe, expect, test } from '@relay/testkit/vitest';
import { SchemaRegistryAdmin } from './admin.ts';

const current = avroSchemaOf(events.instantWin);
type Field = (typeof current.fields)[number];

function withFields(fields: Field[]) {
  return { ...current, fields };
}

const changes: [string, object, boolean][] = [
  [
    'adding a nullable field with a default',
    withFields([...current.fields, { name: 'campaign', type: ['null', 'string'], default: null }]),
    true,
  ],
  ['removing a field', withFields(current.fields.filter((f) => f.name !== 'prize_picture')), true],
  [
    'adding a field without a default',
    withFields([...current.fields, { name: 'campaign', type: 'string' }]),
    false,
  ],
  [
    'changing a text field to a number',
    withFields(current.fields.map((f) => (f.name === 'user_id' ? { ...f, type: ['null', 'long'] } : f))),
    false,
  ],
  [
    'making a nullable field required',
    withFields(current.fields.map((f) => (f.name === 'user_id' ? { name: f.name, type: 'string' } : f))),
    false,
  ],
];

describe('backward compatibility: the local rule agrees with the registry', () => {
  test.for(changes)('%s', async ([, changed, compatible], { cluster, topics }) => {
    const subject = `${await topics.create('compat')}-value`;
    const admin = new SchemaRegistryAdmin(cluster.schemaRegistryUrl);
    await admin.setCompatibility(subject, 'BACKWARD_TRANSITIVE');
    await admin.register(subject, current);

    const registry = await admin.testCompatibility(subject, changed);

    expect(registry.compatible).toBe(compatible);
    expect(cannotRead(changed, current) === undefined).toBe(compatible);
  });
});
