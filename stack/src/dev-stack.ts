import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServerType, serve } from '@hono/node-server';
import { events, exampleOf } from '@relay/events';
import { ADICTIZ_OUTPUT_IPS, createGateway, gatewayConfigFromEnv } from '@relay/gateway';
import {
  commaSeparated,
  kafkaClient,
  provision,
  provisionConfigFromEnv,
  RelayError,
  SchemaRegistryAdmin,
} from '@relay/kafka';
import {
  createPrizeFulfilment,
  configFromEnv as fulfilmentConfigFromEnv,
  startEndpointStandIn,
} from '@relay/prize-fulfilment';
import { createQuizScoring, configFromEnv as quizConfigFromEnv } from '@relay/quiz-scoring';
import { ClusterStartError, startCluster } from '@relay/testkit';
import { pino } from 'pino';
import { prizeWonBody } from './sample-webhooks.ts';

/**
 * `npm start`: the whole system on this machine. Kafka and the registry (containers, or
 * KAFKA_BROKERS / SCHEMA_REGISTRY_URL), topics and schemas provisioned, the gateway (PORT, 8080),
 * prize fulfilment (PRIZE_FULFILMENT_PORT, 8081, with a local stand-in for the fulfilment
 * endpoint) and quiz scoring (QUIZ_SCORING_PORT, 8082); then curls to try it. Ctrl-C stops all.
 */
const print = (line = '') => process.stdout.write(`${line}\n`);
const started = Date.now();
print('Starting Kafka and the schema registry…');
let cluster: Awaited<ReturnType<typeof startCluster>>;
try {
  cluster = await startCluster();
} catch (error) {
  console.error(error instanceof ClusterStartError ? error.message : error);
  process.exit(1);
}
const host = process.env['HOST'] ?? '127.0.0.1';
const ledgerDir = mkdtempSync(join(tmpdir(), 'relay-dev-stack-'));
const common: NodeJS.ProcessEnv = {
  ...process.env,
  KAFKA_BROKERS: cluster.brokers.join(','),
  SCHEMA_REGISTRY_URL: cluster.schemaRegistryUrl,
  HOST: host,
  RELAY_TOPIC_PARTITIONS: process.env['RELAY_TOPIC_PARTITIONS'] ?? '3',
};
const logger = pino({ level: process.env['LOG_LEVEL'] ?? 'warn' });
const servers: ServerType[] = [];
const stops: (() => Promise<void>)[] = [];

async function listen(app: { fetch: (request: Request) => Response | Promise<Response> }, port: number) {
  const server = serve({ fetch: app.fetch, port, hostname: host });
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

try {
  const admin = kafkaClient('relay-dev-stack', commaSeparated(common['KAFKA_BROKERS'] ?? '')).admin();
  await admin.connect();
  const { plan } = await provision(
    provisionConfigFromEnv(common),
    admin,
    new SchemaRegistryAdmin(cluster.schemaRegistryUrl),
  );
  await admin.disconnect();
  print(`Provisioned: ${plan.actions.length} change(s).`);

  const gatewayEnv = {
    ...common,
    ADICTIZ_TOKEN: process.env['ADICTIZ_TOKEN'] ?? randomBytes(16).toString('hex'),
    KOMO_TOKEN: process.env['KOMO_TOKEN'] ?? randomBytes(16).toString('hex'),
    // Locally, the sender is this machine.
    ADICTIZ_ALLOWED_IPS: process.env['ADICTIZ_ALLOWED_IPS'] ?? `127.0.0.1,::1,${ADICTIZ_OUTPUT_IPS}`,
  };
  const gateway = createGateway(gatewayConfigFromEnv(gatewayEnv), logger);
  await gateway.start();
  stops.push(() => gateway.stop());
  const gatewayUrl = await listen(gateway.app, Number(process.env['PORT'] ?? 8080));

  const stub = await startEndpointStandIn({ log: print });
  stops.push(() => new Promise((resolve) => stub.server.close(() => resolve())));
  const fulfilment = createPrizeFulfilment(
    fulfilmentConfigFromEnv({
      ...common,
      FULFILMENT_ENDPOINT_URL: stub.url,
      LEDGER_PATH: join(ledgerDir, 'prize-fulfilment.sqlite'),
    }),
    logger,
  );
  await fulfilment.start();
  stops.push(() => fulfilment.stop());
  const fulfilmentUrl = await listen(fulfilment.app, Number(process.env['PRIZE_FULFILMENT_PORT'] ?? 8081));

  const quiz = createQuizScoring(quizConfigFromEnv(common), logger);
  await quiz.start();
  stops.push(() => quiz.stop());
  const quizUrl = await listen(quiz.app, Number(process.env['QUIZ_SCORING_PORT'] ?? 8082));

  const eventId = `demo-${randomBytes(4).toString('hex')}`;
  const win = prizeWonBody({
    eventId,
    userId: 'demo-user',
    prizeType: 'code',
    prizeId: 'welcome',
    prizeName: 'Welcome voucher',
    code: 'WELCOME-2026',
  });
  const answer = JSON.parse(exampleOf(events.questionParticipation).body);
  const post = (body: string) =>
    `curl -sS -X POST ${gatewayUrl}/webhooks/adictiz -H 'authorization: Bearer ${gatewayEnv.ADICTIZ_TOKEN}' -H 'content-type: application/json' --data-binary '${body}'`;

  print(`Ready in ${((Date.now() - started) / 1000).toFixed(1)} s:`);
  print(`  KAFKA_BROKERS=${common['KAFKA_BROKERS']}`);
  print(`  SCHEMA_REGISTRY_URL=${cluster.schemaRegistryUrl}`);
  print(`  gateway          ${gatewayUrl}  (/readyz, /metrics, /openapi.json)`);
  print(`  prize fulfilment ${fulfilmentUrl}  (/readyz, /metrics)`);
  print(`  quiz scoring     ${quizUrl}  (/readyz, /metrics)`);
  print('Try it: a prize won, then its fulfilment:');
  print(`  ${post(win)}`);
  print(`  curl -sS ${fulfilmentUrl}/fulfilments/by-event/${eventId}`);
  print('A quiz answer, then the leaderboard:');
  print(`  ${post(JSON.stringify(answer))}`);
  print(`  curl -sS ${quizUrl}/operations/${answer.data.operation_id}/leaderboard`);
  print('Press Ctrl-C to stop.');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    print(`\n${signal}: stopping…`);
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    for (const stopOne of stops.reverse()) await stopOne();
    await cluster.stop();
    rmSync(ledgerDir, { recursive: true, force: true });
    print('Stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
} catch (error) {
  console.error(error instanceof RelayError ? `${error.code}: ${error.message}` : error);
  for (const stopOne of stops.reverse()) await stopOne().catch(() => {});
  await cluster.stop();
  rmSync(ledgerDir, { recursive: true, force: true });
  process.exit(1);
}
