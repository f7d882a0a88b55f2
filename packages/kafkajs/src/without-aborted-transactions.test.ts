import { describe, expect, test } from 'vitest';
import { type FetchedRecord, withoutAbortedTransactions } from './without-aborted-transactions.ts';

const ABORT = Buffer.from([0, 0, 0, 0]);
const COMMIT = Buffer.from([0, 0, 0, 1]);

interface Record extends FetchedRecord {
  readonly value: string;
}

/** A record of `producerId` at `offset`, in a transaction unless said otherwise. */
const record = (offset: number, producerId: string, value: string, inTransaction = true): Record => ({
  offset: String(offset),
  key: Buffer.from('k'),
  value,
  batchContext: { producerId, inTransaction },
});

const marker = (offset: number, producerId: string, key: Buffer): Record => ({
  offset: String(offset),
  key,
  isControlRecord: true,
  value: key.equals(ABORT) ? 'abort marker' : 'commit marker',
  batchContext: { producerId, inTransaction: true },
});

const values = (records: readonly Record[]) => records.map((r) => r.value);

/** The values of the records kept when the partition lists these aborted transactions, `producer@firstOffset`. */
const keptValues = (messages: Record[], ...aborted: string[]) =>
  values(
    withoutAbortedTransactions({
      messages,
      abortedTransactions: aborted.map((entry) => {
        const [producerId = '', firstOffset = ''] = entry.split('@');
        return { producerId, firstOffset };
      }),
    }),
  );

describe('withoutAbortedTransactions', () => {
  test('returns every record when the partition has no aborted transaction', () => {
    const messages = [record(0, '1', 'a'), marker(1, '1', COMMIT)];

    expect(withoutAbortedTransactions({ messages, abortedTransactions: [] })).toBe(messages);
    expect(withoutAbortedTransactions({ messages, abortedTransactions: null })).toBe(messages);
  });

  test("drops an aborted transaction's records and keeps its marker, which kafkajs drops afterwards", () => {
    const messages = [record(0, '1', 'aborted'), marker(1, '1', ABORT), record(2, '2', 'plain', false)];

    expect(keptValues(messages, '1@0')).toEqual(['abort marker', 'plain']);
  });

  test('drops the records of transactions listed in the order they were aborted, not the order they started', () => {
    const messages = [
      record(0, '1', 'first started'),
      record(1, '2', 'second started'),
      marker(2, '2', ABORT),
      record(3, '1', 'first, later'),
      marker(4, '1', ABORT),
      record(5, '3', 'committed'),
      marker(6, '3', COMMIT),
    ];

    expect(keptValues(messages, '2@1', '1@0').filter((v) => !v.endsWith('marker'))).toEqual(['committed']);
  });

  test('drops the records of every aborted transaction already open where the fetch starts', () => {
    const messages = [
      record(10, '2', 'second'),
      record(11, '1', 'first'),
      marker(12, '1', ABORT),
      marker(13, '2', ABORT),
    ];

    expect(keptValues(messages, '1@3', '2@5')).toEqual(['abort marker', 'abort marker']);
  });

  test("keeps a producer's records after its abort marker", () => {
    const messages = [
      record(0, '1', 'aborted'),
      marker(1, '1', ABORT),
      record(2, '1', 'committed later'),
      marker(3, '1', COMMIT),
    ];

    expect(keptValues(messages, '1@0')).toEqual(['abort marker', 'committed later', 'commit marker']);
  });

  test('a record whose key looks like an abort marker does not end an aborted transaction', () => {
    const messages = [
      record(0, '1', 'aborted'),
      { ...record(1, '1', 'aborted, key 0x00000000'), key: ABORT },
      record(2, '1', 'aborted, after it'),
      marker(3, '1', ABORT),
    ];

    expect(keptValues(messages, '1@0')).toEqual(['abort marker']);
  });

  test('keeps records of the aborting producer written outside a transaction', () => {
    const messages = [
      record(0, '1', 'aborted'),
      record(1, '1', 'not transactional', false),
      marker(2, '1', ABORT),
    ];

    expect(keptValues(messages, '1@0')).toEqual(['not transactional', 'abort marker']);
  });
});
