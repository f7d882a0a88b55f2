import { type AvroType, avroSchemaOf } from '../avro/to-avro.ts';
import { acceptedNames, definitions, derivedDefinitions } from '../catalogue.ts';
import type { EventDefinition } from '../definition.ts';
import type { DerivedEventDefinition } from '../derived/define-derived.ts';
import { CLOUD_EVENT_HEADERS } from '../headers.ts';
import type { StreamDefinition } from '../stream.ts';
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

/** The table of a topic's topic, subject and key, then its fields. */
function description(definition: StreamDefinition, rows: readonly [string, string][]): string[] {
  const schema = avroSchemaOf(definition);
  return [
    definition.description,
    '',
    '| | |',
    '|---|---|',
    `| topic | \`${definition.topic}\`${definition.cleanupPolicy === 'compact' ? ' (compacted)' : ''} |`,
    `| subject | \`${definition.subject}\` (Avro record \`${definition.namespace}.${definition.recordName}\`) |`,
    `| key | ${cell(definition.key.description)} |`,
    ...rows.map(([name, value]) => `| ${name} | ${value} |`),
    '',
    '| field | type | description |',
    '|---|---|---|',
    ...schema.fields.map((field) => `| \`${field.name}\` | ${typeName(field.type)} | ${cell(field.doc)} |`),
    '',
  ];
}

function derivedSection(definition: DerivedEventDefinition): string {
  return [
    `## ${definition.service} · ${definition.recordName}`,
    '',
    ...description(definition, [['published by', `\`services/${definition.service}\``]]),
    '<details><summary>Example</summary>',
    '',
    `Key \`${definition.key.of(definition.example)}\`, value:`,
    '',
    '```json',
    JSON.stringify(definition.example, null, 2),
    '```',
    '',
    '</details>',
    '',
  ].join('\n');
}

function section(definition: EventDefinition): string {
  const example = exampleEvent(definition);
  const accepted = acceptedNames(definition);
  return [
    `## ${definition.source} · ${definition.eventType}`,
    '',
    ...description(definition, [
      [
        'accepted as',
        accepted.length > 0
          ? accepted.map((n) => `\`${n}\``).join(', ')
          : 'recognised by the shape of its body',
      ],
    ]),
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
    ...definitions.map((d) => `| \`${d.topic}\` | ${d.source} ${d.eventType} | ${cell(d.key.description)} |`),
    '',
    '### Headers (CloudEvents, Kafka binary mode)',
    '',
    '| header | value |',
    '|---|---|',
    ...Object.entries(CLOUD_EVENT_HEADERS).map(([name, doc]) => `| \`${name}\` | ${cell(doc)} |`),
    '',
    ...definitions.map(section),
    '# Derived events',
    '',
    'Published by the sample services from the webhook events, in the same format and with the same headers.',
    '',
    '| topic | event | key |',
    '|---|---|---|',
    ...derivedDefinitions.map(
      (d) => `| \`${d.topic}\` | ${d.service} ${d.recordName} | ${cell(d.key.description)} |`,
    ),
    '',
    ...derivedDefinitions.map(derivedSection),
  ].join('\n');
}
