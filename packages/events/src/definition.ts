import { createHash } from 'node:crypto';
import { type TObject, type TSchema, Type } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';
import { type Codec, leftoversOf, timestampMillis } from './codecs.ts';
import { escapeToken, getAt, isRecord, parsePointer, setAt, toPointer } from './pointer.ts';
import type { StreamDefinition } from './stream.ts';

export const SOURCES = ['adictiz', 'komo'] as const;
export type Source = (typeof SOURCES)[number];

export interface FieldSpec {
  /** JSON pointer of the sender's value in the body. */
  readonly pointer: string;
  readonly codec: Codec;
  /** For bodies of several shapes: the field is read only from bodies this accepts. */
  readonly when?: (body: Readonly<Record<string, unknown>>) => boolean;
}

/** The decoded values of a set of fields, typed by their codecs. */
export type DecodedFields<F> = {
  readonly [K in keyof F]: F[K] extends { readonly codec: Codec<infer T> } ? T : never;
};

type Fields = Readonly<Record<string, FieldSpec>>;

export interface EventSpec<F extends Fields = Fields, R extends string = string> {
  readonly source: Source;
  /** The canonical event type, as the sender names it. */
  readonly eventType: string;
  /** Kebab-case event name in the topic: `<source>.<name>.v<version>`. */
  readonly name: string;
  readonly version?: number;
  readonly description: string;
  /** Where the event id comes from; `content-hash` when the sender gives none. */
  readonly eventId: FieldSpec | 'content-hash';
  /** Where the event type is named in the body; absent when recognised from the body's shape. */
  readonly eventTypeField?: FieldSpec;
  /** When the event happened; `received` when the sender does not say. */
  readonly occurredAt: FieldSpec | 'received';
  readonly fields: F;
  /** Collects the body's unknown top-level text values in one map field (Komo's user attributes). */
  readonly rest?: { readonly field: R; readonly description: string };
  /** For events without an event type in the body: whether a body has this event's shape. */
  readonly recognise?: (body: Readonly<Record<string, unknown>>) => boolean;
  readonly key: { readonly description: string; readonly of: (event: NormalisedEvent) => string };
}

/** The fields every event carries, whatever its type. */
export type Envelope = {
  readonly event_id: string;
  readonly source: Source;
  readonly event_type: string;
  /** Epoch milliseconds. */
  readonly occurred_at: number;
  /** Epoch milliseconds. */
  readonly received_at: number;
  /** Sender values the typed fields do not hold exactly: JSON pointer -> the value as JSON text. */
  readonly extras: Readonly<Record<string, string>>;
};

export type NormalisedEvent = Envelope & Readonly<Record<string, unknown>>;

/** A webhook event: how the sender's body becomes the normalised event `T` on its topic. */
export interface EventDefinition<T extends NormalisedEvent = NormalisedEvent> extends StreamDefinition<T> {
  readonly spec: EventSpec;
  readonly source: Source;
  readonly eventType: string;
  readonly key: EventSpec['key'];
  /** What the sender may send. */
  readonly bodySchema: TObject;
  readonly validator: TypeCheck<TObject>;
  /** Typed fields in order, envelope ones included (event_id, event_type, occurred_at where read). */
  readonly readFields: readonly (readonly [string, FieldSpec])[];
  /** Each read field's pointer, split once at start-up (normalising is on every request's path). */
  readonly readTokens: ReadonlyMap<string, readonly string[]>;
  /**
   * The objects holding read fields (their unknown keys are looked at one by one), each with the
   * pointers of its known keys, made once: building and hashing a new pointer string for every key
   * of every body was half of normalising one.
   */
  readonly containers: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /**
   * The pointers of the read fields, when every field is read from every body (none has `when`):
   * then normalising needs no set of its own per event.
   */
  readonly alwaysRead: ReadonlySet<string> | undefined;
}

const EXTRAS_DESCRIPTION =
  'Every sender value that the typed fields do not hold exactly, keyed by its JSON pointer in the ' +
  'received body, the value as JSON text. With the typed fields, it gives back the body as sent.';

function pascalCase(kebab: string): string {
  return kebab.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}

/** The normalised event of a spec: the envelope, its typed fields, and its rest map if it has one. */
export type EventOf<F extends Fields, R extends string> = Envelope &
  DecodedFields<F> & { readonly [K in R]: Readonly<Record<string, string>> };

