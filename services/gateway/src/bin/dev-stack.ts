import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { events, exampleOf } from '@relay/events';
import { provision, provisionConfigFromEnv, RelayError, SchemaRegistryAdmin } from '@relay/kafka';
import { ClusterStartError, startCluster } from '@relay/testkit';
import { Kafka, logLevel } from 'kafkajs';
import { pino } from 'pino';
import { ADICTIZ_OUTPUT_IPS, gatewayConfigFromEnv } from '../config.ts';
import { createGateway } from '../gateway.ts';

/**
 * `npm start`: Kafka and the registry (containers, or KAFKA_BROKERS / SCHEMA_REGISTRY_URL),
 * topics and schemas provisioned, the gateway on PORT (8080), and a curl to try it; Ctrl-C
 * stops everything.
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
const env: NodeJS.ProcessEnv = {
  ...process.env,
  KAFKA_BROKERS: cluster.brokers.join(','),
  SCHEMA_REGISTRY_URL: cluster.schemaRegistryUrl,
  HOST: process.env['HOST'] ?? '127.0.0.1',
  ADICTIZ_TOKEN: process.env['ADICTIZ_TOKEN'] ?? randomBytes(16).toString('hex'),
  KOMO_TOKEN: process.env['KOMO_TOKEN'] ?? randomBytes(16).toString('hex'),
  // Locally, the sender is this machine.
  ADICTIZ_ALLOWED_IPS: process.env['ADICTIZ_ALLOWED_IPS'] ?? `127.0.0.1,::1,${ADICTIZ_OUTPUT_IPS}`,
  RELAY_TOPIC_PARTITIONS: process.env['RELAY_TOPIC_PARTITIONS'] ?? '3',
};
try {
  const config = gatewayConfigFromEnv(env);
  const kafka = new Kafka({
    clientId: 'relay-dev-stack',
    brokers: config.brokers,
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  const { plan } = await provision(
    provisionConfigFromEnv(env),
    admin,
    new SchemaRegistryAdmin(config.schemaRegistryUrl),
  );
  await admin.disconnect();
  print(`Provisioned: ${plan.actions.length} change(s).`);

  const gateway = createGateway(config, pino({ level: process.env['LOG_LEVEL'] ?? 'warn' }));
  await gateway.start();
  const server = serve({ fetch: gateway.app.fetch, port: config.port, hostname: config.host });
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const body = JSON.stringify(JSON.parse(exampleOf(events.instantWin).body));
  print(`Ready in ${((Date.now() - started) / 1000).toFixed(1)} s:`);
  print(`  KAFKA_BROKERS=${config.brokers.join(',')}`);
  print(`  SCHEMA_REGISTRY_URL=${config.schemaRegistryUrl}`);
  print(`  gateway ${url}  (${url}/readyz, ${url}/metrics, ${url}/openapi.json)`);
  print('Try it:');
  print(
    `  curl -sS -X POST ${url}/webhooks/adictiz -H 'authorization: Bearer ${env['ADICTIZ_TOKEN']}' -H 'content-type: application/json' --data-binary '${body}'`,
  );
  print('Press Ctrl-C to stop.');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    print(`\n${signal}: stopping…`);
    await new Promise((resolve) => server.close(resolve));
    await gateway.stop();
    await cluster.stop();
    print('Stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
} catch (error) {
  console.error(error instanceof RelayError ? `${error.code}: ${error.message}` : error);
  await cluster.stop();
  process.exit(1);
}
