import type { Delivery } from '@relay/kafka';
import { DeliveryWindow, type DeliveryWindowOptions } from './delivery-window.ts';

const asDuplicate = (delivery: Delivery) => ({ delivery, duplicate: true });

/**
 * Remembers where each event was published, for a window, so a redelivery is answered without
 * publishing again. A delivery still in flight is shared: fifty concurrent copies of one event
 * make one record. Events are told apart by topic and event_id: Komo gives a card's started and
 * finished events the same id.
 */
export class Deduplicator {
  readonly #published: DeliveryWindow;
  readonly #inFlight = new Map<string, Promise<Delivery>>();

  constructor(options: DeliveryWindowOptions) {
    this.#published = new DeliveryWindow(options);
  }

  /**
   * Publishes through `publish` unless the event was (or is being) published: then answers
   * with that delivery and `duplicate: true`. A failed publish is forgotten, so a retry publishes.
   * `publish` is handed `remember`, for a delivery acknowledged after `publish` gave up on it
   * (a deadline): a redelivery is then a duplicate.
   */
  once(
    topic: string,
    eventId: string,
    publish: (remember: (delivery: Delivery) => void) => Promise<Delivery>,
  ): Promise<{ delivery: Delivery; duplicate: boolean }> {
    const key = this.#published.keyOf(topic, eventId);
    const known = this.#published.get(key);
    if (known !== undefined) return Promise.resolve({ delivery: known, duplicate: true });
    const inFlightKey = `${topic}/${eventId}`;
    const pending = this.#inFlight.get(inFlightKey);
    if (pending !== undefined) return pending.then(asDuplicate);
    const publishing = publish((late) => this.#published.set(key, late));
    this.#inFlight.set(inFlightKey, publishing);
    // Chained, not awaited in an async function: that function's frame would be held, as garbage
    // to copy, for the whole publish of every request in flight.
    return publishing.then(
      (delivery) => {
        this.#inFlight.delete(inFlightKey);
        this.#published.set(key, delivery);
        return { delivery, duplicate: false };
      },
      (error: unknown) => {
        this.#inFlight.delete(inFlightKey);
        throw error;
      },
    );
  }
}
