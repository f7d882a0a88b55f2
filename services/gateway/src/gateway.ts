import { definitions } from '@relay/events';
import {
  createRegistryClient,
  DEAD_LETTER_TOPIC,
  EventSerde,
  KafkajsRecordProducer,
  SchemaRegistryAdmin,
} from '@relay/kafka';
import { Kafka, logLevel } from 'kafkajs';
import type { Logger } from 'pino';
import { createApp } from './app.ts';
import type { GatewayConfig } from './config.ts';
import { createMetrics } from './metrics.ts';
import { DeadLetterWriter } from './publish/dead-letters.ts';
import { Deduplicator } from './publish/dedupe.ts';

export interface Gateway {
  readonly app: ReturnType<typeof createApp>;
  /** Connects the producer and resolves the schema ids, retrying until both succeed or `stop()`. */
  start(): Promise<void>;
  /** Flushes and closes the producer. */
  stop(): Promise<void>;
}

const RETRY_DELAY_MS = 1_000;

/** Wires the HTTP app to Kafka and the registry. Readiness stays false until both answered. */
export function createGateway(config: GatewayConfig, logger: Logger): Gateway {
  const metrics = createMetrics();
  const kafka = new Kafka({
    clientId: 'relay-gateway',
    brokers: config.brokers,
    connectionTimeout: 3_000,
    requestTimeout: Math.max(config.publishDeadlineMs, 5_000),
    logLevel: logLevel.NOTHING,
  });
  const producer = new KafkajsRecordProducer(kafka, {
    lingerMs: config.lingerMs,
    maxBatchRecords: config.maxBatchRecords,
    ackTimeoutMs: config.publishDeadlineMs,
    onBatch: (records) => metrics.batchRecords.observe(records),
  });
  const registryAdmin = new SchemaRegistryAdmin(config.schemaRegistryUrl, { timeoutMs: 3_000 });
  let serde: EventSerde | undefined;
  let connected = false;
  let stopping = false;

  const app = createApp({
    config,
    producer,
    serde: () => serde,
    deadLetters: new DeadLetterWriter(producer, DEAD_LETTER_TOPIC),
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

  const retry = async (what: string, attempt: () => Promise<void>) => {
    while (!stopping) {
      try {
        await attempt();
        return;
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        logger.warn({ reason }, `${what} failed; trying again in ${RETRY_DELAY_MS} ms`);
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
      }
    }
  };

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
            definitions,
          );
        }),
      ]);
    },
    async stop() {
      stopping = true;
      await producer.disconnect();
    },
  };
}
