import { isDeepStrictEqual } from 'node:util';
import { FormatRegistry, type TInteger, type TSchema, Type } from '@sinclair/typebox';
import { escapeToken, isRecord } from './pointer.ts';

/**
 * How one sender field becomes one typed field of the normalised event, and back.
 * `input` is what the sender may send (checked before decoding), `output` what the event
 * holds. `encode(decode(x))` equals `x` whenever the typed value says everything the sender
 * said; where it does not (an empty string read as null, a number sent as a string), the
 * sender's value is also kept in the event's `extras`, so nothing is ever lost.
 */
export interface Codec<T = unknown> {
  readonly input: TSchema;
  readonly output: TSchema;
  /** The body is rejected without this field. */
  readonly required?: boolean;
  decode(raw: unknown): T;
  /** What the sender would have sent for this value; `undefined` means the field was absent. */
  encode(value: T): unknown;
  /**
   * The sender values under `pointer` that the decoded value does not hold exactly, to keep in
   * `extras`. Nested codecs report them field by field; by default, the whole value or nothing.
   */
  leftovers?(raw: unknown, pointer: string): readonly (readonly [string, unknown])[];
}

/** Shared: most fields lose nothing, and a new empty array per field of every event was garbage. */
const NO_LEFTOVERS: readonly (readonly [string, unknown])[] = [];

/** `decoded`, when the caller has it already, is `codec.decode(raw)`: decoding once halves the cost. */
export function leftoversOf<T>(
  codec: Codec<T>,
  raw: unknown,
  pointer: string,
  decoded?: T,
): readonly (readonly [string, unknown])[] {
  if (codec.leftovers !== undefined) return codec.leftovers(raw, pointer);
  return losesNothing(codec, raw, decoded) ? NO_LEFTOVERS : [[pointer, raw]];
}

/** Avro logical type carried on a TypeBox schema, read by the Avro generator. */
export const AVRO_LOGICAL_TYPE = 'x-avro-logical-type';
/** Avro record name for a nested object, read by the Avro generator. */
export const AVRO_RECORD_NAME = 'x-avro-name';

export function timestampMillis(description: string): TInteger {
  return Type.Integer({ description, [AVRO_LOGICAL_TYPE]: 'timestamp-millis' });
}

/** A field that may be null (Avro `["null", T]`, default null). */
export function nullable<S extends TSchema>(schema: S, description: string) {
  return Type.Union([Type.Null(), schema], { description, default: null });
}

function losesNothing<T>(codec: Codec<T>, raw: unknown, decoded: T | undefined): boolean {
  if (raw === undefined) return true;
  const back = codec.encode(decoded === undefined ? codec.decode(raw) : decoded);
  // Most values are scalars: Object.is is isDeepStrictEqual for them, at a fraction of the cost.
  return typeof raw === 'object' && raw !== null ? isDeepStrictEqual(back, raw) : Object.is(back, raw);
}

const Scalar = Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]);

/**
 * Free text, as sent (an empty string stays empty); null when absent or null. Numbers and
 * booleans read as their text, structured values (with `anyJson`) as their JSON text.
 */
export function text(description: string, options: { anyJson?: boolean } = {}): Codec<string | null> {
  return {
    input: options.anyJson === true ? Type.Unknown() : Scalar,
    output: nullable(Type.String(), description),
    decode: (raw) => {
      if (raw === undefined || raw === null) return null;
      return typeof raw === 'string' ? raw : JSON.stringify(raw);
    },
    encode: (value) => (value === null ? undefined : value),
  };
}

/** The same codec, for a field the body cannot be without. */
export function required<T>(codec: Codec<T>): Codec<T> {
  return { ...codec, required: true };
}

/** An identifier the relay cannot do without: a non-empty string. */
export function requiredId(description: string): Codec<string> {
  return {
    required: true,
    input: Type.String({ minLength: 1, description }),
    output: Type.String({ description }),
    decode: (raw) => raw as string,
    encode: (value) => value,
  };
}

/**
 * Whole numbers avsc encodes exactly as Avro longs: its zig-zag encoding doubles the magnitude,
 * so beyond 2^52 a JS number loses its last digit.
 */
const AVRO_EXACT_LONG = { minimum: -(2 ** 52) + 1, maximum: 2 ** 52 - 1 };
const IntegerText = Type.String({ pattern: '^\\s*-?\\d{1,15}\\s*$' });
/** 9999-12-31T23:59:59Z: later instants are not dates anyone sends. */
const LATEST_UNIX_SECONDS = 253_402_300_799;

