import { Kind, type TSchema } from '@sinclair/typebox';

/** A short human description of what a schema accepts, for error messages and docs. */
export function describeSchema(schema: TSchema): string {
  const s = schema as TSchema & Record<string, unknown>;
  if ('const' in s) return JSON.stringify(s['const']);
  switch (s[Kind]) {
    case 'Union':
      return [...new Set((s['anyOf'] as TSchema[]).map(describeSchema))].join(' or ');
    case 'String':
      if (s['format'] === 'iso-instant') return 'ISO 8601 date-time with offset';
      if (typeof s['pattern'] === 'string') return `string matching /${s['pattern']}/`;
      if (s['minLength'] === 1) return 'non-empty string';
      return 'string';
    case 'Integer':
      return typeof s['minimum'] === 'number' ? `integer ≥ ${s['minimum']}` : 'integer';
    case 'Number':
      return 'number';
    case 'Boolean':
      return 'boolean';
    case 'Null':
      return 'null';
    case 'Array':
      return `array of ${describeSchema(s['items'] as TSchema)}`;
    case 'Object':
      return 'object';
    case 'Record':
      return 'object';
    default:
      return 'any JSON value';
  }
}

/** A short description of a value that came, e.g. `number 5`, `string "x"`, `missing`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `array of ${value.length}`;
  if (typeof value === 'object') return 'object';
  const text = JSON.stringify(value);
  return `${typeof value} ${text.length > 80 ? `${text.slice(0, 77)}…` : text}`;
}
