import { describe, expect, test } from 'vitest';
import { unstoredByPartition } from './platformatic-producer.ts';

const message = (topic: string, partition: number, value: string) => ({ topic, partition, value });

describe('unstoredByPartition', () => {
  test('leaves out the partitions the failed send stored, and groups the rest by partition in order', () => {
    const messages = [
      message('wins', 0, 'a'),
      message('wins', 1, 'b'),
      message('answers', 0, 'c'),
      message('wins', 0, 'd'),
      message('wins', 2, 'e'),
      message('answers', 0, 'f'),
    ];
    const stored = [{ topic: 'wins', partition: 1, baseOffset: 40n }];
    expect(unstoredByPartition(messages, stored).map((group) => group.map(({ value }) => value))).toEqual([
      ['a', 'd'],
      ['c', 'f'],
      ['e'],
    ]);
  });

  test('tells the same partition number of two topics apart', () => {
    const stored = [{ topic: 'answers', partition: 0, baseOffset: 7n }];
    expect(unstoredByPartition([message('wins', 0, 'a'), message('answers', 0, 'b')], stored)).toEqual([
      [message('wins', 0, 'a')],
    ]);
  });

  test('resends nothing when every partition was stored', () => {
    const stored = [{ topic: 'wins', partition: 0, baseOffset: 0n }];
    expect(unstoredByPartition([message('wins', 0, 'a')], stored)).toEqual([]);
  });
});
