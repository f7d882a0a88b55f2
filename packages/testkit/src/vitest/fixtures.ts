import { type Admin, Kafka, logLevel } from '@relay/kafkajs';
import { test as base, inject } from 'vitest';
import type { ClusterAddresses } from '../cluster.ts';
import { TestTopics } from '../topics.ts';
import './provided-context.ts';

export interface ClusterFixtures {
  /** The run's shared cluster (see global-setup.ts). */
  cluster: ClusterAddresses;
  /** A kafkajs client on that cluster, with short timeouts so a broken broker fails the test fast. */
  kafka: Kafka;
  admin: Admin;
  /** Unique topics for this test, deleted (with their subjects) when it ends. */
  topics: TestTopics;
}

export const test = base.extend<ClusterFixtures>({
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads a fixture's dependencies from this destructuring.
  cluster: async ({}, use) => {
    await use(inject('relayCluster'));
  },
  kafka: async ({ cluster, task }, use) => {
    await use(
      new Kafka({
        clientId: `test-${task.id}`,
        brokers: [...cluster.brokers],
        connectionTimeout: 5_000,
        requestTimeout: 15_000,
        logLevel: logLevel.NOTHING,
      }),
    );
  },
  admin: async ({ kafka }, use) => {
    const admin = kafka.admin();
    await admin.connect();
    await use(admin);
    await admin.disconnect();
  },
  topics: async ({ admin, cluster }, use) => {
    const topics = new TestTopics(admin, cluster.schemaRegistryUrl);
    await use(topics);
    await topics.cleanup();
  },
});

export { describe, expect } from 'vitest';
