import type { Delivery } from '@relay/kafka';
import { LRUCache } from 'lru-cache';

/**
 * Remembers where each event_id was published, for a window, so a redelivery is answered
 * without publishing again. A delivery still in flight is shared: fifty concurrent copies of one
 * event make one record.
 */
export class Deduplicator {
  readonly #published: LRUCache<string, Delivery>;
  readonly #inFlight = new Map<string, Promise<Delivery>>();

  constructor(options: { windowMs: number; maxEntries: number }) {
    this.#published = new LRUCache({
      max: options.maxEntries,
      ttl: Math.max(options.windowMs, 1),
      ttlAutopurge: false,
    });
  }

  /** Records a delivery that completed after its request had already been answered. */
  remember(eventId: string, delivery: Delivery): void {
    this.#published.set(eventId, delivery);
  }

  /**
   * Publishes through `publish` unless the event was (or is being) published: then answers
   * with that delivery and `duplicate: true`. A failed publish is forgotten, so a retry publishes.
   */
  async once(
    eventId: string,
    publish: () => Promise<Delivery>,
  ): Promise<{ delivery: Delivery; duplicate: boolean }> {
    const known = this.#published.get(eventId);
    if (known !== undefined) return { delivery: known, duplicate: true };
    const pending = this.#inFlight.get(eventId);
    if (pending !== undefined) return { delivery: await pending, duplicate: true };
    const publishing = publish();
    this.#inFlight.set(eventId, publishing);
    try {
      const delivery = await publishing;
      this.#published.set(eventId, delivery);
      return { delivery, duplicate: false };
    } finally {
      this.#inFlight.delete(eventId);
    }
  }
}
