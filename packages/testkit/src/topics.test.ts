import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { setSubjectCompatibility } from './schema-registry-admin.ts';
import { TestTopics, uniqueName } from './topics.ts';
import { describe, expect, test } from './vitest/index.ts';

describe('uniqueName', () => {
  test('keeps the prefix and never repeats', () => {
    const names = new Set(Array.from({ length: 1000 }, () => uniqueName('orders')));
    expect(names.size).toBe(1000);
    for (const name of names) expect(name).toMatch(/^orders\.[a-z0-9]+-[0-9a-f]{8}$/);
  });

  test('is a legal Kafka topic name', () => {
    expect(uniqueName()).toMatch(/^[a-zA-Z0-9._-]{1,249}$/);
  });
});

describe('TestTopics', () => {
  test('creates topics with the requested partitions and config', async ({ admin, topics }) => {
    const topic = await topics.create('spec', { partitions: 3, config: { 'cleanup.policy': 'compact' } });

    const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
    expect(metadata?.partitions).toHaveLength(3);
    const described = await admin.describeConfigs({
      resources: [{ type: 2, name: topic, configNames: ['cleanup.policy'] }],
      includeSynonyms: false,
    });
    expect(described.resources[0]?.configEntries[0]?.configValue).toBe('compact');
  });

  test('cleanup deletes its topics and their subjects', async ({ admin, cluster }) => {
    const topics = new TestTopics(admin, cluster.schemaRegistryUrl);
    const topic = await topics.create('cleanup');
    const subject = `${topic}-value`;
    await setSubjectCompatibility(cluster.schemaRegistryUrl, subject, 'BACKWARD');
    await new SchemaRegistry({ host: cluster.schemaRegistryUrl }).register(
      { type: SchemaType.AVRO, schema: JSON.stringify({ type: 'record', name: 'R', fields: [] }) },
      { subject },
    );

    await topics.cleanup();

    expect(await admin.listTopics()).not.toContain(topic);
    const subjects = await fetch(`${cluster.schemaRegistryUrl}/subjects`, {
      signal: AbortSignal.timeout(5_000),
    });
    expect(await subjects.json()).not.toContain(subject);
    expect(topics.names).toEqual([]);
  });
});
