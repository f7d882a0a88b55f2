import { provision, provisionConfigFromEnv, SchemaRegistryAdmin } from '@relay/kafka';
import { Kafka, logLevel } from 'kafkajs';

/** The gateway's tests publish to the catalogue's real topics: provisions them (idempotent) on a test cluster. */
export async function provisionCatalogue(
  cluster: { readonly brokers: readonly string[]; readonly schemaRegistryUrl: string },
  partitions = 3,
): Promise<void> {
  const kafka = new Kafka({
    clientId: 'test-provision',
    brokers: [...cluster.brokers],
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const env = { KAFKA_BROKERS: cluster.brokers.join(','), SCHEMA_REGISTRY_URL: cluster.schemaRegistryUrl };
    await provision(
      { ...provisionConfigFromEnv(env), partitions },
      admin,
      new SchemaRegistryAdmin(cluster.schemaRegistryUrl),
    );
  } finally {
    await admin.disconnect();
  }
}
