/**
 * Property: for any body a sender may validly send, normalise -> Avro encode -> decode gives
 * the same event, and the event gives back the body (no sender value lost).
 */
import { Kind, type TSchema } from '@sinclair/typebox';
import avsc from 'avsc';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { definitions } from '../catalogue.ts';
import { ISO_INSTANT_FORMAT } from '../codecs.ts';
import { toSenderBody } from '../definition.ts';
import { normalise } from '../normalise.ts';
import { avroSchemaOf } from './to-avro.ts';

type Schema = TSchema & Record<string, unknown>;

const jsonScalar = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);
const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    jsonScalar,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.string(), tie('value'), { maxKeys: 3 }),
  ),
})).value;

/** Values the schema accepts, with unknown keys added to open objects. */
function arbitraryOf(schema: Schema): fc.Arbitrary<unknown> {
  if ('const' in schema) return fc.constant(schema['const']);
  switch (schema[Kind]) {
    case 'Union':
      return fc.oneof(...(schema['anyOf'] as Schema[]).map(arbitraryOf));
    case 'String':
      if (schema['format'] === ISO_INSTANT_FORMAT) {
        return fc
          .date({
            min: new Date('0001-01-01T00:00:00Z'),
            max: new Date('9999-12-31T23:59:59Z'),
            noInvalidDate: true,
          })
          .map((date) => date.toISOString());
      }
      if (typeof schema['pattern'] === 'string') return fc.stringMatching(new RegExp(schema['pattern']));
      return fc.string({ minLength: (schema['minLength'] as number | undefined) ?? 0 });
    case 'Integer':
      return fc.integer({
        min: (schema['minimum'] as number | undefined) ?? Number.MIN_SAFE_INTEGER,
        max: (schema['maximum'] as number | undefined) ?? Number.MAX_SAFE_INTEGER,
      });
    case 'Number':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'Boolean':
      return fc.boolean();
    case 'Null':
      return fc.constant(null);
    case 'Unknown':
      return jsonValue;
    case 'Array':
      return fc.array(arbitraryOf(schema['items'] as Schema), { maxLength: 3 });
    case 'Object': {
      const properties = schema['properties'] as Record<string, Schema>;
      const required = new Set((schema['required'] as string[] | undefined) ?? []);
      const known = fc.record(
        Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, arbitraryOf(value)])),
        { requiredKeys: [...required] },
      );
      const unknown = fc.dictionary(
        fc.string({ minLength: 1 }).filter((key) => !(key in properties)),
        jsonValue,
        { maxKeys: 2 },
      );
      return fc.tuple(known, unknown).map(([k, u]) => ({ ...u, ...k }));
    }
    default:
      throw new Error(`no arbitrary for ${String(schema[Kind])}`);
  }
}

describe.each(definitions.map((d) => [d.topic, d] as const))('%s', (_, definition) => {
  const type = avsc.Type.forSchema(avroSchemaOf(definition) as avsc.Schema);
  const bodies = arbitraryOf(definition.bodySchema as Schema).map((body) => JSON.parse(JSON.stringify(body)));

  test('any valid body survives normalise, Avro encode and decode, and gives back the body', () => {
    fc.assert(
      fc.property(bodies, fc.integer({ min: 0, max: 4_102_444_800_000 }), (body, receivedAt) => {
        const result = normalise({ source: definition.source, body: JSON.stringify(body), receivedAt });
        if (!result.ok) throw new Error(`${result.code}: ${JSON.stringify(result.errors)}`);
        expect(result.definition).toBe(definition);
        const decoded = type.fromBuffer(type.toBuffer(result.event));
        expect(decoded).toEqual(result.event);
        expect(toSenderBody(definition, decoded)).toEqual(body);
      }),
      // FC_NUM_RUNS=5000 searches harder, e.g. after changing a codec.
      { numRuns: Number(process.env['FC_NUM_RUNS'] ?? 200) },
    );
  });
});
