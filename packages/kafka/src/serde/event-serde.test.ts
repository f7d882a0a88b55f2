import { avroSchemaOf, definitions, documentedExamples, events, exampleOf, normalise } from '@relay/events';
import { describe, expect, test } from '@relay/testkit/vitest';
import { RelayError } from '../errors.ts';
import { SchemaRegistryAdmin } from '../schema-registry/admin.ts';
import { createRegistryClient } from '../schema-registry/client.ts';
import { EventSerde } from './event-serde.ts';

/** Registers every event schema under its subject (idempotent), then resolves a serde on them. */
async function registeredSerde(registryUrl: string): Promise<EventSerde> {
  const admin = new SchemaRegistryAdmin(registryUrl);
  for (const definition of definitions) {
    await admin.setCompatibility(definition.subject, 'BACKWARD_TRANSITIVE');
    await admin.register(definition.subject, avroSchemaOf(definition));
  }
  return EventSerde.resolve(createRegistryClient(registryUrl), admin, definitions);
}

describe('EventSerde against the real registry', () => {
  test.for(documentedExamples.map((f) => [`${f.source}/${f.name}`, f] as const))(
    'the documented example %s is registered, encodes to the Confluent wire format and decodes again',
    async ([, fixture], { cluster }) => {
      const serde = await registeredSerde(cluster.schemaRegistryUrl);
      const result = normalise({ source: fixture.source, body: fixture.body, receivedAt: Date.now() });
      if (!result.ok) throw new Error(result.detail);

      const bytes = serde.encode(result.definition, result.event);

      const registered = await new SchemaRegistryAdmin(cluster.schemaRegistryUrl).lookup(
        fixture.definition.subject,
        avroSchemaOf(fixture.definition),
      );
      expect(bytes.readUInt8(0)).toBe(0);
      expect(bytes.readInt32BE(1)).toBe(registered?.id);
      expect(await serde.decode(result.definition, bytes)).toEqual(result.event);
      // Byte for byte what the Confluent client writes for that schema id.
      const client = createRegistryClient(cluster.schemaRegistryUrl);
      expect(bytes).toEqual(await client.encode(bytes.readInt32BE(1), result.event));
    },
  );

  test('a value that does not fit its schema is refused with INVALID_VALUE', async ({ cluster }) => {
    const serde = await registeredSerde(cluster.schemaRegistryUrl);
    const result = normalise({ source: 'adictiz', body: exampleOf(events.instantWin).body, receivedAt: 1 });
    if (!result.ok) throw new Error(result.detail);

    const broken = { ...result.event, event_id: 42 } as unknown as typeof result.event;
    expect(() => serde.encode(result.definition, broken)).toThrow(
      expect.objectContaining({ code: 'INVALID_VALUE', retriable: false }),
    );
  });

  test('resolving fails, naming the subject, when a schema is not registered', async ({
    cluster,
    topics,
  }) => {
    const subjectless = { ...events.instantWin, subject: `${await topics.create('unregistered')}-value` };
    const admin = new SchemaRegistryAdmin(cluster.schemaRegistryUrl);

    const resolving = EventSerde.resolve(createRegistryClient(cluster.schemaRegistryUrl), admin, [
      subjectless,
    ]);

    await expect(resolving).rejects.toThrow(RelayError);
    await expect(resolving).rejects.toThrow(subjectless.subject);
  });

  test('decoding bytes that are not a Confluent-framed record fails with NOT_AN_EVENT_RECORD', async ({
    cluster,
  }) => {
    const serde = await registeredSerde(cluster.schemaRegistryUrl);

    await expect(serde.decode(events.instantWin, Buffer.from('{"json":true}'))).rejects.toMatchObject({
      code: 'NOT_AN_EVENT_RECORD',
      retriable: false,
    });
  });
});
