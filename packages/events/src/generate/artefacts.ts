import { avroSchemaOf } from '../avro/to-avro.ts';
import { streams } from '../catalogue.ts';
import type { StreamDefinition } from '../stream.ts';
import { asyncApiDocument } from './asyncapi.ts';
import { cataloguePage } from './catalogue-page.ts';

export function schemaFileOf(definition: StreamDefinition): string {
  return `schemas/${definition.subject}.avsc`;
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * Every file generated from the definitions, by path from the repository root. Generating is
 * pure and deterministic, so the files on disk can be checked for drift.
 */
export function generateArtefacts(): Map<string, string> {
  return new Map([
    ...streams.map((definition) => [schemaFileOf(definition), json(avroSchemaOf(definition))] as const),
    ['docs/events.md', cataloguePage()],
    ['docs/asyncapi.json', json(asyncApiDocument())],
  ]);
}
