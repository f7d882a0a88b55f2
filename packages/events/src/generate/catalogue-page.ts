import { type AvroType, avroSchemaOf } from '../avro/to-avro.ts';
import { acceptedNames, definitions } from '../catalogue.ts';
import type { EventDefinition } from '../definition.ts';
import { CLOUD_EVENT_HEADERS } from '../headers.ts';
import { exampleEvent } from './examples.ts';

function typeName(type: AvroType): string {
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) return type.map(typeName).join(' \\| ');
  const named = type as {
    type: string;
    name?: string;
    logicalType?: string;
    items?: AvroType;
    values?: AvroType;
  };
  if (named.logicalType !== undefined) return named.logicalType;
  if (named.type === 'array' && named.items !== undefined) return `array<${typeName(named.items)}>`;
  if (named.type === 'map' && named.values !== undefined) return `map<${typeName(named.values)}>`;
  return named.name ?? named.type;
}

function cell(text: string | undefined): string {
  return (text ?? '').replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function section(definition: EventDefinition): string {
  const schema = avroSchemaOf(definition);
  const example = exampleEvent(definition);
  const accepted = acceptedNames(definition);
  return [
    `## ${definition.source} · ${definition.eventType}`,
    '',
    definition.spec.description,
    '',
    '| | |',
    '|---|---|',
    `| topic | \`${definition.topic}\` |`,
    `| subject | \`${definition.subject}\` (Avro record \`${definition.namespace}.${definition.recordName}\`) |`,
    `| key | ${cell(definition.spec.key.description)} |`,
    `| accepted as | ${accepted.length > 0 ? accepted.map((n) => `\`${n}\``).join(', ') : 'recognised by the shape of its body'} |`,
    '',
    '| field | type | description |',
    '|---|---|---|',
    ...schema.fields.map((field) => `| \`${field.name}\` | ${typeName(field.type)} | ${cell(field.doc)} |`),
    '',
    '<details><summary>Example: the documented webhook, and the record it becomes</summary>',
    '',
    '```json',
    JSON.stringify(example.body, null, 2),
    '```',
    '',
    `Key \`${example.key}\`, value:`,
    '',
    '```json',
    JSON.stringify(example.event, null, 2),
    '```',
    '',
    '</details>',
    '',
  ].join('\n');
}

/** docs/events.md: the readable catalogue of topics, keys, schemas and examples. */
export function cataloguePage(): string {
  return [
    '# Event catalogue',
    '',
    '<!-- Generated from packages/events by `npm run schemas:generate`; do not edit by hand. -->',
    '',
    'Every webhook the relay accepts becomes one Avro record (Confluent wire format, subject `<topic>-value`,',
    'compatibility BACKWARD_TRANSITIVE) on its own topic. Times are epoch milliseconds. `extras` holds every',
    'sender value the typed fields do not hold exactly, so the body as sent can always be rebuilt.',
    '',
    '| topic | event | key |',
    '|---|---|---|',
    ...definitions.map(
      (d) => `| \`${d.topic}\` | ${d.source} ${d.eventType} | ${cell(d.spec.key.description)} |`,
    ),
    '',
    '### Headers (CloudEvents, Kafka binary mode)',
    '',
    '| header | value |',
    '|---|---|',
    ...Object.entries(CLOUD_EVENT_HEADERS).map(([name, doc]) => `| \`${name}\` | ${cell(doc)} |`),
    '',
    ...definitions.map(section),
  ].join('\n');
}
