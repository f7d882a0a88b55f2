import { cloudEventHeaders, normalise } from '@relay/events';
import type { EventSerde, RecordProducer } from '@relay/kafka';
import type { Kafka, KafkaMessage } from '@relay/kafkajs';
import pRetry from 'p-retry';
import { DEAD_LETTER_HEADERS } from '../publish/dead-letters.ts';
import { type PublishedCatalogue, publishedCatalogue } from '../publish/published-catalogue.ts';

export const REPLAY_COUNT_HEADER = 'relay_replay_count';

export interface ReplayReport {
  readonly read: number;
  readonly published: number;
  /** Still rejected: appended again to the dead-letter topic with their new error, for a later replay. */
  readonly stillFailing: number;
}

export interface ReplayOptions {
  readonly kafka: Kafka;
  readonly producer: RecordProducer;
  readonly serde: EventSerde;
  readonly deadLetterTopic: string;
  /** Where bodies that now pass are published; the catalogue's own topics by default. */
  readonly catalogue?: PublishedCatalogue;
  /** The consumer group whose committed offsets say what was replayed already. */
  readonly groupId?: string;
  readonly dryRun?: boolean;
}

function header(
  headers: Record<string, Buffer | string | (Buffer | string)[] | undefined> | undefined,
  name: string,
) {
  const value = headers?.[name];
  return value === undefined ? undefined : String(Array.isArray(value) ? value[0] : value);
}

/**
 * Runs every dead-lettered body received so far through the gateway's checks again, once a fix
 * or a schema has landed: publishes those that now pass, re-queues the rest. Reads up to the end
 * offsets seen at start, and commits each offset only after its outcome is acknowledged.
 */
export async function replayDeadLetters(options: ReplayOptions): Promise<ReplayReport> {
  const { kafka, deadLetterTopic } = options;
  const catalogue = options.catalogue ?? publishedCatalogue('');
  const groupId = options.groupId ?? 'relay-dead-letter-replay';
  const admin = kafka.admin();
  await admin.connect();
  const [offsets, [committed]] = await Promise.all([
    admin.fetchTopicOffsets(deadLetterTopic),
    // A coordinator that is still loading answers with a retriable error.
    pRetry(() => admin.fetchOffsets({ groupId, topics: [deadLetterTopic] }), {
      retries: 10,
      minTimeout: 200,
      maxRetryTime: 15_000,
      shouldRetry: ({ error }) => (error as { retriable?: boolean }).retriable === true,
    }),
  ]);
  await admin.disconnect();
  const ends = new Map<number, bigint>();
  for (const { partition, low, high } of offsets) {
    const from = BigInt(committed?.partitions.find((p) => p.partition === partition)?.offset ?? '-1');
    // Only partitions with records not yet replayed are read, and only up to where they end now.
    if (BigInt(high) > (from < BigInt(low) ? BigInt(low) : from)) ends.set(partition, BigInt(high));
  }
  const report = { read: 0, published: 0, stillFailing: 0 };
  if (ends.size === 0) return report;

  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200, allowAutoTopicCreation: false });
  await consumer.connect();
  await consumer.subscribe({ topic: deadLetterTopic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const remaining = new Set(ends.keys());
    void consumer
      .run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          const end = ends.get(partition);
          if (end === undefined || BigInt(message.offset) >= end) return;
          report.read += 1;
          if (await replayOne(options, catalogue, message)) report.published += 1;
          else report.stillFailing += 1;
          const next = BigInt(message.offset) + 1n;
          if (options.dryRun !== true) {
            await consumer.commitOffsets([{ topic: deadLetterTopic, partition, offset: next.toString() }]);
          }
          if (next >= end) {
            remaining.delete(partition);
            if (remaining.size === 0) resolve();
          }
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return report;
}

/** Publishes the body if it now passes (true), or appends it again with its new error (false). */
async function replayOne(
  options: ReplayOptions,
  catalogue: PublishedCatalogue,
  message: KafkaMessage,
): Promise<boolean> {
  const { producer, serde, deadLetterTopic } = options;
  const source = header(message.headers, DEAD_LETTER_HEADERS.source) ?? '';
  const path = header(message.headers, DEAD_LETTER_HEADERS.path) ?? '';
  const eventType = /^\/webhooks\/[^/]+\/([^/]+)$/.exec(path)?.[1];
  const body = message.value ?? Buffer.alloc(0);
  const receivedAt = Date.parse(header(message.headers, DEAD_LETTER_HEADERS.receivedAt) ?? '') || Date.now();
  const result = normalise({ source, body, eventType, receivedAt });
  if (options.dryRun === true) return result.ok;
  if (result.ok) {
    const definition = catalogue.as(result.definition);
    await producer.send({
      topic: definition.topic,
      key: result.key,
      value: serde.encode(definition, result.event),
      headers: cloudEventHeaders(definition, result.event),
    });
    return true;
  }
  const kept = Object.fromEntries(
    Object.entries(message.headers ?? {}).map(([name, value]) => [
      name,
      String(Array.isArray(value) ? value[0] : value),
    ]),
  );
  await producer.send({
    topic: deadLetterTopic,
    key: message.key?.toString() ?? source,
    value: body,
    headers: {
      ...kept,
      [DEAD_LETTER_HEADERS.code]: result.code,
      [DEAD_LETTER_HEADERS.detail]: result.detail.slice(0, 4_000),
      [REPLAY_COUNT_HEADER]: String(Number(header(message.headers, REPLAY_COUNT_HEADER) ?? '0') + 1),
    },
  });
  return false;
}
