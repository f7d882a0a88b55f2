import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { events, exampleOf, normalise } from '@relay/events';
import { committedOffset, eventually, provisionCatalogue, testPublisher } from '@relay/kafka/test-support';
import { uniqueName } from '@relay/testkit';
import { test as base, expect } from '@relay/testkit/vitest';
import type { InstantWin } from './fulfilment-handler.ts';
import { Ledger } from './ledger/ledger.ts';
import { catalogueStreams } from './service.ts';
import { type EndpointAnswer, startTestEndpoint, type TestEndpoint } from './test-support.ts';

const main = fileURLToPath(new URL('./main.ts', import.meta.url));

interface Run {
  readonly streams: ReturnType<typeof catalogueStreams>;
  readonly ledgerPath: string;
  readonly groupId: string;
  /** Publishes `count` ifg prizes IW-0… in order, on one partition. */
  wins(count: number): Promise<void>;
  endpoint(answer: () => EndpointAnswer): Promise<TestEndpoint>;
  /** The service as its own process, on this run's topics, ledger and group. */
  spawn(endpointUrl: string): ChildProcess;
  /** The event ids of the committed prize-fulfilled records, with their number of copies. */
  fulfilled(): Map<string, number>;
}

const test = base.extend<{ run: Run }>({
  run: async ({ cluster, kafka }, use) => {
    const prefix = `${uniqueName('pf')}.`;
    await provisionCatalogue(cluster, 1, prefix);
    const streams = catalogueStreams(prefix);
    const { serde, publisher, disconnect } = await testPublisher(kafka, cluster, [
      streams.instantWin,
      streams.prizeFulfilled,
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'prize-fulfilment-main-'));
    const ledgerPath = join(dir, 'ledger.sqlite');
    const groupId = `${prefix}prize-fulfilment`;
    const children: ChildProcess[] = [];
    const endpoints: TestEndpoint[] = [];

    const fulfilled = new Map<string, number>();
    const reader = kafka.consumer({ groupId: `${prefix}reader`, maxWaitTimeInMs: 100 });
    await reader.connect();
    await reader.subscribe({ topic: streams.prizeFulfilled.topic, fromBeginning: true });
    await reader.run({
      eachMessage: async ({ message }) => {
        if (message.value === null) return;
        const { event_id } = await serde.decode(streams.prizeFulfilled, message.value);
        fulfilled.set(event_id, (fulfilled.get(event_id) ?? 0) + 1);
      },
    });

    const template = normalise({ source: 'adictiz', body: exampleOf(events.instantWin).body, receivedAt: 1 });
    if (!template.ok) throw new Error(template.detail);
    await use({
      streams,
      ledgerPath,
      groupId,
      async wins(count) {
        await Promise.all(
          Array.from({ length: count }, (_, i) =>
            publisher.publish(streams.instantWin, {
              ...(template.event as InstantWin),
              event_id: `IW-${i}`,
              user_id: 'winner',
              prize_type: 'ifg',
              prize_id: `gift-${i}`,
            }),
          ),
        );
      },
      async endpoint(answer) {
        const endpoint = await startTestEndpoint(answer);
        endpoints.push(endpoint);
        return endpoint;
      },
      spawn(endpointUrl) {
        const child = spawn(process.execPath, ['--disable-warning=TimeoutNegativeWarning', main], {
          env: {
            ...process.env,
            KAFKA_BROKERS: cluster.brokers.join(','),
            SCHEMA_REGISTRY_URL: cluster.schemaRegistryUrl,
            RELAY_TOPIC_PREFIX: prefix,
            GROUP_ID: groupId,
            TRANSACTIONAL_ID: groupId,
            SESSION_TIMEOUT_MS: '6000',
            FULFILMENT_ENDPOINT_URL: endpointUrl,
            FULFILMENT_RETRY_DELAY_MS: '10',
            LEDGER_PATH: ledgerPath,
            PORT: '0',
            HOST: '127.0.0.1',
            LOG_LEVEL: 'warn',
          },
          stdio: ['ignore', 'inherit', 'inherit'],
        });
        children.push(child);
        return child;
      },
      fulfilled: () => fulfilled,
    });
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await Promise.all(endpoints.map((e) => e.close()));
    await reader.disconnect();
    await disconnect();
    rmSync(dir, { recursive: true, force: true });
  },
});

const sum = (counts: Map<string, number>) => [...counts.values()].reduce((a, b) => a + b, 0);

test('killed in the middle of a batch and started again: every prize delivered once, one outcome each', async ({
  run,
}) => {
  const prizes = 40;
  const endpoint = await run.endpoint(() => ({ status: 200, delayMs: 30 }));
  await run.wins(prizes);

  const first = run.spawn(endpoint.url);
  await eventually(() => sum(endpoint.deliveries) >= 12, 60_000, 'a dozen prizes delivered');
  first.kill('SIGKILL');
  await once(first, 'exit');
  const deliveredBeforeKill = sum(endpoint.deliveries);

  const second = run.spawn(endpoint.url);
  await eventually(() => run.fulfilled().size === prizes, 60_000, 'an outcome for every prize');
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  second.kill('SIGTERM');
  await once(second, 'exit');

  expect(deliveredBeforeKill).toBeLessThan(prizes);
  expect([...run.fulfilled().values()].every((copies) => copies === 1)).toBe(true);
  expect(endpoint.deliveries.size).toBe(prizes);
  expect([...endpoint.deliveries.values()].every((times) => times === 1)).toBe(true);
  // Only a call in flight when the process died can be repeated; the endpoint recognises it by its key.
  expect(sum(endpoint.calls) - prizes).toBeLessThanOrEqual(1);
}, 180_000);

test('SIGTERM during processing: it exits 0, and no offset is committed past the prizes it decided', async ({
  run,
  kafka,
}) => {
  const prizes = 30;
  const endpoint = await run.endpoint(() => ({ status: 200, delayMs: 100 }));
  await run.wins(prizes);

  const child = run.spawn(endpoint.url);
  await eventually(() => sum(endpoint.calls) >= 5, 60_000, 'five prizes under way');
  child.kill('SIGTERM');
  const [code] = (await once(child, 'exit')) as [number | null];

  expect(code).toBe(0);
  const committed = Number((await committedOffset(kafka, run.groupId, run.streams.instantWin.topic)) ?? 0);
  const ledger = new Ledger(run.ledgerPath);
  try {
    const decided = Array.from({ length: prizes }, (_, i) => ledger.get(`IW-${i}`)).filter(
      (entry) => entry !== undefined && entry.status !== 'pending',
    );
    expect(committed).toBeLessThan(prizes);
    expect(decided.length).toBeGreaterThanOrEqual(committed);
    for (let i = 0; i < committed; i++) expect(ledger.get(`IW-${i}`)?.status).toBe('fulfilled');
  } finally {
    ledger.close();
  }
  await eventually(() => run.fulfilled().size === committed, 10_000, 'an outcome per committed record');
}, 180_000);
