import { NetworkError, ProtocolError, ResponseError } from '@platformatic/kafka';
import { describe, expect, test } from 'vitest';
import { retriesWithin } from './platformatic-producer.ts';

const delaysOf = (ackTimeoutMs: number) => {
  const { retries, retryDelay } = retriesWithin(ackTimeoutMs);
  return Array.from({ length: retries }, (_, i) => retryDelay(undefined, 'produce', i + 1));
};
const sum = (delays: number[]) => delays.reduce((a, b) => a + b, 0);

describe('retriesWithin', () => {
  test('keeps retrying for as long as the acknowledgement timeout, and no longer than one more delay', () => {
    for (const timeout of [1_500, 3_000, 5_000, 10_000]) {
      const delays = delaysOf(timeout);
      expect(sum(delays), `${timeout} ms`).toBeGreaterThanOrEqual(timeout);
      expect(sum(delays.slice(0, -1)), `${timeout} ms`).toBeLessThan(timeout);
    }
  });

  test('backs off from 100 ms, doubling, to at most 1 s', () => {
    expect(delaysOf(5_000)).toEqual([100, 200, 400, 800, 1_000, 1_000, 1_000, 1_000]);
  });

  test('never asks for fewer than two retries, which the client would turn into retrying forever', () => {
    expect(retriesWithin(1).retries).toBe(2);
  });

  test('a retry after NOT_LEADER_OR_FOLLOWER drops the stale metadata first, so it goes to the new leader', () => {
    const { retryDelay } = retriesWithin(3_000);
    let cleared = 0;
    const client = { clearMetadata: () => (cleared += 1) };
    retryDelay(client, 'produce', 1, 6, new ProtocolError('NOT_LEADER_OR_FOLLOWER'));
    // As a produce response reports it: one partition of the request refused (error code 6).
    const partitionRefused = new ResponseError(
      0,
      11,
      { '/responses/0/partition_responses/1': [6, null] },
      {},
    );
    retryDelay(client, 'produce', 2, 6, partitionRefused);
    expect(cleared).toBe(2);
  });

  test('other errors keep the metadata (after a network error the client refreshes it itself)', () => {
    const { retryDelay } = retriesWithin(3_000);
    let cleared = 0;
    const client = { clearMetadata: () => (cleared += 1) };
    retryDelay(client, 'produce', 1, 6, new NetworkError('connection refused'));
    retryDelay(client, 'produce', 2, 6, new ProtocolError('REQUEST_TIMED_OUT'));
    expect(cleared).toBe(0);
  });
});
