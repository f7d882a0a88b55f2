import { type Kafka, type Message, Partitioners, type Producer } from '@relay/kafkajs';
import {
  type BatchClient,
  type BatchingOptions,
  BatchingRecordProducer,
  DEFAULT_ACK_TIMEOUT_MS,
  deliveriesFrom,
} from './batching-producer.ts';
import type { Delivery, OutgoingRecord } from './record-producer.ts';

/** An idempotent kafkajs producer (acks=all), one produce request per batch. */
class KafkajsBatchClient implements BatchClient {
  readonly #kafka: Kafka;
  readonly #ackTimeoutMs: number;
  #producer: Producer;
  /** Set when a batch failed without telling whether the broker stored it (see #renewIdentity). */
  #needsNewIdentity = false;
  /** The partition the partitioner chose for each message of the batch being sent. */
  readonly #partitions = new WeakMap<Message, number>();

  constructor(kafka: Kafka, ackTimeoutMs: number) {
    this.#kafka = kafka;
    this.#ackTimeoutMs = ackTimeoutMs;
    this.#producer = this.#createProducer();
  }

  #createProducer(): Producer {
    const partitions = this.#partitions;
    return this.#kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: () => {
        const choose = Partitioners.DefaultPartitioner();
        return (args) => {
          const partition = choose(args);
          partitions.set(args.message, partition);
          return partition;
        };
      },
    });
  }

  connect(): Promise<void> {
    return this.#producer.connect();
  }

  async sendBatch(records: readonly OutgoingRecord[]): Promise<(Delivery | undefined)[]> {
    const messages = records.map(
      (record): Message => ({ key: record.key, value: record.value, headers: { ...record.headers } }),
    );
    const byTopic = new Map<string, Message[]>();
    records.forEach((record, i) => {
      const topicMessages = byTopic.get(record.topic) ?? [];
      topicMessages.push(messages[i] as Message);
      byTopic.set(record.topic, topicMessages);
    });
    try {
      if (this.#needsNewIdentity) await this.#renewIdentity();
      const metadata = await this.#producer.sendBatch({
        acks: -1,
        timeout: this.#ackTimeoutMs,
        topicMessages: [...byTopic].map(([topic, topicMessages]) => ({ topic, messages: topicMessages })),
      });
      return deliveriesFrom(
        records,
        messages.map((message) => this.#partitions.get(message)),
        metadata.map((m) => ({
          topic: m.topicName,
          partition: m.partition,
          baseOffset: BigInt(m.baseOffset ?? '-1'),
        })),
      );
    } catch (error) {
      this.#needsNewIdentity = true;
      throw error;
    }
  }

  /**
   * A failed batch may still have been stored (the connection can drop after the broker wrote it), and
   * kafkajs rewinds its sequence numbers on failure. The next batch would then reuse the failed batch's
   * sequence, and the broker would take it for a retry of that batch: acknowledged, but never written.
   * A new producer id starts a new sequence, so no later record can be mistaken for a duplicate.
   */
  async #renewIdentity(): Promise<void> {
    await this.#producer.disconnect().catch(() => {});
    this.#producer = this.#createProducer();
    await this.#producer.connect();
    this.#needsNewIdentity = false;
  }

  disconnect(): Promise<void> {
    return this.#producer.disconnect();
  }
}

/**
 * Batching on kafkajs: what the consumers publish their dead letters and derived events through
 * (they share the kafkajs client of their consumer group).
 */
export class KafkajsRecordProducer extends BatchingRecordProducer {
  constructor(kafka: Kafka, options: BatchingOptions = {}) {
    super(new KafkajsBatchClient(kafka, options.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS), options);
  }
}
