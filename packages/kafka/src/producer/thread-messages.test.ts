import { describe, expect, test } from 'vitest';
import { RelayError } from '../errors.ts';
import type { OutgoingRecord } from './record-producer.ts';
import { packRecords, relayErrorOf, unpackRecords, wireError } from './thread-messages.ts';

const record = (overrides: Partial<OutgoingRecord> = {}): OutgoingRecord => ({
  topic: 'adictiz.instant-win.v1',
  key: 'operation-7:user-42',
  value: Buffer.from([0, 0, 0, 0, 3, 10, 20, 30]),
  headers: { ce_type: 'adictiz.instant-win' },
  ...overrides,
});

/** A record with its bytes as arrays and every header as a list, so that `toEqual` compares contents. */
const contents = ({ topic, key, value, headers }: OutgoingRecord) => {
  const bytes = (v: string | Buffer) => [...(typeof v === 'string' ? Buffer.from(v) : v)];
  return {
    topic,
    key: key === null ? null : bytes(key),
    value: bytes(value),
    headers: Object.fromEntries(
      Object.entries(headers).map(([name, v]) => [name, (Array.isArray(v) ? v : [v]).map(bytes)]),
    ),
  };
};

describe('records crossing to the producer thread', () => {
  test('come out as they went in: text and bytes keys, a null key, bytes, text, repeated and oddly named headers', () => {
    const records = [
      record(),
      record({ key: Buffer.from('bytes-key'), headers: { raw: Buffer.from([1, 2, 3]) } }),
      record({ key: null, headers: { seen: ['a', Buffer.from('b')], empty: '' } }),
      record({ topic: 'komo.quiz-answered.v1', key: 'clé-ünïcode-🎲', headers: { note: 'déjà vu ✓' } }),
      record({ headers: { ['n'.repeat(70_000)]: 'a name longer than 64 KB', ['__proto__']: 'a header' } }),
    ];

    const batch = packRecords(records);
    const moved = structuredClone(batch, { transfer: [batch.bytes] });

    expect(moved.count).toBe(5);
    expect(unpackRecords(moved).map(contents)).toEqual(records.map(contents));
  });

  test("carry the records' bytes, not the 8 KB pool their Buffers are views of", () => {
    const pooled = Buffer.from('a short value, allocated from the pool');
    expect(pooled.buffer.byteLength).toBeGreaterThan(4_096);

    const batch = packRecords([record({ value: pooled, headers: {} })]);

    expect(batch.bytes.byteLength).toBeLessThan(1_024);
    expect(unpackRecords(batch)[0]?.value.toString()).toBe(pooled.toString());
  });

  test('a RelayError comes back with its code, detail and cause', () => {
    const error = new RelayError('KAFKA_UNAVAILABLE', 'a batch of 3 records was not acknowledged', {
      cause: new Error('Request timed out'),
    });

    const again = relayErrorOf(structuredClone(wireError(error)));

    expect(again).toBeInstanceOf(RelayError);
    expect(again).toMatchObject({ code: error.code, retriable: true, message: error.message });
    expect((again.cause as Error).message).toBe('Request timed out');
  });

  test('any other error comes back as a retriable KAFKA_UNAVAILABLE saying what it was', () => {
    const again = relayErrorOf(wireError(new TypeError('socket closed')));

    expect(again).toMatchObject({ code: 'KAFKA_UNAVAILABLE', retriable: true, detail: 'socket closed' });
  });
});
