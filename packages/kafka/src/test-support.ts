import { avroSchemaOf, type StreamDefinition } from '@relay/events';
import { type Consumer, Kafka, logLevel } from '@relay/kafkajs';
import type { TestTopics } from '@relay/testkit';
import type { ConsumerSettings } from './config/kafka-env.ts';
import { EventPublisher } from './producer/event-publisher.ts';
import { KafkajsRecordProducer } from './producer/kafkajs-producer.ts';
import { provisionConfigFromEnv } from './provision/config.ts';
import { provision } from './provision/provision.ts';
import { SchemaRegistryAdmin } from './schema-registry/admin.ts';
import { createRegistryClient } from './schema-registry/client.ts';
import { EventSerde } from './serde/event-serde.ts';

/**
 * The definition on a topic of this test's own, its schema registered under its real subject
 * (idempotent): tests share the cluster without seeing each other's records.
 */
export async function isolate<D extends StreamDefinition<unknown>>(
  definition: D,
  topics: TestTopics,
  schemaRegistryUrl: string,
  partitions = 1,
  config: Readonly<Record<string, string>> = {},
): Promise<D> {
  const admin = new SchemaRegistryAdmin(schemaRegistryUrl);
  await admin.setCompatibility(definition.subject, 'BACKWARD_TRANSITIVE');
  await admin.register(definition.subject, avroSchemaOf(definition));
  const topic = await topics.create(definition.topic.replaceAll('.', '-'), { partitions, config });
  return { ...definition, topic };
}

/** Polls until `check` holds, failing with its last answer after `timeoutMs`. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<void> {
  const giveUpAt = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > giveUpAt) throw new Error(`${what} still false after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The group's committed offset on partition 0 of the topic, or undefined when none. */
export async function committedOffset(
  kafka: Kafka,
  groupId: string,
  topic: string,
): Promise<string | undefined> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const offset = entry?.partitions.find((p) => p.partition === 0)?.offset;
    return offset === undefined || offset === '-1' ? undefined : offset;
  } finally {
    await admin.disconnect();
  }
}

/**
 * The committed records of a topic, read from the beginning by a throwaway group: at least
 * `count`, and any more that arrive within `settleMs` after them.
 */
export async function readAll(kafka: Kafka, topic: string, count: number, timeoutMs = 20_000, settleMs = 0) {
  const consumer: Consumer = kafka.consumer({
    groupId: `${topic}-reader-${Date.now()}`,
    maxWaitTimeInMs: 100,
  });
  const seen: {
    key: Buffer | null;
    value: Buffer | null;
    headers: Record<string, string>;
    partition: number;
    offset: string;
  }[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        seen.push({
          key: message.key,
          value: message.value,
          headers: Object.fromEntries(
            Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]),
          ),
          partition,
          offset: message.offset,
        });
      },
    });
    await eventually(() => seen.length >= count, timeoutMs, `${count} records on ${topic}`);
    if (settleMs > 0) await new Promise((resolve) => setTimeout(resolve, settleMs));
    return [...seen];
  } finally {
    await consumer.disconnect();
  }
}

/** How many records a topic's partitions hold (from the offsets, so without reading them). */
export async function recordCount(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Provisions the whole catalogue (idempotent) on a test cluster: under `prefix`, a copy of its own
 * that no other test touches; without one, the catalogue's real topics and subjects.
 */
export async function provisionCatalogue(
  cluster: { readonly brokers: readonly string[]; readonly schemaRegistryUrl: string },
  partitions = 3,
  prefix = '',
): Promise<void> {
  const kafka = new Kafka({
    clientId: 'test-provision',
    brokers: [...cluster.brokers],
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const env = {
      KAFKA_BROKERS: cluster.brokers.join(','),
      SCHEMA_REGISTRY_URL: cluster.schemaRegistryUrl,
      RELAY_TOPIC_PREFIX: prefix,
    };
    await provision(
      { ...provisionConfigFromEnv(env), partitions },
      admin,
      new SchemaRegistryAdmin(cluster.schemaRegistryUrl),
    );
  } finally {
    await admin.disconnect();
  }
}

type Cluster = { readonly brokers: readonly string[]; readonly schemaRegistryUrl: string };

/** A serde for the definitions, their schema ids resolved on the test cluster's registry. */
export function testSerde(cluster: Cluster, definitions: readonly StreamDefinition<unknown>[]) {
  return EventSerde.resolve(
    createRegistryClient(cluster.schemaRegistryUrl),
    new SchemaRegistryAdmin(cluster.schemaRegistryUrl),
    definitions,
  );
}

/** A serde for the definitions and a publisher on it, as tests publish the records a service consumes. */
export async function testPublisher(
  kafka: Kafka,
  cluster: Cluster,
  definitions: readonly StreamDefinition<unknown>[],
) {
  const serde = await testSerde(cluster, definitions);
  const producer = new KafkajsRecordProducer(kafka);
  await producer.connect();
  return { serde, publisher: new EventPublisher(producer, serde), disconnect: () => producer.disconnect() };
}

/** The process and consumer settings of a service under test: on the test cluster, quiet, its own group. */
export function testServiceSettings(cluster: Cluster, groupId: string) {
  return {
    port: 0,
    host: '127.0.0.1',
    shutdownTimeoutMs: 10_000,
    logLevel: 'silent',
    brokers: [...cluster.brokers],
    schemaRegistryUrl: cluster.schemaRegistryUrl,
    topicPrefix: '',
    groupId,
    sessionTimeoutMs: 6_000,
  } satisfies ConsumerSettings & Record<string, unknown>;
}
