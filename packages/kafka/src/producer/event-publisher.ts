import { cloudEventHeaders, type StreamDefinition } from '@relay/events';
import type { EventSerde } from '../serde/event-serde.ts';
import type { Delivery, RecordProducer } from './record-producer.ts';

/** What a publishable event carries, like every record of the catalogue. */
export interface PublishableValue {
  readonly event_id: string;
  readonly occurred_at: number;
}

/** A topic whose definition says how to key its records. */
export type Publishable<T> = StreamDefinition<T> & { readonly key: { of(value: T): string } };

/**
 * Publishes typed values on their topics, as the gateway publishes webhook events: Avro in the
 * Confluent wire format, keyed by the definition, with CloudEvents headers; resolves once acknowledged.
 */
export class EventPublisher {
  readonly #producer: RecordProducer;
  readonly #serde: EventSerde;

  constructor(producer: RecordProducer, serde: EventSerde) {
    this.#producer = producer;
    this.#serde = serde;
  }

  async publish<T extends PublishableValue>(
    definition: Publishable<T>,
    value: T,
    options: { readonly traceparent?: string } = {},
  ): Promise<Delivery> {
    return this.#producer.send({
      topic: definition.topic,
      key: definition.key.of(value),
      value: this.#serde.encode(definition, value),
      headers: cloudEventHeaders(definition, value, options.traceparent),
    });
  }
}
