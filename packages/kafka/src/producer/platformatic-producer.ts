import {
  findErrorBy,
  type MessageToProduce,
  ProduceAcks,
  type ProduceResult,
  Producer,
} from '@platformatic/kafka';
import {
  type BatchClient,
  type BatchingOptions,
  BatchingRecordProducer,
  DEFAULT_ACK_TIMEOUT_MS,
  deliveriesFrom,
  type PartitionAcknowledgement,
} from './batching-producer.ts';
import { murmur2 } from './murmur2.ts';
import type { Delivery, OutgoingRecord, RecordHeaders } from './record-producer.ts';

export interface PlatformaticProducerOptions extends BatchingOptions {
  readonly clientId: string;
  readonly brokers: readonly string[];
  readonly connectTimeoutMs?: number;
}

type Message = MessageToProduce<Buffer, Buffer, Buffer, Buffer>;

/** Header names as bytes, made once per name (a producer sees the same few names again and again). */
const headerNames = new Map<string, Buffer>();

function headerName(name: string): Buffer {
  let bytes = headerNames.get(name);
  if (bytes === undefined) {
    bytes = Buffer.from(name);
    headerNames.set(name, bytes);
  }
  return bytes;
}

function toBytes(value: string | Buffer): Buffer {
  return typeof value === 'string' ? Buffer.from(value) : value;
}

/**
 * The last value of each header name and its bytes: most values repeat from record to record (the
 * spec version, the event's type and source, the content type), and their bytes are then not made
 * again. The client only copies them into the request.
 */
const lastValues = new Map<string, string>();
const lastValueBytes = new Map<string, Buffer>();

function valueBytes(name: string, value: string | Buffer): Buffer {
  if (typeof value !== 'string') return value;
  const last = lastValueBytes.get(name);
  if (last !== undefined && lastValues.get(name) === value) return last;
  const bytes = Buffer.from(value);
  lastValues.set(name, value);
  lastValueBytes.set(name, bytes);
  return bytes;
}

/** Kafka headers as @platformatic/kafka takes them: a map keyed by name bytes, one entry per value. */
function headerMap(headers: RecordHeaders): Map<Buffer, Buffer> {
  const map = new Map<Buffer, Buffer>();
  for (const name in headers) {
    const value = headers[name] as string | Buffer | (string | Buffer)[];
    if (!Array.isArray(value)) map.set(headerName(name), valueBytes(name, value));
    // A map's keys are compared by identity: a fresh key object per value keeps them all.
    else for (const each of value) map.set(Buffer.from(name), toBytes(each));
  }
  return map;
}

/**
 * Kafka's own (Java) partitioner, which kafkajs's default also is (the client's own default hashes
 * differently): a key keeps its partition whichever client published it, so a rolling upgrade
 * does not reorder a user's events.
 */
export function javaPartition(key: Buffer, partitions: number): number {
  return (murmur2(key) & 0x7fffffff) % partitions;
}

const FIRST_RETRY_MS = 100;
const LONGEST_RETRY_MS = 1_000;

/**
 * Retries of a failed request, backing off from 100 ms to 1 s, for `budgetMs` (the producer gives
 * them half its acknowledgement timeout): a leader moving off a stopped broker is ridden out while a
 * caller waits (a budget of 2 × 100 ms let requests through as 503s while a partition changed leader
 * in the three-broker test), and a batch still fails in bounded time when Kafka is down. (An
 * idempotent producer given fewer than two retries would retry forever.)
 *
 * A retry after NOT_LEADER_OR_FOLLOWER (or another error saying the metadata is stale) first drops
 * the client's metadata: the client refreshes it by itself only after a network error, so a leader
 * that moved off a broker shutting down cleanly was retried on that broker until the whole budget
 * ran out (4 requests answered 503 after 3 s in the three-broker test, with two replicas in sync).
 */
export function retriesWithin(budgetMs: number): {
  retries: number;
  retryDelay: (...args: unknown[]) => number;
} {
  const delay = (attempt: number) => Math.min(FIRST_RETRY_MS * 2 ** (attempt - 1), LONGEST_RETRY_MS);
  let retries = 0;
  for (let waited = 0; waited < budgetMs; waited += delay(retries)) retries += 1;
  return {
    retries: Math.max(retries, 2),
    retryDelay: (client, _operation, attempt, _retries, error) => {
      const stale = error instanceof Error && findErrorBy(error, 'hasStaleMetadata', true);
      if (stale && hasMetadataCache(client)) client.clearMetadata();
      return delay(attempt as number);
    },
  };
}

function hasMetadataCache(client: unknown): client is { clearMetadata(): void } {
  return typeof (client as { clearMetadata?: unknown } | undefined)?.clearMetadata === 'function';
}

/** What the batch client uses of @platformatic/kafka's Producer; its unit tests give it a fake. */
export interface ProducerApi {
  metadata(options: {
    topics: string[];
  }): Promise<{ readonly topics: ReadonlyMap<string, { readonly partitionsCount: number }> }>;
  send(options: { messages: Message[] }): Promise<ProduceResult>;
  clearMetadata(): void;
  listApis(): Promise<unknown>;
  close(): Promise<void>;
}

/** An idempotent @platformatic/kafka producer (acks=all), one produce request per batch. */
export class PlatformaticBatchClient implements BatchClient {
  readonly #producer: ProducerApi;
  /** Round robin over partitions for records without a key, per topic. */
  readonly #unkeyed = new Map<string, number>();