/** A whole number, sent as a number or as its text; empty means null. */
export function integer(description: string): Codec<number | null> {
  return {
    input: Type.Union([Type.Integer(AVRO_EXACT_LONG), IntegerText, Type.Literal(''), Type.Null()]),
    output: nullable(Type.Integer(), description),
    // `+ 0` turns -0 (from "-0") into 0, which is what an Avro long gives back.
    decode: (raw) => (raw === undefined || raw === null || raw === '' ? null : Number(raw) + 0),
    encode: (value) => (value === null ? undefined : value),
  };
}

const TRUE_TEXTS = new Set(['1', 'true', 'yes', 'on']);
const FALSE_TEXTS = new Set(['0', 'false', 'no', 'off']);

/** A yes/no, sent as a boolean, 0/1, or their text; empty or unreadable text means null. */
export function flag(description: string): Codec<boolean | null> {
  return {
    input: Type.Union([Type.Boolean(), Type.Literal(0), Type.Literal(1), Type.String(), Type.Null()]),
    output: nullable(Type.Boolean(), description),
    decode: (raw) => {
      if (typeof raw === 'boolean') return raw;
      if (raw === 1 || raw === 0) return raw === 1;
      if (typeof raw === 'string' && TRUE_TEXTS.has(raw.toLowerCase())) return true;
      if (typeof raw === 'string' && FALSE_TEXTS.has(raw.toLowerCase())) return false;
      return null;
    },
    encode: (value) => (value === null ? undefined : value),
  };
}

const NAIVE_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/;
const NAIVE_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Reads the date formats the senders use, to epoch milliseconds: unix seconds (number or
 * text), `YYYY-MM-DD HH:MM[:SS]` and `YYYY-MM-DD` (UTC: the Adictiz GameParticipation example
 * gives "2017-05-12 13:22:33" beside unix 1494595353, which is that time in UTC), and
 * ISO 8601 with an offset. Undefined when the value is none of these.
 */
export function parseInstant(raw: unknown): number | undefined {
  if (typeof raw === 'number') {
    // `+ 0` turns -0 into 0, which is what an Avro long gives back.
    return Number.isFinite(raw) && Math.abs(raw) <= LATEST_UNIX_SECONDS
      ? Math.round(raw * 1000) + 0
      : undefined;
  }
  if (typeof raw !== 'string') return undefined;
  const value = raw.trim();
  if (/^\d{9,11}$/.test(value)) return Number(value) * 1000;
  const naive = NAIVE_DATE_TIME.exec(value) ?? NAIVE_DATE.exec(value);
  if (naive !== null) {
    const [, y, mo, d, h = '0', mi = '0', s = '0'] = naive;
    const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
    return Number.isNaN(ms) ? undefined : ms;
  }
  if (/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/.test(value)) {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

/**
 * A point in time in any format `parseInstant` reads. Tolerant: a value it cannot read is
 * null in the event (and, like every inexact value, kept as sent in `extras`).
 */
export function instant(description: string): Codec<number | null> {
  return {
    input: Type.Union([Type.String(), Type.Number(), Type.Null()]),
    output: nullable(timestampMillis(description), description),
    decode: (raw) => parseInstant(raw) ?? null,
    // Unix seconds is the one format that maps back exactly; any other is kept in extras.
    encode: (value) => (value === null ? undefined : value / 1000),
  };
}

const ISO_INSTANT =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]([01]\d|2[0-3]):?[0-5]\d)$/;
/** ISO 8601 date-time with an offset that is a real instant (no month 13, no day 0). */
export const ISO_INSTANT_FORMAT = 'iso-instant';
FormatRegistry.Set(
  ISO_INSTANT_FORMAT,
  (value) => ISO_INSTANT.test(value) && !Number.isNaN(Date.parse(value)),
);

/**
 * The instant an event happened, required, in the one format its sender documents: unix
 * seconds (Adictiz envelope) or ISO 8601 (Komo), each mapped back exactly.
 */
export function requiredInstant(description: string, format: 'unix-seconds' | 'iso-8601'): Codec<number> {
  if (format === 'unix-seconds') {
    return {
      required: true,
      input: Type.Union([
        Type.Integer({ minimum: 0, maximum: LATEST_UNIX_SECONDS }),
        Type.String({ pattern: '^\\s*\\d{1,11}\\s*$' }),
      ]),
      output: timestampMillis(description),
      decode: (raw) => Number(raw) * 1000,
      encode: (value) => value / 1000,
    };
  }
  return {
    required: true,
    input: Type.String({ format: ISO_INSTANT_FORMAT }),
    output: timestampMillis(description),
    decode: (raw) => Date.parse(raw as string),
    encode: (value) => new Date(value).toISOString(),
  };
}

/**
 * The event type the body names, under its canonical name; the other names a sender's
 * documents use (`aliases`) are accepted and kept as sent in `extras`.
 */
