import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { getContainerRuntimeClient } from 'testcontainers';
import { ClusterStartError, parseBrokers, startCluster } from './cluster.ts';
import { imagesFromEnv } from './images.ts';
import { startSchemaRegistryContainer } from './schema-registry-container.ts';
import { describe, expect, test } from './vitest/index.ts';

const run = promisify(execFile);

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

  // Where Docker's socket is, testcontainers falls back to it from a DOCKER_HOST that does not answer.
  test.runIf(!existsSync('/var/run/docker.sock'))(
    'names the remedy when no container engine answers',
    { timeout: 60_000 },
    async () => {
      // A process of its own: testcontainers settles on an engine once per process.
      const script = `
      const { startCluster } = await import(${JSON.stringify(import.meta.resolve('./cluster.ts'))});
      await startCluster().catch((error) => console.log(JSON.stringify({ name: error.name, message: error.message })));`;
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
        env: {
          ...process.env,
          DOCKER_HOST: 'unix:///nonexistent/relay-test-engine.sock',
          KAFKA_BROKERS: '',
          SCHEMA_REGISTRY_URL: '',
        },
        timeout: 50_000,
      });

      const failure = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as {
        name?: string;
        message?: string;
      };
      expect(failure.name).toBe('ClusterStartError');
      expect(failure.message).toMatch(/^No container engine[\s\S]*npm run setup:infra[\s\S]*KAFKA_BROKERS/);
    },
  );

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