export function defineEvent<F extends Fields, R extends string = never>(
  spec: EventSpec<F, R>,
): EventDefinition<EventOf<F, R>> {
  const version = spec.version ?? 1;
  const topic = `${spec.source}.${spec.name}.v${version}`;
  const readFields: [string, FieldSpec][] = [];
  if (spec.eventId !== 'content-hash') readFields.push(['event_id', spec.eventId]);
  if (spec.eventTypeField !== undefined) readFields.push(['event_type', spec.eventTypeField]);
  if (spec.occurredAt !== 'received') readFields.push(['occurred_at', spec.occurredAt]);
  readFields.push(...Object.entries(spec.fields));

  const eventSchema = Type.Object(
    {
      event_id: Type.String({
        description:
          spec.eventId === 'content-hash'
            ? 'The sender gives no id: `sha256:` and the SHA-256 of the body with its keys sorted, so a redelivery has the same id.'
            : `The sender's id of this delivery (${spec.eventId.pointer} in the body).`,
      }),
      source: Type.String({ description: `Who sent the event: ${spec.source}.` }),
      event_type: Type.String({ description: `The event type: ${spec.eventType}.` }),
      occurred_at: timestampMillis(
        spec.occurredAt === 'received'
          ? 'When the event happened; the sender does not say, so the time the relay received it.'
          : `When the event happened, as the sender says (${spec.occurredAt.pointer}).`,
      ),
      received_at: timestampMillis('When the relay received the webhook.'),
      ...Object.fromEntries(Object.entries(spec.fields).map(([name, field]) => [name, field.codec.output])),
      ...(spec.rest === undefined
        ? {}
        : {
            [spec.rest.field]: Type.Record(Type.String(), Type.String(), {
              description: spec.rest.description,
              default: {},
            }),
          }),
      extras: Type.Record(Type.String(), Type.String(), { description: EXTRAS_DESCRIPTION, default: {} }),
    },
    { description: spec.description },
  );
  const bodySchema = bodySchemaOf(readFields);
  return {
    spec,
    source: spec.source,
    eventType: spec.eventType,
    topic,
    subject: `${topic}-value`,
    recordName: pascalCase(spec.name),
    namespace: `relay.${spec.source}.v${version}`,
    description: spec.description,
    cloudEventSource: `/webhooks/${spec.source}`,
    key: spec.key,
    cleanupPolicy: 'delete',
    bodySchema,
    eventSchema,
    validator: TypeCompiler.Compile(bodySchema),
    readFields,
    readTokens: new Map(readFields.map(([, field]) => [field.pointer, parsePointer(field.pointer)])),
    containers: containersOf(readFields),
    alwaysRead: readFields.some(([, field]) => field.when !== undefined)
      ? undefined
      : new Set(readFields.map(([, field]) => field.pointer)),
  };
}

function containersOf(
  fields: readonly (readonly [string, FieldSpec])[],
): Map<string, ReadonlyMap<string, string>> {
  const containers = new Map<string, Map<string, string>>();
  for (const [, field] of fields) {
    const tokens = parsePointer(field.pointer);
    tokens.forEach((token, i) => {
      const parent = toPointer(tokens.slice(0, i));
      const known = containers.get(parent) ?? new Map<string, string>();
      containers.set(parent, known);
      // The field's own pointer for its key: the set of read pointers holds that very string.
      if (i === tokens.length - 1) known.set(token, field.pointer);
      else if (!known.has(token)) known.set(token, toPointer(tokens.slice(0, i + 1)));
    });
  }
  return containers;
}

