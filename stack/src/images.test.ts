import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { eventually, provisionCatalogue } from '@relay/kafka/test-support';
import { containerOwnerArgs, uniqueName } from '@relay/testkit';
import { describe, expect, test } from '@relay/testkit/vitest';
import getPort from 'get-port';
import { beforeAll } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const TAG = 'test';
const SERVICES = ['gateway', 'prize-fulfilment', 'quiz-scoring'] as const;

/** The CLI the image script builds with: Podman on these machines, Docker elsewhere. */
const cli =
  process.env['CONTAINER_CLI'] ??
  (await run('podman', ['--version']).then(
    () => 'podman',
    () => 'docker',
  ));
const engine = async (...args: string[]) => (await run(cli, args, { timeout: 60_000 })).stdout.trim();

describe("the services' images", () => {
  // From the working tree, so that the images tested are the code tested (layers are cached).
  beforeAll(async () => {
    await run('bash', [`${root}/infra/build-service-images.sh`], {
      env: { ...process.env, TAG },
      timeout: 900_000,
      maxBuffer: 16 * 1024 * 1024,
    });
  }, 900_000);

  test.for(SERVICES)('%s runs as a non-root user and declares a healthcheck', async (service) => {
    const image = `localhost/relay/${service}:${TAG}`;
    const user = await engine('image', 'inspect', image, '--format', '{{.Config.User}}');
    const healthcheck = await engine('image', 'inspect', image, '--format', '{{json .Config.Healthcheck}}');
    expect(user).toBe('node');
    expect(healthcheck).toContain('/healthz');
  });

  test.for(SERVICES)(
    '%s becomes ready on the test cluster, and stops with exit code 0 on SIGTERM',
    { timeout: 120_000 },
    async (service, { cluster }) => {
      const prefix = `${uniqueName('img')}.`;
      await provisionCatalogue(cluster, 1, prefix);
      // The gateway publishes to the catalogue's own topics (it takes no prefix).
      if (service === 'gateway') await provisionCatalogue(cluster);
      const port = await getPort();
      const name = `relay-image-test-${service}-${port}`;
      try {
        // The host's network: the test broker advertises a loopback address.
        await engine(
          'run',
          '-d',
          '--name',
          name,
          ...containerOwnerArgs(),
          '--network',
          'host',
          '-e',
          `KAFKA_BROKERS=${cluster.brokers.join(',')}`,
          '-e',
          `SCHEMA_REGISTRY_URL=${cluster.schemaRegistryUrl}`,
          '-e',
          `RELAY_TOPIC_PREFIX=${prefix}`,
          '-e',
          `GROUP_ID=${prefix}${service}`,
          '-e',
          `TRANSACTIONAL_ID=${prefix}${service}`,
          '-e',
          'FULFILMENT_ENDPOINT_URL=http://127.0.0.1:9/prizes',
          '-e',
          `PORT=${port}`,
          '-e',
          'HOST=127.0.0.1',
          `localhost/relay/${service}:${TAG}`,
        );
        await eventually(
          async () =>
            (
              await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(2_000) }).catch(
                () => undefined,
              )
            )?.status === 200,
          60_000,
          `${service} ready`,
        );
        const started = Date.now();
        await engine('stop', '--time', '20', name);
        expect(Date.now() - started).toBeLessThan(20_000);
        expect(await engine('inspect', name, '--format', '{{.State.ExitCode}}')).toBe('0');
      } finally {
        await engine('rm', '--force', '--volumes', name).catch(() => '');
      }
    },
  );
});
