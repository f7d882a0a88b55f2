import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { events, exampleOf } from '@relay/events';
import { provisionCatalogue } from '@relay/kafka/test-support';
import { Kafka, logLevel } from '@relay/kafkajs';
import { imagesFromEnv, startKafkaContainer } from '@relay/testkit';
import { expect, test } from '@relay/testkit/vitest';
import { pino } from 'pino';
import { gatewayConfigFromEnv } from './config.ts';
import { createGateway } from './gateway.ts';

const TOKEN = 'outage-token-0123456789abcdef';
const DEADLINE_MS = 1_500;

test('Kafka stopped during a stream: 503 within the deadline, no 2xx without its record, recovery without restart', async ({
  cluster,
  onTestFinished,
}) => {
  // A broker of its own: restarting the shared one would break the other tests.
  const broker = await startKafkaContainer({ image: imagesFromEnv().kafka });
  onTestFinished(async () => {
    await broker.container.stop();
  });
  const kafka = new Kafka({
    clientId: 'outage-test',
    brokers: [...broker.brokers],
    logLevel: logLevel.NOTHING,
  });
  const env = { KAFKA_BROKERS: broker.brokers.join(','), SCHEMA_REGISTRY_URL: cluster.schemaRegistryUrl };
  await provisionCatalogue({ brokers: broker.brokers, schemaRegistryUrl: cluster.schemaRegistryUrl }, 1);

  const gateway = createGateway(
    gatewayConfigFromEnv({
      ...env,
      ADICTIZ_TOKEN: TOKEN,
      ADICTIZ_ALLOWED_IPS: '*',
      PUBLISH_DEADLINE_MS: String(DEADLINE_MS),
    }),
    pino({ level: 'silent' }),
  );
  await gateway.start();
  const server = serve({ fetch: gateway.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const template = JSON.parse(exampleOf(events.instantWin).body);
  const run = `outage-${Date.now()}`;
  const outcomes: { id: string; status: number; ms: number; retryAfter: string | null; phase: string }[] = [];
  let phase = 'before';
  let sent = 0;
  const post = async () => {
    const id = `${run}-${sent++}`;
    const started = performance.now();
    const response = await fetch(`${url}/webhooks/adictiz`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ ...template, request_id: id }),
      signal: AbortSignal.timeout(DEADLINE_MS + 5_000),
    });
    outcomes.push({
      id,
      status: response.status,
      ms: performance.now() - started,
      retryAfter: response.headers.get('retry-after'),
      phase,
    });
    await response.body?.cancel();
  };
  let readyDuringOutage: boolean | undefined;
  try {
    for (let i = 0; i < 10; i++) await post();
    phase = 'outage';
    const restarting = broker.container.restart({ timeout: 1 });
    for (let i = 0; i < 4; i++) await post();
    readyDuringOutage = (await fetch(`${url}/readyz`)).status === 200;
    await restarting;
    phase = 'after';
    // Publishing resumes by itself: keep sending until the broker acknowledges again.
    const giveUpAt = Date.now() + 60_000;
    while (Date.now() < giveUpAt && !outcomes.some((o) => o.phase === 'after' && o.status === 202))
      await post();
    for (let i = 0; i < 5; i++) await post();
  } finally {
    await new Promise((resolve) => server.close(resolve));
    await gateway.stop().catch(() => {});
  }

  const during = outcomes.filter((o) => o.phase === 'outage');
  expect(during.every((o) => o.status === 503 || o.status === 202)).toBe(true);
  for (const o of during.filter((o) => o.status === 503)) {
    expect(o.retryAfter).not.toBeNull();
    expect(o.ms).toBeLessThan(DEADLINE_MS + 1_000);
  }
  expect(during.some((o) => o.status === 503)).toBe(true);
  expect(readyDuringOutage).toBe(false);
  expect(
    outcomes
      .filter((o) => o.phase === 'after')
      .slice(-5)
      .every((o) => o.status === 202),
  ).toBe(true);

  const acknowledged = new Set(outcomes.filter((o) => o.status === 202).map((o) => o.id));
  const stored = new Set<string>();
  const consumer = kafka.consumer({ groupId: `${run}-check`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic: events.instantWin.topic, fromBeginning: true });
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 15_000);
    void consumer.run({
      eachMessage: async ({ message }) => {
        const id = message.headers?.['ce_id']?.toString();
        if (id !== undefined) stored.add(id);
        if ([...acknowledged].every((a) => stored.has(a))) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  expect([...acknowledged].filter((id) => !stored.has(id))).toEqual([]);
}, 180_000);
