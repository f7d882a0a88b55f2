import { Kind, type TSchema } from '@sinclair/typebox';
import { AVRO_LOGICAL_TYPE, AVRO_RECORD_NAME } from '../codecs.ts';
import type { StreamDefinition } from '../stream.ts';

export type AvroType =
  | string
  | readonly AvroType[]
  | AvroRecord
  | { readonly type: string; readonly [key: string]: unknown };

export interface AvroField {
  readonly name: string;
  readonly type: AvroType;
  readonly doc?: string;
  readonly default?: unknown;
}

export interface AvroRecord {
  readonly type: 'record';
  readonly name: string;
  readonly namespace?: string;
  readonly doc?: string;
  readonly fields: readonly AvroField[];
}

type Schema = TSchema & Record<string, unknown>;

function pascal(snake: string): string {
  return snake.replace(/(^|_)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}

function nonNullMember(schema: Schema): Schema | undefined {
  if (schema[Kind] !== 'Union') return undefined;
  const members = schema['anyOf'] as Schema[];
  const others = members.filter((member) => member[Kind] !== 'Null');
  return members.length === 2 && others.length === 1 ? others[0] : undefined;
}

/** The Avro type of a TypeBox schema; nested objects become named records. */
function avroTypeOf(schema: Schema, nameHint: string): AvroType {
  const nullableOf = nonNullMember(schema);
  if (nullableOf !== undefined) return ['null', avroTypeOf(nullableOf, nameHint)];
  switch (schema[Kind]) {
    case 'String':
      return 'string';
    case 'Integer':
      return typeof schema[AVRO_LOGICAL_TYPE] === 'string'
        ? { type: 'long', logicalType: schema[AVRO_LOGICAL_TYPE] }
        : 'long';
    case 'Number':
      return 'double';
    case 'Boolean':
      return 'boolean';
    case 'Array':
      return { type: 'array', items: avroTypeOf(schema['items'] as Schema, nameHint) };
    case 'Record': {
      const [values] = Object.values(schema['patternProperties'] as Record<string, Schema>);
      if (values === undefined) throw new Error(`record schema without values for ${nameHint}`);
      return { type: 'map', values: avroTypeOf(values, nameHint) };
    }
    case 'Object':
      return recordOf((schema[AVRO_RECORD_NAME] as string | undefined) ?? pascal(nameHint), schema);
    default:
      throw new Error(`no Avro type for TypeBox kind ${String(schema[Kind])} (${nameHint})`);
  }
}

/** The default a reader fills in for a field an older writer did not have. */
function defaultOf(schema: Schema): { default?: unknown } {
  if (nonNullMember(schema) !== undefined) return { default: null };
  if (schema[Kind] === 'Array') return { default: [] };
  if (schema[Kind] === 'Record') return { default: {} };
  return {};
}

function recordOf(name: string, schema: Schema, namespace?: string): AvroRecord {
  const properties = schema['properties'] as Record<string, Schema>;
  return {
    type: 'record',
    name,
    ...(namespace === undefined ? {} : { namespace }),
    ...(typeof schema['description'] === 'string' ? { doc: schema['description'] } : {}),
    fields: Object.entries(properties).map(([field, fieldSchema]) => ({
      name: field,
      type: avroTypeOf(fieldSchema, field),
      ...(typeof fieldSchema['description'] === 'string' ? { doc: fieldSchema['description'] } : {}),
      ...defaultOf(fieldSchema),
    })),
  };
}

/** The Avro value schema of a topic, generated from its TypeBox definition. */
export function avroSchemaOf(
  definition: Pick<StreamDefinition, 'recordName' | 'eventSchema' | 'namespace'>,
): AvroRecord {
  return recordOf(definition.recordName, definition.eventSchema as Schema, definition.namespace);
}