/** The body schema: every read field at its pointer, containers open to unknown keys. */
function bodySchemaOf(fields: readonly (readonly [string, FieldSpec])[]): TObject {
  interface Node {
    children: Map<string, Node>;
    leaves: Codec[];
  }
  const root: Node = { children: new Map(), leaves: [] };
  for (const [, field] of fields) {
    let node = root;
    for (const token of parsePointer(field.pointer)) {
      let child = node.children.get(token);
      if (child === undefined) {
        child = { children: new Map(), leaves: [] };
        node.children.set(token, child);
      }
      node = child;
    }
    node.leaves.push(field.codec);
  }
  const required = (node: Node): boolean =>
    node.leaves.some((c) => c.required === true) || [...node.children.values()].some(required);
  const schemaOf = (node: Node): TSchema => {
    if (node.leaves.length > 0) {
      const inputs = node.leaves.map((codec) => codec.input);
      return inputs.length === 1 ? (inputs[0] as TSchema) : Type.Union(inputs);
    }
    return Type.Object(
      Object.fromEntries(
        [...node.children].map(([token, child]) => [
          token,
          required(child) ? schemaOf(child) : Type.Optional(schemaOf(child)),
        ]),
      ),
      { additionalProperties: true },
    );
  };
  return schemaOf(root) as TObject;
}

function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`;
  if (isRecord(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${sortedJson(value[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

export function contentHash(body: unknown): string {
  return `sha256:${createHash('sha256').update(sortedJson(body)).digest('hex')}`;
}

/**
 * Turns a body that passed `definition.validator` into the normalised event. Lossless: every
 * sender value is in a typed field, in the rest map, or in `extras` (see `toSenderBody`).
 */
export function buildEvent(
  definition: EventDefinition,
  body: Readonly<Record<string, unknown>>,
  receivedAt: number,
): NormalisedEvent {
  const { spec } = definition;
  const event: Record<string, unknown> = {
    event_id: spec.eventId === 'content-hash' ? contentHash(body) : undefined,
    source: spec.source,
    event_type: spec.eventType,
    occurred_at: receivedAt,
    received_at: receivedAt,
  };
  const extras: Record<string, string> = {};
  const readHere = definition.alwaysRead === undefined ? new Set<string>() : undefined;
  for (const [name, field] of definition.readFields) {
    if (field.when !== undefined && !field.when(body)) {
      event[name] = field.codec.decode(undefined);
      continue;
    }
    const raw = getAt(body, definition.readTokens.get(field.pointer) ?? parsePointer(field.pointer));
    const decoded = field.codec.decode(raw);
    event[name] = decoded;
    readHere?.add(field.pointer);
    for (const [pointer, value] of leftoversOf(field.codec, raw, field.pointer, decoded))
      extras[pointer] = JSON.stringify(value);
  }
  const read = readHere ?? definition.alwaysRead;
  const { containers } = definition;
  const rest: Record<string, string> = {};
  const visit = (
    node: Readonly<Record<string, unknown>>,
    parent: string,
    known: ReadonlyMap<string, string>,
  ): void => {
    // Keys, not entries: an array of pairs per object of every body was garbage to collect.
    for (const key of Object.keys(node)) {
      const value = node[key];
      const pointer = known.get(key) ?? `${parent}/${escapeToken(key)}`;
      if (read?.has(pointer)) continue;
      const inner = containers.get(pointer);
      // An empty container has no child to rebuild it from, so it is kept as sent.
      if (inner !== undefined && isRecord(value) && Object.keys(value).length > 0)
        visit(value, pointer, inner);
      else if (spec.rest !== undefined && parent === '' && typeof value === 'string') rest[key] = value;
      else extras[pointer] = JSON.stringify(value);
    }
  };
  visit(body, '', containers.get('') ?? new Map());
  if (spec.rest !== undefined) event[spec.rest.field] = rest;
  event['extras'] = extras;
  return event as NormalisedEvent;
}

/** The body the sender sent, rebuilt from a normalised event: proof that nothing was lost. */
export function toSenderBody(definition: EventDefinition, event: NormalisedEvent): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [name, field] of definition.readFields) {
    const sent = field.codec.encode(event[name]);
    if (sent !== undefined) setAt(body, parsePointer(field.pointer), sent);
  }
  const rest =
    definition.spec.rest === undefined ? {} : (event[definition.spec.rest.field] as Record<string, string>);
  for (const [key, value] of Object.entries(rest)) body[key] = value;
  // Shallow pointers first, so a value kept whole is refined by the deeper ones kept inside it.
  const kept = Object.entries(event.extras).map(([pointer, json]) => [parsePointer(pointer), json] as const);
  kept.sort((a, b) => a[0].length - b[0].length);
  for (const [tokens, json] of kept) setAt(body, tokens, JSON.parse(json));
  return body;
}
