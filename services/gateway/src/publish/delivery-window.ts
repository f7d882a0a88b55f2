import type { Delivery } from '@relay/kafka';
import { type Hash128, murmur3x86x128 } from './murmur3.ts';

const EMPTY = 0;
const HASH_WORDS = 4;
/** Half full at most, so a miss probes about two slots. */
const SLOTS_PER_ENTRY = 2;
const MAX_TOPICS = 0xffff;
/** Spreads topic numbers over the table, so one id on two topics starts two probe runs. */
const TOPIC_SPREAD = 0x9e3779b9;

/** An event as the window knows it: its topic's number and a 128-bit hash of its id. */
export interface EventKey extends Hash128 {
  readonly topic: number;
}

export interface DeliveryWindowOptions {
  readonly windowMs: number;
  readonly maxEntries: number;
  /** A monotonic clock in milliseconds. */
  readonly now?: () => number;
}

/**
 * Where each recently published event went, kept in typed arrays rather than as JS objects: a full
 * window of 500,000 ids as strings and objects was ≈ 95 MB of heap that every major GC marked,
 * and those pauses were the gateway's latency tail. Here it is a few large arrays the GC skips.
 *
 * An event is known by its topic and a 128-bit hash of its id (a false duplicate among n ids of a
 * topic has a chance of about n²/2¹²⁹). Entries sit in a ring in the order they were stored, so the oldest
 * is the first to expire and the one evicted when the window is full; an open-addressing table
 * of ring positions (linear probing, backward-shift deletion) finds them.
 */
export class DeliveryWindow {
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #capacity: number;
  readonly #hashes: Int32Array;
  readonly #partitions: Int32Array;
  readonly #offsets: BigInt64Array;
  readonly #topics: Uint16Array;
  readonly #storedAt: Float64Array;
  /** Ring position + 1 of the entry in each slot, 0 when empty. */
  readonly #slots: Uint32Array;
  readonly #mask: number;
  readonly #topicNames: string[] = [];
  readonly #topicIndex = new Map<string, number>();
  #oldest = 0;
  #size = 0;

  constructor(options: DeliveryWindowOptions) {
    const capacity = options.maxEntries;
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new RangeError(`maxEntries must be a positive integer, got ${capacity}`);
    }
    this.#windowMs = options.windowMs;
    this.#now = options.now ?? performance.now.bind(performance);
    this.#capacity = capacity;
    this.#hashes = new Int32Array(capacity * HASH_WORDS);
    this.#partitions = new Int32Array(capacity);
    this.#offsets = new BigInt64Array(capacity);
    this.#topics = new Uint16Array(capacity);
    this.#storedAt = new Float64Array(capacity);
    const slotCount = 2 ** Math.ceil(Math.log2(capacity * SLOTS_PER_ENTRY));
    this.#slots = new Uint32Array(slotCount);
    this.#mask = slotCount - 1;
  }

  get size(): number {
    this.#expire(this.#now());
    return this.#size;
  }

  /** Computed once per request: the hash is the costly part of a lookup. */
  keyOf(topic: string, eventId: string): EventKey {
    const { h1, h2, h3, h4 } = murmur3x86x128(eventId);
    return { topic: this.#topicNumber(topic), h1, h2, h3, h4 };
  }

  /** The delivery stored for this event within the window, if any. */
  get(key: EventKey): Delivery | undefined {
    this.#expire(this.#now());
    const slot = this.#find(key);
    if (slot < 0) return undefined;
    const entry = (this.#slots[slot] as number) - 1;
    return {
      topic: this.#topicNames[key.topic] as string,
      partition: this.#partitions[entry] as number,
      offset: String(this.#offsets[entry]),
    };
  }

  /**
   * Stores where an event went (on its key's topic); an event already in the window keeps its
   * first delivery.
   */
  set(key: EventKey, delivery: Delivery): void {
    const now = this.#now();
    this.#expire(now);
    if (this.#find(key) >= 0) return;
    if (this.#size === this.#capacity) this.#evictOldest();
    const entry = (this.#oldest + this.#size) % this.#capacity;
    const at = entry * HASH_WORDS;
    this.#hashes[at] = key.h1;
    this.#hashes[at + 1] = key.h2;
    this.#hashes[at + 2] = key.h3;
    this.#hashes[at + 3] = key.h4;
    this.#topics[entry] = key.topic;
    this.#partitions[entry] = delivery.partition;
    this.#offsets[entry] = BigInt(delivery.offset);
    this.#storedAt[entry] = now;
    this.#size += 1;
    let slot = this.#homeOf(key.h1, key.topic);
    while (this.#slots[slot] !== EMPTY) slot = (slot + 1) & this.#mask;
    this.#slots[slot] = entry + 1;
  }

  #expire(now: number): void {
    while (this.#size > 0 && now - (this.#storedAt[this.#oldest] as number) > this.#windowMs) {
      this.#evictOldest();
    }
  }

  /** The slot holding the entry with this hash, or -1. */
  #find(key: EventKey): number {
    const hashes = this.#hashes;
    let slot = this.#homeOf(key.h1, key.topic);
    for (;;) {
      const stored = this.#slots[slot] as number;
      if (stored === EMPTY) return -1;
      const entry = stored - 1;
      const at = entry * HASH_WORDS;
      if (
        hashes[at] === key.h1 &&
        hashes[at + 1] === key.h2 &&
        hashes[at + 2] === key.h3 &&
        hashes[at + 3] === key.h4 &&
        this.#topics[entry] === key.topic
      ) {
        return slot;
      }
      slot = (slot + 1) & this.#mask;
    }
  }

  #homeOf(h1: number, topic: number): number {
    return (h1 ^ Math.imul(topic, TOPIC_SPREAD)) & this.#mask;
  }

  #home(entry: number): number {
    return this.#homeOf(this.#hashes[entry * HASH_WORDS] as number, this.#topics[entry] as number);
  }

  #evictOldest(): void {
    const entry = this.#oldest;
    let slot = this.#home(entry);
    while (this.#slots[slot] !== entry + 1) slot = (slot + 1) & this.#mask;
    this.#removeSlot(slot);
    this.#oldest = (entry + 1) % this.#capacity;
    this.#size -= 1;
  }

  /**
   * Empties a slot and moves later entries of the same probe run back into the gap, so every
   * entry stays reachable from its home slot without tombstones.
   */
  #removeSlot(gap: number): void {
    const slots = this.#slots;
    const mask = this.#mask;
    let next = (gap + 1) & mask;
    while (slots[next] !== EMPTY) {
      const home = this.#home((slots[next] as number) - 1);
      // The entry at `next` may fill the gap unless its home lies cyclically in (gap, next].
      const staysPut = gap < next ? home > gap && home <= next : home > gap || home <= next;
      if (!staysPut) {
        slots[gap] = slots[next] as number;
        gap = next;
      }
      next = (next + 1) & mask;
    }
    slots[gap] = EMPTY;
  }

  #topicNumber(topic: string): number {
    const known = this.#topicIndex.get(topic);
    if (known !== undefined) return known;
    if (this.#topicNames.length > MAX_TOPICS) throw new RangeError(`more than ${MAX_TOPICS + 1} topics`);
    this.#topicIndex.set(topic, this.#topicNames.length);
    this.#topicNames.push(topic);
    return this.#topicNames.length - 1;
  }
}
