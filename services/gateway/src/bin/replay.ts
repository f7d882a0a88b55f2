import { definitions } from '@relay/events';
import {
  createRegistryClient,
  DEAD_LETTER_TOPIC,
  EventSerde,
  KafkajsRecordProducer,
  parseEnv,
  RelayError,
  SchemaRegistryAdmin,
} from '@relay/kafka';
import { Type } from '@sinclair/typebox';
import { Kafka, logLevel } from 'kafkajs';
import { replayDeadLetters } from '../replay/replay.ts';

/**
 * `npm run replay [-- --dry-run]`: after a fix or a schema change has landed, runs the
 * dead-lettered bodies through the gateway's checks again and publishes those that now pass.
 */
const ReplayEnv = Type.Object({
  KAFKA_BROKERS: Type.String({ minLength: 1, description: 'comma-separated host:port of the Kafka brokers' }),
  SCHEMA_REGISTRY_URL: Type.String({
    pattern: '^https?://',
    description: 'base URL of the Confluent-compatible API',
  }),
  DEAD_LETTER_TOPIC: Type.String({ default: DEAD_LETTER_TOPIC, description: 'the topic to replay' }),
});

try {
  const env = parseEnv(ReplayEnv);
  const dryRun = process.argv.includes('--dry-run');
  const kafka = new Kafka({
    clientId: 'relay-replay',
    brokers: env.KAFKA_BROKERS.split(',').map((b) => b.trim()),
    connectionTimeout: 5_000,
    requestTimeout: 30_000,
    logLevel: logLevel.NOTHING,
  });
  const producer = new KafkajsRecordProducer(kafka);
  await producer.connect();
  try {
    const serde = await EventSerde.resolve(
      createRegistryClient(env.SCHEMA_REGISTRY_URL),
      new SchemaRegistryAdmin(env.SCHEMA_REGISTRY_URL),
      definitions,
    );
    const report = await replayDeadLetters({
      kafka,
      producer,
      serde,
      deadLetterTopic: env.DEAD_LETTER_TOPIC,
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
