import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { documentedExamples } from '@relay/events';
import { eventually, provisionCatalogue } from '@relay/kafka/test-support';
import { containerOwnerArgs, imagesFromEnv, uniqueName } from '@relay/testkit';
import { describe, expect, test } from '@relay/testkit/vitest';
import getPort from 'get-port';
import { afterAll, beforeAll } from 'vitest';
import { type ComposeProject, composeCommand, composeProject } from './compose/compose-project.ts';
import { prizeWonBody, quizAnswerBody } from './sample-webhooks.ts';

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

// From the working tree, so that the images tested are the code tested (layers are cached).
beforeAll(async () => {
  await run('bash', [`${root}/infra/build-service-images.sh`], {
    env: { ...process.env, TAG },
    timeout: 900_000,
    maxBuffer: 16 * 1024 * 1024,
  });
}, 900_000);

describe("the services' images", () => {
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

describe('docker-compose.yml', () => {
  const file = `${root}/docker-compose.yml`;
  const token = `compose-${randomBytes(12).toString('hex')}`;
  let project: ComposeProject;
  let ports: { gateway: number; fulfilment: number; quiz: number };

  const get = async (port: number, path: string) => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(5_000) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const postWebhook = async (source: string, body: string) => {
    const response = await fetch(`http://127.0.0.1:${ports.gateway}/webhooks/${source}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body,
      signal: AbortSignal.timeout(15_000),
    });
    return { status: response.status, body: (await response.json()) as { event_id?: string } };
  };

  // Up once for the behaviours below (Kafka and the registry take most of a minute to start);
  // the last test brings it down and checks what is left.
  beforeAll(async () => {
    ports = { gateway: await getPort(), fulfilment: await getPort(), quiz: await getPort() };
    const images = imagesFromEnv();
    project = await composeProject({
      file,
      cli,
      variables: {
        RELAY_TAG: TAG,
        KAFKA_IMAGE: images.kafka,
        SCHEMA_REGISTRY_IMAGE: images.schemaRegistry,
        RELAY_GATEWAY_PORT: String(ports.gateway),
        RELAY_FULFILMENT_PORT: String(ports.fulfilment),
        RELAY_QUIZ_PORT: String(ports.quiz),
        RELAY_KAFKA_PORT: String(await getPort()),
        RELAY_REGISTRY_PORT: String(await getPort()),
        ADICTIZ_TOKEN: token,
        KOMO_TOKEN: token,
      },
    });
    await project.compose(['up', '--detach', '--no-build'], 600_000);
    for (const port of Object.values(ports)) {
      await eventually(
        async () => (await get(port, '/readyz').catch(() => undefined))?.status === 200,
        120_000,
        `the service on port ${port} ready`,
      );
    }
  }, 900_000);
  afterAll(() => project?.down(), 300_000);

  test('validates, and defaults to the same Kafka and registry images as the tests', async () => {
    const config = await project.compose(['config']);
    const defaults = imagesFromEnv({});
    const [command, ...prefix] = await composeCommand();
    const { stdout } = await run(command as string, [...prefix, '-f', file, 'config'], {
      env: cleanComposeEnv(),
    });
    expect(config).toContain(`localhost/relay/gateway:${TAG}`);
    expect(stdout).toContain(`image: ${defaults.kafka}`);
    expect(stdout).toContain(`image: ${defaults.schemaRegistry}`);
  });

  test('starts the services only once provisioning has completed', async () => {
    const containers = await project.containers();
    const byService = new Map(containers.map((container) => [container.service, container]));
    const provision = byService.get('provision');
    expect(provision?.exitCode).toBe(0);
    expect(provision?.finishedAt).toBeDefined();
    for (const service of ['gateway', 'prize-fulfilment', 'quiz-scoring']) {
      expect(byService.get(service)?.running, service).toBe(true);
      expect(byService.get(service)?.startedAt.getTime(), service).toBeGreaterThanOrEqual(
        provision?.finishedAt?.getTime() ?? Number.POSITIVE_INFINITY,
      );
    }
  });

  test('accepts every documented webhook of both senders', async () => {
    for (const fixture of documentedExamples) {
      const { status, body } = await postWebhook(fixture.source, fixture.body);
      expect(status, `${fixture.source}/${fixture.name}: ${JSON.stringify(body)}`).toBe(202);
    }
  });

  test('fulfils a prize of each type: a code from the webhook, ifg and normal through the fulfilment endpoint', async () => {
    const wins = (['code', 'ifg', 'normal'] as const).map((prizeType) => ({
      eventId: `compose-${prizeType}-${randomBytes(4).toString('hex')}`,
      userId: 'compose-player',
      prizeType,
      prizeId: `${prizeType}-prize`,
      prizeName: `A ${prizeType} prize`,
      code: 'CODE-2026',
    }));
    for (const win of wins) expect((await postWebhook('adictiz', prizeWonBody(win))).status).toBe(202);

    for (const win of wins) {
      let entry: Record<string, unknown> = {};
      await eventually(
        async () => {
          entry = (await get(ports.fulfilment, `/fulfilments/by-event/${win.eventId}`)).body;
          return entry['status'] === 'fulfilled';
        },
        60_000,
        `prize ${win.prizeType} fulfilled`,
      );
      // The code itself travels on the derived event only; the API says how it was delivered.
      if (win.prizeType === 'code') expect(entry).toMatchObject({ method: 'code', reference: null });
      else
        expect(entry).toMatchObject({
          method: 'endpoint',
          reference: expect.stringMatching(/^stand-in-\d+$/),
        });
    }
  });

  test('scores quiz answers onto the leaderboard', async () => {
    const operationId = `compose-quiz-${randomBytes(4).toString('hex')}`;
    const answers = [
      { userId: 'ada', questionId: 'q1', correct: true, points: 10, answeredAt: 1_700_000_000 },
      { userId: 'ada', questionId: 'q2', correct: true, points: 10, answeredAt: 1_700_000_010 },
      { userId: 'linus', questionId: 'q1', correct: true, points: 10, answeredAt: 1_700_000_005 },
      { userId: 'linus', questionId: 'q2', correct: false, points: 0, answeredAt: 1_700_000_015 },
    ];
    for (const [index, answer] of answers.entries()) {
      const body = quizAnswerBody({ ...answer, operationId, eventId: `${operationId}-${index}` });
      expect((await postWebhook('adictiz', body)).status).toBe(202);
    }

    let leaderboard: unknown[] = [];
    await eventually(
      async () => {
        const { body } = await get(ports.quiz, `/operations/${operationId}/leaderboard`);
        const rows = (body['leaderboard'] as Array<Record<string, unknown>> | undefined) ?? [];
        leaderboard = rows;
        return (
          rows.reduce((answered, row) => answered + Number(row['questions_answered']), 0) === answers.length
        );
      },
      60_000,
      'every answer scored',
    );
    expect(leaderboard).toMatchObject([
      { rank: 1, user_id: 'ada', total_points: 20, correct_answers: 2, questions_answered: 2 },
      { rank: 2, user_id: 'linus', total_points: 10, correct_answers: 1, questions_answered: 2 },
    ]);
  });

  test('stops every relay service gracefully (exit code 0), then comes down leaving no container, volume or network behind', async () => {
    await project.compose(['stop', '--timeout', '30'], 180_000);
    const exits = Object.fromEntries((await project.containers()).map((c) => [c.service, c.exitCode]));
    const logs = await project.compose(['logs', '--no-color', '--tail', '40']);
    expect(exits, logs).toMatchObject({
      provision: 0,
      gateway: 0,
      'prize-fulfilment': 0,
      'quiz-scoring': 0,
      'fulfilment-endpoint': 0,
    });
    await project.down();
    expect(await project.leftovers()).toEqual([]);
  }, 300_000);
});

/** This process's environment without the variables the compose file reads, to see its defaults. */
function cleanComposeEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(RELAY_|KAFKA_IMAGE|SCHEMA_REGISTRY_IMAGE)/.test(name)),
  );
}
