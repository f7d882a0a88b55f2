import { describe, expect, test } from '@relay/testkit/vitest';
import { afterEach, beforeEach, vi } from 'vitest';
import { withDeadline } from './deadline.ts';

const late = () => new Error('too late');

describe('withDeadline', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  test('settles with the promise when it is in time, and leaves no timer behind', async () => {
    await expect(withDeadline(Promise.resolve('stored'), 1_000, late)).resolves.toBe('stored');
    expect(vi.getTimerCount()).toBe(0);
  });

  test('passes the promise’s own failure on, and leaves no timer behind', async () => {
    const failure = new Error('broker down');
    await expect(withDeadline(Promise.reject(failure), 1_000, late)).rejects.toBe(failure);
    expect(vi.getTimerCount()).toBe(0);
  });

  test('rejects with the timeout error once the deadline passes, not before', async () => {
    let outcome = 'pending';
    withDeadline(new Promise<string>(() => {}), 1_000, late).catch((error: Error) => {
      outcome = error.message;
    });
    await vi.advanceTimersByTimeAsync(999);
    expect(outcome).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    expect(outcome).toBe('too late');
  });
});
