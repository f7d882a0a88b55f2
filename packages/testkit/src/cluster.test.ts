import { getContainerRuntimeClient } from 'testcontainers';
import { ClusterStartError, parseBrokers, startCluster } from './cluster.ts';
import { imagesFromEnv } from './images.ts';
import { startSchemaRegistryContainer } from './schema-registry-container.ts';
import { describe, expect, test } from './vitest/index.ts';

describe('parseBrokers', () => {
  test('splits a comma-separated list and trims each address', () => {
    expect(parseBrokers(' a:9092, b:9093 ,')).toEqual(['a:9092', 'b:9093']);
  });

  test('treats an unset or blank value as not given', () => {
    expect(parseBrokers(undefined)).toBeUndefined();
    expect(parseBrokers(' , ')).toBeUndefined();
  });
});

describe('startCluster', () => {
  test('uses the cluster named by KAFKA_BROKERS and SCHEMA_REGISTRY_URL without starting containers', async ({
    cluster,
  }) => {
    const env = { KAFKA_BROKERS: cluster.brokers.join(','), SCHEMA_REGISTRY_URL: cluster.schemaRegistryUrl };

    const given = await startCluster({
      env,
      images: { kafka: 'never/pulled:0', schemaRegistry: 'never/pulled:0' },
    });

    expect(given).toMatchObject({
      brokers: cluster.brokers,
      schemaRegistryUrl: cluster.schemaRegistryUrl,
      started: { kafka: false, schemaRegistry: false },
    });
    await given.stop();
    const stillThere = await fetch(`${cluster.schemaRegistryUrl}/subjects`, {
      signal: AbortSignal.timeout(5_000),
    });
    expect(stillThere.status).toBe(200);
  });

  test('names the image and the remedy when a container cannot be started', async ({ cluster }) => {
    const env = { ...process.env, KAFKA_BROKERS: cluster.brokers.join(','), SCHEMA_REGISTRY_URL: '' };
    const image = 'localhost/relay/no-such-image:0';

    const failure = startCluster({ env, images: { schemaRegistry: image }, startupTimeoutMs: 20_000 });

    await expect(failure).rejects.toBeInstanceOf(ClusterStartError);
    await expect(failure).rejects.toThrow(new RegExp(`${image}[\\s\\S]*npm run setup:infra`));
  });

  test('stopping removes the containers it started', { timeout: 120_000 }, async () => {
    const registry = await startSchemaRegistryContainer({ image: imagesFromEnv().schemaRegistry });
    const id = registry.container.getId();
    const client = await getContainerRuntimeClient();

    await registry.container.stop().catch(async (error: unknown) => {
      await client.container.getById(id).remove({ force: true });
      throw error;
    });

    const listed = await client.container.list();
    expect(listed.map((container) => container.Id)).not.toContain(id);
  });
});
