import { hash } from 'node:crypto';
import type { Delivery } from '@relay/kafka';

const EMPTY = 0;
const HASH_WORDS = 4;
/** Half full at most, so a miss probes about two slots. */
const SLOTS_PER_ENTRY = 2;
const MAX_TOPICS = 0xffff;

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
 * An event is known by a 128-bit hash of its topic and id (a false duplicate among n ids has a
 * chance of about n²/2¹²⁹). Entries sit in a ring in the order they were stored, so the oldest
 * is the first to expire and the one evicted when the window is full; an open-addressing table
 * of ring positions (linear probing, backward-shift deletion) finds them.
 */
export class DeliveryWindow {
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #capacity: number;
  readonly #hashes: Uint32Array;
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
    this.#hashes = new Uint32Array(capacity * HASH_WORDS);
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

  /** The delivery stored for this event within the window, if any. */
  get(key: EventKey): Delivery | undefined {
    this.#expire(this.#now());
    const slot = this.#find(key);
    if (slot < 0) return undefined;
    const entry = (this.#slots[slot] as number) - 1;
    return {
      topic: this.#topicNames[this.#topics[entry] as number] as string,
      partition: this.#partitions[entry] as number,
      offset: String(this.#offsets[entry]),
    };
  }

  /** Stores where an event went; an event already in the window keeps its first delivery. */
  set(key: EventKey, delivery: Delivery): void {
    const now = this.#now();
    this.#expire(now);
    if (this.#find(key) >= 0) return;
    if (this.#size === this.#capacity) this.#evictOldest();
    const entry = (this.#oldest + this.#size) % this.#capacity;
    this.#hashes.set(key, entry * HASH_WORDS);
    this.#partitions[entry] = delivery.partition;
    this.#offsets[entry] = BigInt(delivery.offset);
    this.#topics[entry] = this.#topicNumber(delivery.topic);
    this.#storedAt[entry] = now;
    this.#size += 1;
    let slot = this.#home(entry);
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
    let slot = (key[0] as number) & this.#mask;
    for (;;) {
      const stored = this.#slots[slot] as number;
      if (stored === EMPTY) return -1;
      const at = (stored - 1) * HASH_WORDS;
      if (
        hashes[at] === key[0] &&
        hashes[at + 1] === key[1] &&
        hashes[at + 2] === key[2] &&
        hashes[at + 3] === key[3]
      ) {
        return slot;
      }
      slot = (slot + 1) & this.#mask;
    }
  }

  #home(entry: number): number {
    return (this.#hashes[entry * HASH_WORDS] as number) & this.#mask;
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

/** An event's 128-bit identity in the window: compute it once per request, it is the costly part. */
export type EventKey = Readonly<Uint32Array>;

export function eventKey(topic: string, eventId: string): EventKey {
  // The topic's length first, so no topic/id split of the same characters hashes alike.
  const digest = hash('sha256', `${topic.length}:${topic}/${eventId}`, 'buffer');
  return new Uint32Array(digest.buffer.slice(digest.byteOffset, digest.byteOffset + HASH_WORDS * 4));
}