  constructor(options: PlatformaticProducerOptions, producer: ProducerApi = idempotentProducer(options)) {
    this.#producer = producer;
  }

  async connect(): Promise<void> {
    await this.#producer.listApis();
  }

  async sendBatch(records: readonly OutgoingRecord[]): Promise<(Delivery | undefined)[]> {
    const topics = [...new Set(records.map((record) => record.topic))];
    const metadata = await this.#producer.metadata({ topics });
    const messages = records.map((record): Message => {
      const key = record.key === null ? undefined : toBytes(record.key);
      const partitions = metadata.topics.get(record.topic)?.partitionsCount;
      if (partitions === undefined) throw new Error(`no metadata for topic ${record.topic}`);
      return {
        topic: record.topic,
        partition:
          key === undefined ? this.#nextUnkeyed(record.topic, partitions) : javaPartition(key, partitions),
        ...(key === undefined ? {} : { key }),
        value: record.value,
        headers: headerMap(record.headers),
      };
    });
    return deliveriesFrom(
      records,
      messages.map((message) => message.partition),
      await this.#send(messages),
    );
  }

  /**
   * One produce request per leader, and once more, one per partition, for what it did not store
   * because leaders moved: on a retry the client sends a destination's whole group to the new leader
   * of the group's first partition (@platformatic/kafka 2.12's #performSingleDestinationSend), which
   * refuses the partitions now led elsewhere until the retries run out (a CI run of the three-broker
   * test: 4 requests answered 503 with one broker stopped and two replicas in sync). A partition
   * that leader did store is stored twice; at least once is the promise, as for a sender's retry.
   */
  async #send(messages: Message[]): Promise<PartitionAcknowledgement[]> {
    try {
      return acknowledgementsOf(await this.#producer.send({ messages }));
    } catch (error) {
      if (!(error instanceof Error && findErrorBy(error, 'hasStaleMetadata', true))) throw error;
      const stored = acknowledgementsOf((error as { produced?: ProduceResult }).produced);
      this.#producer.clearMetadata();
      const again: PartitionAcknowledgement[] = [];
      // One at a time: the failed send left the idempotent producer to be started again, once.
      for (const partitionMessages of unstoredByPartition(messages, stored))
        again.push(...acknowledgementsOf(await this.#producer.send({ messages: partitionMessages })));
      return [...stored, ...again];
    }
  }

  #nextUnkeyed(topic: string, partitions: number): number {
    const next = this.#unkeyed.get(topic) ?? 0;
    this.#unkeyed.set(topic, next + 1);
    return next % partitions;
  }

  async disconnect(): Promise<void> {
    await this.#producer.close();
  }
}

function idempotentProducer(options: PlatformaticProducerOptions): Producer<Buffer, Buffer, Buffer, Buffer> {
  return new Producer({
    clientId: options.clientId,
    bootstrapBrokers: [...options.brokers],
    idempotent: true,
    acks: ProduceAcks.ALL,
    // Each attempt gets a third of the acknowledgement timeout, so that a request stuck on a broker that
    // is going away leaves time for retries on the new leader within it.
    timeout: Math.max(1, Math.floor((options.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS) / 3)),
    connectTimeout: options.connectTimeoutMs ?? 3_000,
    // Half the acknowledgement timeout, so that what a send could not store after leaders moved can
    // go once more within it (see #send).
    ...retriesWithin((options.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS) / 2),
    autocreateTopics: false,
    // Refreshed every 5 minutes, as kafkajs does (and at once after an error naming stale metadata): with
    // the client's default of 5 s, the refreshes in the send path showed in the benchmark's latency tail.
    metadataMaxAge: 300_000,
  });
}

/** The messages of the partitions `stored` does not name, grouped by partition in their order. */
export function unstoredByPartition<M extends { readonly topic: string; readonly partition?: number }>(
  messages: readonly M[],
  stored: readonly PartitionAcknowledgement[],
): M[][] {
  const slot = (topic: string, partition: number | undefined) => `${topic}/${partition}`;
  const storedSlots = new Set(stored.map(({ topic, partition }) => slot(topic, partition)));
  const unstored = new Map<string, M[]>();
  for (const message of messages) {
    const key = slot(message.topic, message.partition);
    if (storedSlots.has(key)) continue;
    const partitionMessages = unstored.get(key);
    if (partitionMessages === undefined) unstored.set(key, [message]);
    else partitionMessages.push(message);
  }
  return [...unstored.values()];
}

function acknowledgementsOf(result: ProduceResult | undefined): PartitionAcknowledgement[] {
  return (result?.offsets ?? []).map(({ topic, partition, offset }) => ({
    topic,
    partition,
    baseOffset: offset,
  }));
}

/**
 * Batching on @platformatic/kafka: the gateway's producer. It spends about half of kafkajs's CPU
 * per record (kafkajs allocates a zero-filled buffer per header and per record), which on a
 * gateway is the largest single share of a request (see bench/gateway.bench.ts).
 * A failed batch makes the client start a new producer id, so that a batch stored without its
 * acknowledgement cannot make the broker drop the next one as its duplicate.
 */
export class PlatformaticRecordProducer extends BatchingRecordProducer {
  constructor(options: PlatformaticProducerOptions) {
    super(new PlatformaticBatchClient(options), options);
  }
}
