import {
  commaSeparated,
  createRegistryClient,
  EventSerde,
  KafkajsRecordProducer,
  kafkaClient,
  parseEnv,
  RelayError,
  SchemaRegistryAdmin,
} from '@relay/kafka';
import { publishedCatalogue } from '../publish/published-catalogue.ts';
import { replayDeadLetters } from '../replay/replay.ts';
import { ReplayEnv } from '../replay/replay-env.ts';

/**
 * `npm run replay [-- --dry-run]`: after a fix or a schema change has landed, runs the
 * dead-lettered bodies through the gateway's checks again and publishes those that now pass.
 */
try {
  const env = parseEnv(ReplayEnv);
  const dryRun = process.argv.includes('--dry-run');
  const catalogue = publishedCatalogue(env.RELAY_TOPIC_PREFIX);
  const kafka = kafkaClient('relay-replay', commaSeparated(env.KAFKA_BROKERS), 30_000);
  const producer = new KafkajsRecordProducer(kafka);
  await producer.connect();
  try {
    const serde = await EventSerde.resolve(
      createRegistryClient(env.SCHEMA_REGISTRY_URL),
      new SchemaRegistryAdmin(env.SCHEMA_REGISTRY_URL),
      catalogue.definitions,
    );
    const report = await replayDeadLetters({
      kafka,
      producer,
      serde,
      deadLetterTopic: env.DEAD_LETTER_TOPIC ?? catalogue.deadLetterTopic,
      catalogue,
      dryRun,
    });
    process.stdout.write(
      `${dryRun ? 'Dry run: would publish' : 'Published'} ${report.published} of ${report.read} dead letters; ` +
        `${report.stillFailing} still failing${dryRun ? '' : ' (appended again with their new error)'}.\n`,
    );
  } finally {
    await producer.disconnect();
  }
} catch (error) {
  console.error(error instanceof RelayError ? `${error.code}: ${error.message}` : error);
  process.exitCode = 1;
}
