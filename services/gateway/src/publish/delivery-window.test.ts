import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Delivery } from '@relay/kafka';
import { describe, expect, test } from '@relay/testkit/vitest';
import { DeliveryWindow } from './delivery-window.ts';

const TOPIC = 'relay.komo.card-started.v1';
const OTHER_TOPIC = 'relay.komo.card-finished.v1';

function clock(start = 0) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

/** Mulberry32: a seeded generator, so a failure replays. */
function randomBelow(seed: number) {
  let state = seed;
  return (below: number) => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) % below;
  };
}

const delivery = (offset: number | string, partition = 0, topic = TOPIC): Delivery => ({
  topic,
  partition,
  offset: String(offset),
});

describe('DeliveryWindow', () => {
  test('gives back the delivery stored for an event, offsets beyond 2^53 exactly', () => {
    const recent = new DeliveryWindow({ windowMs: 60_000, maxEntries: 10 });
    recent.set(recent.keyOf(TOPIC, 'evt-1'), delivery('9223372036854775807', 2));
    expect(recent.get(recent.keyOf(TOPIC, 'evt-1'))).toEqual(delivery('9223372036854775807', 2));
    expect(recent.get(recent.keyOf(TOPIC, 'evt-2'))).toBeUndefined();
  });

  test('the same event id on another topic is another event', () => {
    const recent = new DeliveryWindow({ windowMs: 60_000, maxEntries: 10 });
    recent.set(recent.keyOf(TOPIC, 'card-7'), delivery(1, 0, TOPIC));
    expect(recent.get(recent.keyOf(OTHER_TOPIC, 'card-7'))).toBeUndefined();
    expect(recent.get(recent.keyOf(TOPIC, 'card-7'))?.topic).toBe(TOPIC);
  });

  test('forgets an event once the window has passed since it was stored', () => {
    const time = clock();
    const recent = new DeliveryWindow({ windowMs: 1_000, maxEntries: 10, now: time.now });
    recent.set(recent.keyOf(TOPIC, 'evt-1'), delivery(1));
    time.advance(1_000);
    expect(recent.get(recent.keyOf(TOPIC, 'evt-1'))).toEqual(delivery(1));
    time.advance(1);
    expect(recent.get(recent.keyOf(TOPIC, 'evt-1'))).toBeUndefined();
    expect(recent.size).toBe(0);
  });

  test('when full, the oldest event makes room and the others stay', () => {
    const recent = new DeliveryWindow({ windowMs: 60_000, maxEntries: 3 });
    for (const offset of [1, 2, 3, 4]) recent.set(recent.keyOf(TOPIC, `evt-${offset}`), delivery(offset));
    expect(recent.get(recent.keyOf(TOPIC, 'evt-1'))).toBeUndefined();
    expect([2, 3, 4].map((offset) => recent.get(recent.keyOf(TOPIC, `evt-${offset}`))?.offset)).toEqual([
      '2',
      '3',
      '4',
    ]);
    expect(recent.size).toBe(3);
  });

  test('an event stored twice keeps its first delivery and its place', () => {
    const recent = new DeliveryWindow({ windowMs: 60_000, maxEntries: 2 });
    recent.set(recent.keyOf(TOPIC, 'evt-1'), delivery(1));
    recent.set(recent.keyOf(TOPIC, 'evt-1'), delivery(99));
    recent.set(recent.keyOf(TOPIC, 'evt-2'), delivery(2));
    expect(recent.get(recent.keyOf(TOPIC, 'evt-1'))).toEqual(delivery(1));
    expect(recent.size).toBe(2);
  });

  // Tiny tables, so probe runs wrap around the table's end and deletions shift entries back; ids
  // shared by two topics, as Komo's card events share theirs.
  test.each([1, 3, 8, 64])(
    'agrees with a plain map through 50,000 random stores, expiries and evictions (%i entries)',
    (maxEntries) => {
      const time = clock();
      const windowMs = 500;
      const recent = new DeliveryWindow({ windowMs, maxEntries, now: time.now });
      const model = new Map<string, { offset: string; storedAt: number }>();
      const random = randomBelow(maxEntries);
      const ids = maxEntries * 3;
      const topics = [TOPIC, OTHER_TOPIC];
      const expireModel = () => {
        for (const [id, entry] of model) if (time.now() - entry.storedAt > windowMs) model.delete(id);
      };
      for (let step = 0; step < 50_000; step++) {
        time.advance(random(4));
        const topic = topics[random(2)] as string;
        const id = `evt-${random(ids)}`;
        const modelKey = `${topic} ${id}`;
        expireModel();
        if (random(2) === 0) {
          const found = recent.get(recent.keyOf(topic, id));
          expect(found?.offset, `step ${step}: ${modelKey}`).toBe(model.get(modelKey)?.offset);
          if (found !== undefined) expect(found.topic).toBe(topic);
        } else {
          recent.set(recent.keyOf(topic, id), delivery(step, 0, topic));
          if (!model.has(modelKey)) {
            if (model.size === maxEntries) model.delete(model.keys().next().value as string);
            model.set(modelKey, { offset: String(step), storedAt: time.now() });
          }
        }
      }
      expect(recent.size).toBe(model.size);
      for (const topic of topics) {
        for (let n = 0; n < ids; n++) {
          const offset = recent.get(recent.keyOf(topic, `evt-${n}`))?.offset;
          expect(offset).toBe(model.get(`${topic} evt-${n}`)?.offset);
        }
      }
    },
  );

  test('a full default window of 500,000 events stays off the JS heap', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const before = process.memoryUsage();
    const recent = new DeliveryWindow({ windowMs: 86_400_000, maxEntries: 500_000 });
    for (let n = 0; n < 500_000; n++) {
      recent.set(
        recent.keyOf(TOPIC, `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`),
        delivery(n, n % 12),
      );
    }
    gc();
    const after = process.memoryUsage();
    expect(recent.size).toBe(500_000);
    // As strings and objects (lru-cache) the same window was ≈ 95 MB of heap.
    expect((after.heapUsed - before.heapUsed) / 2 ** 20).toBeLessThan(5);
    expect((after.arrayBuffers - before.arrayBuffers) / 2 ** 20).toBeLessThan(30);
  });
});
