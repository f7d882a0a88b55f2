import {
  createRegistryClient,
  EventSerde,
  PlatformaticRecordProducer,
  SchemaRegistryAdmin,
  ThreadedRecordProducer,
} from '@relay/kafka';
import { keepTrying } from '@relay/service';
import type { Logger } from 'pino';
import { createApp } from './app.ts';
import type { GatewayConfig } from './config.ts';
import { createMetrics } from './metrics.ts';
import { DeadLetterWriter } from './publish/dead-letters.ts';
import { Deduplicator } from './publish/dedupe.ts';
import { publishedCatalogue } from './publish/published-catalogue.ts';

export interface Gateway {
  readonly app: ReturnType<typeof createApp>;
  /** Connects the producer and resolves the schema ids, retrying until both succeed or `stop()`. */
  start(): Promise<void>;
  /** Flushes and closes the producer. */
  stop(): Promise<void>;
  /** Counts a connection closed at once, MAX_CONNECTIONS being open. */
  connectionDropped(): void;
}

const RETRY_DELAY_MS = 1_000;

/** Wires the HTTP app to Kafka and the registry. Readiness stays false until both answered. */
export function createGateway(config: GatewayConfig, logger: Logger): Gateway {
  const metrics = createMetrics();
  const producerOptions = {
    clientId: 'relay-gateway',
    brokers: config.brokers,
    lingerMs: config.lingerMs,
    maxBatchRecords: config.maxBatchRecords,
    ackTimeoutMs: config.publishDeadlineMs,
    onBatch: (records: number) => metrics.batchRecords.observe(records),
  };
  const producer = config.producerThread
    ? new ThreadedRecordProducer({
        ...producerOptions,
        onThreadExit: (error) =>
          logger.error({ err: error }, 'the Kafka producer thread ended; the next publish starts another'),
      })
    : new PlatformaticRecordProducer(producerOptions);
  const registryAdmin = new SchemaRegistryAdmin(config.schemaRegistryUrl, { timeoutMs: 3_000 });
  const catalogue = publishedCatalogue(config.topicPrefix);
  let serde: EventSerde | undefined;
  let connected = false;
  let stopping = false;

  const app = createApp({
    config,
    producer,
    serde: () => serde,
    catalogue,
    deadLetters: new DeadLetterWriter(producer, catalogue.deadLetterTopic),
    dedupe: new Deduplicator({ windowMs: config.dedupeWindowMs, maxEntries: config.dedupeMaxEntries }),
    metrics,
    logger,
    notReadyBecause: () => [
      ...(stopping ? ['shutting down'] : []),
      ...(connected ? [] : ['the Kafka producer is not connected']),
      ...(serde === undefined ? ['the schema ids are not resolved'] : []),
      ...(connected && !producer.healthy ? ['the last publish to Kafka failed'] : []),
    ],
  });

  const retry = (what: string, attempt: () => Promise<void>) =>
    keepTrying(what, attempt, { logger, stopped: () => stopping, delayMs: RETRY_DELAY_MS });

  return {
    app,
    async start() {
      await Promise.all([
        retry('connecting the Kafka producer', async () => {
          await producer.connect();
          connected = true;
        }),
        retry('resolving the schema ids', async () => {
          serde = await EventSerde.resolve(
            createRegistryClient(config.schemaRegistryUrl, { timeoutMs: 3_000 }),
            registryAdmin,
            catalogue.definitions,
          );
        }),
      ]);
    },
    async stop() {
      stopping = true;
      await producer.disconnect();
    },
    connectionDropped: () => metrics.connectionsDropped.inc(),
  };
}
