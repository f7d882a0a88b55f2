import { randomBytes } from 'node:crypto';
import { events, exampleOf } from '@relay/events';
import { RelayError } from '@relay/kafka';
import { ClusterStartError, startCluster } from '@relay/testkit';
import { pino } from 'pino';
import { prizeWonBody } from './sample-webhooks.ts';
import { type RunningSystem, startSystem } from './system.ts';

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
const logger = pino({ level: process.env['LOG_LEVEL'] ?? 'warn' });
let system: RunningSystem;
try {
  system = await startSystem({
    brokers: cluster.brokers,
    schemaRegistryUrl: cluster.schemaRegistryUrl,
    env: { ...process.env, RELAY_TOPIC_PARTITIONS: process.env['RELAY_TOPIC_PARTITIONS'] ?? '3' },
    host: process.env['HOST'] ?? '127.0.0.1',
    ports: {
      gateway: Number(process.env['PORT'] ?? 8080),
      fulfilment: Number(process.env['PRIZE_FULFILMENT_PORT'] ?? 8081),
      quiz: Number(process.env['QUIZ_SCORING_PORT'] ?? 8082),
    },
    onDelivery: print,
    logger,
  });
} catch (error) {
  console.error(error instanceof RelayError ? `${error.code}: ${error.message}` : error);
  await cluster.stop();
  process.exit(1);
}
const { gatewayUrl, fulfilmentUrl, quizUrl, tokens } = system;
print(`Provisioned: ${system.provisioned} change(s).`);
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
  `curl -sS -X POST ${gatewayUrl}/webhooks/adictiz -H 'authorization: Bearer ${tokens.adictiz}' -H 'content-type: application/json' --data-binary '${body}'`;

print(`Ready in ${((Date.now() - started) / 1000).toFixed(1)} s:`);
print(`  KAFKA_BROKERS=${cluster.brokers.join(',')}`);
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
  await system.stop();
  await cluster.stop();
  print('Stopped.');
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
