import { definitionByType, eventTypeNames, recogniseByShape } from './catalogue.ts';
import {
  buildEvent,
  type EventDefinition,
  type NormalisedEvent,
  SOURCES,
  type Source,
} from './definition.ts';
import { describeSchema, describeValue } from './describe.ts';
import { isRecord } from './pointer.ts';
import type { FieldError, NormaliseProblemCode } from './problems.ts';

export interface NormaliseInput {
  readonly source: string;
  /** The request body as received. */
  readonly body: Uint8Array | string;
  /** The event type named by the URL, for senders configured with one URL per event. */
  readonly eventType?: string | undefined;
  /** Epoch milliseconds; now when absent. */
  readonly receivedAt?: number;
}

export type NormaliseResult =
  | {
      readonly ok: true;
      readonly definition: EventDefinition;
      readonly event: NormalisedEvent;
      readonly key: string;
    }
  | {
      readonly ok: false;
      readonly code: NormaliseProblemCode;
      readonly detail: string;
      readonly errors: readonly FieldError[];
      /** Known when the event type was recognised. */
      readonly definition?: EventDefinition;
    };

const decoder = new TextDecoder('utf-8', { fatal: true });
const EVENT_TYPE_POINTER: Record<Source, string> = { adictiz: '/event_type', komo: '/event' };

function problem(
  code: NormaliseProblemCode,
  detail: string,
  errors: readonly FieldError[] = [],
  definition?: EventDefinition,
): NormaliseResult {
  return definition === undefined
    ? { ok: false, code, detail, errors }
    : { ok: false, code, detail, errors, definition };
}

function isSource(source: string): source is Source {
  return (SOURCES as readonly string[]).includes(source);
}

function parse(body: Uint8Array | string): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: JSON.parse(typeof body === 'string' ? body : decoder.decode(body)) };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * The one way in: a sender's raw body to a normalised event and its key, or the precise
 * reasons why not. Never throws for any input.
 */
export function normalise(input: NormaliseInput): NormaliseResult {
  const { source } = input;
  if (!isSource(source)) {
    return problem('unknown_source', `Unknown source "${source}"; known: ${SOURCES.join(', ')}.`);
  }
  const parsed = parse(input.body);
  if (!parsed.ok) {
    return problem('malformed_json', `The body is not valid JSON: ${parsed.reason}`, [
      { pointer: '', expected: 'a JSON object', got: parsed.reason },
    ]);
  }
  const body = parsed.value;
  if (!isRecord(body)) {
    return problem('schema_violation', 'The body must be a JSON object.', [
      { pointer: '', expected: 'object', got: describeValue(body) },
    ]);
  }

  const typePointer = EVENT_TYPE_POINTER[source];
  const typeInBody = body[typePointer.slice(1)];
  const named = typeof typeInBody === 'string' ? definitionByType(source, typeInBody) : undefined;
  const fromUrl = input.eventType === undefined ? undefined : definitionByType(source, input.eventType);
  if (input.eventType !== undefined && fromUrl === undefined) {
    return unknownType(
      source,
      '',
      input.eventType,
      `The URL names the unknown event type "${input.eventType}".`,
    );
  }
  if (fromUrl !== undefined && named !== undefined && fromUrl !== named) {
    return problem(
      'event_type_mismatch',
      `The URL names ${fromUrl.eventType} but the body names ${named.eventType}.`,
      [{ pointer: typePointer, expected: JSON.stringify(fromUrl.eventType), got: describeValue(typeInBody) }],
    );
  }
  const definition =
    fromUrl ?? named ?? (typeInBody === undefined ? recogniseByShape(source, body) : undefined);
  if (definition === undefined) {
    return typeInBody === undefined
      ? unknownType(
          source,
          typePointer,
          undefined,
          `The body names no event type (${typePointer}) and has no known shape.`,
        )
      : unknownType(
          source,
          typePointer,
          typeInBody,
          `Unknown ${source} event type ${describeValue(typeInBody)}.`,
        );
  }

  if (!definition.validator.Check(body)) {
    const errors = fieldErrors(definition, body);
    return problem(
      'schema_violation',
      `The body is not a valid ${definition.eventType} event: ${errors.length} field${errors.length === 1 ? '' : 's'} failed.`,
      errors,
      definition,
    );
  }
  const event = buildEvent(definition, body, input.receivedAt ?? Date.now());
  return { ok: true, definition, event, key: definition.spec.key.of(event) };
}

function unknownType(source: Source, pointer: string, got: unknown, detail: string): NormaliseResult {
  return problem('unknown_event_type', detail, [
    { pointer, expected: `one of ${eventTypeNames(source).join(', ')}`, got: describeValue(got) },
  ]);
}

/** One error per failing field, the innermost first reason TypeBox gives for it. */
function fieldErrors(definition: EventDefinition, body: unknown): FieldError[] {
  const byPointer = new Map<string, FieldError>();
  for (const error of definition.validator.Errors(body)) {
    if (byPointer.has(error.path)) continue;
    byPointer.set(error.path, {
      pointer: error.path,
      expected: describeSchema(error.schema),
      got: describeValue(error.value),
    });
  }
  return [...byPointer.values()];
}
