import { Kafka, logLevel } from '@relay/kafkajs';
import { RelayError } from '../errors.ts';
import { provisionConfigFromEnv } from '../provision/config.ts';
import { describeAction } from '../provision/plan.ts';
import { provision } from '../provision/provision.ts';
import { SchemaRegistryAdmin } from '../schema-registry/admin.ts';

/**
 * `npm run provision [-- --dry-run]`: creates the relay's topics and registers its subjects,
 * as configured by env vars (see packages/kafka/README.md). Safe to run before every rollout.
 */
const dryRun = process.argv.includes('--dry-run');
const print = (line: string) => process.stdout.write(`${line}\n`);

try {
  const config = provisionConfigFromEnv();
  const kafka = new Kafka({
    clientId: 'relay-provision',
    brokers: config.brokers,
    connectionTimeout: 5_000,
    requestTimeout: 30_000,
    retry: { retries: 3 },
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const registry = new SchemaRegistryAdmin(config.schemaRegistryUrl);
    const { plan, applied } = await provision(config, admin, registry, {
      dryRun,
      onAction: (action) => print(`done: ${describeAction(action)}`),
    });
    for (const warning of plan.warnings) print(`warning: ${warning}`);
    for (const error of plan.errors) console.error(`error: ${error}`);
    if (plan.errors.length > 0) {
      console.error('Nothing was changed.');
      process.exitCode = 1;
    } else if (plan.actions.length === 0) {
      print('No changes: every topic and subject is as configured.');
    } else if (!applied) {
      for (const action of plan.actions) print(`would ${describeAction(action)}`);
      print(`Dry run: ${plan.actions.length} change(s) planned, none made.`);
    } else {
      print(`${plan.actions.length} change(s) made.`);
    }
  } finally {
    await admin.disconnect();
  }
} catch (error) {
  console.error(error instanceof RelayError ? `${error.code}: ${error.message}` : error);
  if (error instanceof RelayError && error.cause !== undefined) console.error('  caused by:', error.cause);
  process.exitCode = 1;
}
