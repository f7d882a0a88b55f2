import type { Delivery } from '@relay/kafka';
import { describe, expect, test } from '@relay/testkit/vitest';
import { Deduplicator } from './dedupe.ts';

const TOPIC = 'relay.komo.card-started.v1';
const stored: Delivery = { topic: TOPIC, partition: 1, offset: '41' };

const deduplicator = () => new Deduplicator({ windowMs: 60_000, maxEntries: 100 });

describe('Deduplicator', () => {
  test('concurrent copies of one event share a single publish', async () => {
    const dedupe = deduplicator();
    let publishes = 0;
    const publish = async () => {
      publishes += 1;
      await new Promise((resolve) => setTimeout(resolve, 10));
      return stored;
    };
    const answers = await Promise.all(Array.from({ length: 50 }, () => dedupe.once(TOPIC, 'evt-1', publish)));
    expect(publishes).toBe(1);
    expect(answers.filter((answer) => !answer.duplicate)).toHaveLength(1);
    expect(answers.every((answer) => answer.delivery === stored)).toBe(true);
  });

  test('a redelivery after the publish is answered from the window', async () => {
    const dedupe = deduplicator();
    await dedupe.once(TOPIC, 'evt-1', async () => stored);
    const again = await dedupe.once(TOPIC, 'evt-1', () => Promise.reject(new Error('published twice')));
    expect(again).toEqual({ delivery: stored, duplicate: true });
  });

  test('a failed publish is forgotten, so the retry publishes', async () => {
    const dedupe = deduplicator();
    await expect(
      dedupe.once(TOPIC, 'evt-1', () => Promise.reject(new Error('broker down'))),
    ).rejects.toThrow();
    expect(await dedupe.once(TOPIC, 'evt-1', async () => stored)).toEqual({
      delivery: stored,
      duplicate: false,
    });
  });

  test('an acknowledgement that came after the publish gave up makes the redelivery a duplicate', async () => {
    const dedupe = deduplicator();
    let remembered: ((delivery: Delivery) => void) | undefined;
    const givingUp = dedupe.once(TOPIC, 'evt-1', (remember) => {
      remembered = remember;
      return Promise.reject(new Error('not acknowledged within the deadline'));
    });
    await expect(givingUp).rejects.toThrow();
    remembered?.(stored);
    expect(await dedupe.once(TOPIC, 'evt-1', async () => ({ ...stored, offset: '99' }))).toEqual({
      delivery: stored,
      duplicate: true,
    });
  });
});
