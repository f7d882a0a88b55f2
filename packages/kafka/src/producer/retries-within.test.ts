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
});
