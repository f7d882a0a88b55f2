import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { events, exampleOf } from '@relay/events';
import { provisionCatalogue } from '@relay/kafka/test-support';
import type { Kafka } from '@relay/kafkajs';
import { type ClusterAddresses, getOver, openConnection } from '@relay/testkit';
import { expect, test } from '@relay/testkit/vitest';

const main = fileURLToPath(new URL('./main.ts', import.meta.url));
const TOKEN = 'sigterm-token-0123456789abcdef';

/** The ce_id headers of every record on `topic`, read from the beginning for `waitMs`. */
async function eventIdsOn(
  kafka: Kafka,
  topic: string,
  wanted: ReadonlySet<string>,
  waitMs = 15_000,
): Promise<Set<string>> {
  const found = new Set<string>();
  const consumer = kafka.consumer({ groupId: `sigterm-${Date.now()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, waitMs);
    void consumer.run({
      eachMessage: async ({ message }) => {
        const id = message.headers?.['ce_id']?.toString();
        if (id !== undefined && wanted.has(id)) found.add(id);
        if (found.size === wanted.size) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  return found;
}

/** The gateway as its own process, against the test cluster; resolves once it says it is ready. */
async function startGatewayProcess(cluster: ClusterAddresses, env: Readonly<Record<string, string>> = {}) {
  await provisionCatalogue(cluster);
  const child = spawn(process.execPath, ['--disable-warning=TimeoutNegativeWarning', main], {
    env: {
      ...process.env,
      KAFKA_BROKERS: cluster.brokers.join(','),
      SCHEMA_REGISTRY_URL: cluster.schemaRegistryUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      ADICTIZ_TOKEN: TOKEN,
      ADICTIZ_ALLOWED_IPS: '127.0.0.1,::1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let logs = '';
  child.stderr.on('data', (chunk: Buffer) => {
    logs += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      logs += chunk.toString();
      const listening = /"port":(\d+)/.exec(logs);
      if (listening?.[1] !== undefined && logs.includes('"msg":"ready"')) resolve(Number(listening[1]));
    });
    void exited.then(() => reject(new Error(`exited early:\n${logs}`)));
  });
  return { child, port, exited, logs: () => logs };
}

test('SIGTERM under load: the process drains, exits 0, and every acknowledged event is on its topic', async ({
  cluster,
  kafka,
}) => {
  const { child, port, exited, logs } = await startGatewayProcess(cluster);

  const template = JSON.parse(exampleOf(events.instantWin).body);
  const run = `sigterm-${Date.now()}`;
  const acknowledged: string[] = [];
  const send = async (i: number) => {
    const body = { ...template, request_id: `${run}-${i}` };
    try {
      const response = await fetch(`http://127.0.0.1:${port}/webhooks/adictiz`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      if (response.status >= 200 && response.status < 300) acknowledged.push(body.request_id);
    } catch {
      // Refused once the server stopped accepting: not acknowledged, so the sender would retry.
    }
  };
  // Four waves of 50 concurrent requests; SIGTERM lands while the second is in flight.
  const waves = (async () => {
    for (let wave = 0; wave < 4; wave++) {
      await Promise.all(Array.from({ length: 50 }, (_, i) => send(wave * 50 + i)));
    }
  })();
  await new Promise((resolve) => setTimeout(resolve, 150));
  child.kill('SIGTERM');
  await waves;

  expect(await exited).toBe(0);
  expect(logs()).toContain('"msg":"drained"');
  expect(acknowledged.length).toBeGreaterThan(0);
  const stored = await eventIdsOn(kafka, events.instantWin.topic, new Set(acknowledged));
  expect([...acknowledged].filter((id) => !stored.has(id))).toEqual([]);
}, 90_000);

test('beyond MAX_CONNECTIONS a new connection is closed at once and counted on /metrics', async ({
  cluster,
}) => {
  const { child, port, exited } = await startGatewayProcess(cluster, {
    MAX_CONNECTIONS: '2',
    LISTEN_SOCKETS: '1',
  });
  try {
    const held = await openConnection(port);
    const other = await openConnection(port);
    const beyond = await openConnection(port);

    await beyond.closed;
    // Over a connection already open: a new one would be refused too.
    const metrics = await getOver(held.socket, '/metrics');

    expect(metrics).toMatch(/^relay_gateway_connections_dropped_total 1$/m);
    other.socket.destroy();
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}, 60_000);