export function eventTypeName(canonical: string, aliases: readonly string[] = []): Codec<string> {
  const names = [canonical, ...aliases];
  return {
    required: true,
    input: Type.Union(names.map((name) => Type.Literal(name))),
    output: Type.String({ description: `The event type: ${canonical}.` }),
    decode: () => canonical,
    encode: () => canonical,
  };
}

/** A list of texts (e-mail receivers, source ids); other scalars as their JSON text. */
export function textList(description: string): Codec<string[] | null> {
  return {
    input: Type.Union([Type.Array(Scalar), Type.Null()]),
    output: nullable(Type.Array(Type.String()), description),
    decode: (raw) =>
      Array.isArray(raw) ? raw.map((item) => (typeof item === 'string' ? item : JSON.stringify(item))) : null,
    encode: (value) => (value === null ? undefined : value),
  };
}

/** A MongoDB extended-JSON id, `{"$id": "…"}`, or a plain id text. */
export function objectId(description: string): Codec<string | null> {
  return {
    input: Type.Union([Type.Object({ $id: Type.String() }), Type.String(), Type.Null()]),
    output: nullable(Type.String(), description),
    decode: (raw) =>
      isRecord(raw) ? (raw['$id'] as string) : raw === undefined ? null : (raw as string | null),
    encode: (value) => (value === null ? undefined : { $id: value }),
  };
}

export interface NestedField {
  /** The sender's key, when it differs from the field's name. */
  readonly from?: string;
  readonly codec: Codec;
}

/** A nested object of typed fields, e.g. the user of an EmailShare. */
type NestedFields = Readonly<Record<string, NestedField>>;

/** The decoded value of a nested object, typed by its fields' codecs. */
export type DecodedRecord<F extends NestedFields> = {
  readonly [K in keyof F]: F[K]['codec'] extends Codec<infer T> ? T : never;
};

export function record<F extends NestedFields>(
  name: string,
  description: string,
  fields: F,
): Codec<DecodedRecord<F> | null> {
  const entries = Object.entries(fields).map(([field, spec]) => ({
    field,
    key: spec.from ?? field,
    codec: spec.codec,
  }));
  const input = Type.Object(Object.fromEntries(entries.map((e) => [e.key, Type.Optional(e.codec.input)])), {
    additionalProperties: true,
  });
  const output = Type.Object(Object.fromEntries(entries.map((e) => [e.field, e.codec.output])), {
    description,
    [AVRO_RECORD_NAME]: name,
  });
  return {
    input,
    output: nullable(output, description),
    decode: (raw) => {
      if (!isRecord(raw)) return null;
      return Object.fromEntries(
        entries.map((e) => [e.field, e.codec.decode(raw[e.key])]),
      ) as DecodedRecord<F>;
    },
    encode: (value) => {
      if (value === null) return undefined;
      const object = value as Readonly<Record<string, unknown>>;
      const sent: Record<string, unknown> = {};
      for (const e of entries) {
        const encoded = e.codec.encode(object[e.field]);
        if (encoded !== undefined) sent[e.key] = encoded;
      }
      return sent;
    },
    leftovers: (raw, pointer) => {
      if (!isRecord(raw)) return raw === undefined || raw === null ? [] : [[pointer, raw]];
      const known = new Set(entries.map((e) => e.key));
      return [
        ...entries.flatMap((e) => leftoversOf(e.codec, raw[e.key], `${pointer}/${escapeToken(e.key)}`)),
        ...Object.entries(raw)
          .filter(([key]) => !known.has(key))
          .map(([key, value]): [string, unknown] => [`${pointer}/${escapeToken(key)}`, value]),
      ];
    },
  };
}

/** A list of nested objects, e.g. the questions of a QuestionParticipation. */
export function recordList<F extends NestedFields>(
  name: string,
  description: string,
  fields: F,
): Codec<DecodedRecord<F>[] | null> {
  const item = record(name, description, fields);
  const itemOutput = (item.output as unknown as { anyOf: TSchema[] }).anyOf[1] as TSchema;
  return {
    input: Type.Union([Type.Array(item.input), Type.Null()]),
    output: nullable(Type.Array(itemOutput), description),
    decode: (raw) =>
      Array.isArray(raw) ? raw.map((entry) => item.decode(entry) ?? ({} as DecodedRecord<F>)) : null,
    encode: (value) => (value === null ? undefined : value.map((entry) => item.encode(entry))),
    leftovers: (raw, pointer) =>
      Array.isArray(raw)
        ? raw.flatMap((entry, index) => leftoversOf(item, entry, `${pointer}/${index}`))
        : raw === undefined
          ? []
          : [[pointer, raw]],
  };
}
