import { ClusterStartError, type RelayCluster, startCluster } from '../cluster.ts';

/**
 * `npm start`: brings up Kafka and the schema registry, prints where they answer, and keeps
 * them running until Ctrl-C (or SIGTERM), then stops them.
 */
const started = Date.now();
process.stdout.write('Starting Kafka and the schema registry…\n');
let cluster: RelayCluster;
try {
  cluster = await startCluster();
} catch (error) {
  if (!(error instanceof ClusterStartError)) throw error;
  console.error(error.message);
  process.exit(1);
}
const seconds = ((Date.now() - started) / 1000).toFixed(1);
process.stdout.write(
  [
    `Ready in ${seconds} s:`,
    `  KAFKA_BROKERS=${cluster.brokers.join(',')}${cluster.started.kafka ? '' : ' (given)'}`,
    `  SCHEMA_REGISTRY_URL=${cluster.schemaRegistryUrl}${cluster.started.schemaRegistry ? '' : ' (given)'}`,
    'Press Ctrl-C to stop.',
    '',
  ].join('\n'),
);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping…\n`);
    cluster.stop().then(
      () => {
        process.stdout.write('Stopped.\n');
        process.exit(0);
      },
      (error: unknown) => {
        console.error('Could not stop cleanly:', error);
        process.exit(1);
      },
    );
  });
}
// Keeps the event loop alive until a signal arrives.
setInterval(() => {}, 1 << 30);
