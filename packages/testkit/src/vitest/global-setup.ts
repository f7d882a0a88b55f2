import type { TestProject } from 'vitest/node';
import { startCluster } from '../cluster.ts';
import './provided-context.ts';

/**
 * Vitest global setup: one Kafka and one schema registry for the whole run, handed to every
 * test file through `inject('relayCluster')`, stopped when the run ends.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await startCluster();
  project.provide('relayCluster', { brokers: cluster.brokers, schemaRegistryUrl: cluster.schemaRegistryUrl });
  return () => cluster.stop();
}
