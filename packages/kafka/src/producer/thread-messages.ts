import { type ErrorCode, RelayError } from '../errors.ts';
import type { OutgoingRecord } from './record-producer.ts';

/**
 * A batch on its way to the producer thread, written into one buffer that is moved, not copied, to
 * the thread. Cloning the records as objects cost the sending thread a clone of every header string,
 * and a copy of the whole 8 KB pool under most small Buffers. Text is written as UTF-8, which is what
 * the Kafka client needs anyway: the thread takes keys, values and header values as views of the buffer.
 *
 * Per record: topic (u32 length, bytes), key (u8 0 for none, or 1 and u32 length, bytes), value
 * (u32 length, bytes), header count (u32), then per header value: name (u32 length, bytes), value
 * (u32 length, bytes); a name with several values is repeated. Every length is a u32, so that no
 * record can overflow a field.
 */
export interface WireBatch {
  readonly count: number;
  readonly bytes: ArrayBuffer;
  readonly length: number;
}

/** How a failed request crosses back: enough to raise the same `RelayError` on the other side. */
export interface WireError {
  readonly code: ErrorCode;
  readonly detail: string | undefined;
  readonly cause: string | undefined;
}

/** What the producer thread is asked to do besides sending. */
export type ProducerCall = 'connect' | 'disconnect';

export type ToProducerThread =
  | { readonly type: 'send'; readonly id: number; readonly batch: WireBatch }
  | { readonly type: 'call'; readonly id: number; readonly call: ProducerCall };

export type FromProducerThread =
  | {
      readonly type: 'sent';
      readonly id: number;
      /** Per record, in the batch's order: its partition, or -1 where the broker did not acknowledge it. */
      readonly partitions: Int32Array;
      readonly offsets: readonly string[];
      readonly error?: undefined;
    }
  | { readonly type: 'sent'; readonly id: number; readonly error: WireError }
  | { readonly type: 'returned'; readonly id: number; readonly error?: WireError };

const TEXT_BOUND = 3; // UTF-8 bytes per UTF-16 code unit at most

type HeaderValue = string | Buffer | (string | Buffer)[];

/** Writes records into one `WireBatch`. */
export function packRecords(records: readonly OutgoingRecord[]): WireBatch {
  const size = (value: string | Buffer) =>
    4 + (typeof value === 'string' ? value.length * TEXT_BOUND : value.length);
  let bound = 0;
  for (const record of records) {
    bound += size(record.topic) + 1 + (record.key === null ? 0 : size(record.key));
    bound += size(record.value) + 4;
    for (const name in record.headers) {
      const value = record.headers[name] as HeaderValue;
      for (const each of Array.isArray(value) ? value : [value]) bound += size(name) + size(each);
    }
  }
  const bytes = new ArrayBuffer(bound);
  const out = Buffer.from(bytes);
  let at = 0;
  const bytes32 = (value: string | Buffer) => {
    const written = typeof value === 'string' ? out.write(value, at + 4) : value.copy(out, at + 4);
    out.writeUInt32LE(written, at);
    at += 4 + written;
  };
  for (const record of records) {
    bytes32(record.topic);
    if (record.key === null) at = out.writeUInt8(0, at);
    else {
      at = out.writeUInt8(1, at);
      bytes32(record.key);
    }
    bytes32(record.value);
    const countAt = at;
    at += 4;
    let count = 0;
    for (const name in record.headers) {
      const value = record.headers[name] as HeaderValue;
      for (const each of Array.isArray(value) ? value : [value]) {
        bytes32(name);
        bytes32(each);
        count += 1;
      }
    }
    out.writeUInt32LE(count, countAt);
  }
  return { count: records.length, bytes, length: at };
}

/** The records of a `WireBatch` again, in order: keys, values and header values are views of its buffer. */
export function unpackRecords(batch: WireBatch): OutgoingRecord[] {
  const input = Buffer.from(batch.bytes, 0, batch.length);
  let at = 0;
  const text32 = () => {
    const length = input.readUInt32LE(at);
    at += 4 + length;
    return input.toString('utf8', at - length, at);
  };
  const bytes32 = () => {
    const length = input.readUInt32LE(at);
    at += 4 + length;
    return input.subarray(at - length, at);
  };
  const records: OutgoingRecord[] = [];
  for (let i = 0; i < batch.count; i++) {
    const topic = text32();
    const hasKey = input.readUInt8(at++) === 1;
    const key = hasKey ? bytes32() : null;
    const value = bytes32();
    // No prototype: a header named __proto__ is a header like any other.
    const headers: Record<string, Buffer | Buffer[]> = Object.create(null);
    const count = input.readUInt32LE(at);
    at += 4;
    for (let h = 0; h < count; h++) {
      const name = text32();
      const headerValue = bytes32();
      const earlier = headers[name];
      if (earlier === undefined) headers[name] = headerValue;
      else if (Array.isArray(earlier)) earlier.push(headerValue);
      else headers[name] = [earlier, headerValue];
    }
    records.push({ topic, key, value, headers });
  }
  return records;
}

export function wireError(error: unknown): WireError {
  if (error instanceof RelayError)
    return { code: error.code, detail: error.detail, cause: messageOf(error.cause) };
  return { code: 'KAFKA_UNAVAILABLE', detail: messageOf(error), cause: undefined };
}

export function relayErrorOf(wire: WireError): RelayError {
  return new RelayError(
    wire.code,
    wire.detail,
    wire.cause === undefined ? undefined : { cause: new Error(wire.cause) },
  );
}

function messageOf(error: unknown): string | undefined {
  if (error === undefined) return undefined;
  return error instanceof Error ? error.message : String(error);
}
