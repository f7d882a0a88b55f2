import { Type } from '@sinclair/typebox';
import { parseEnv } from '../config/env.ts';
import { commaSeparated, KAFKA_ENV } from '../config/kafka-env.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

export const ProvisionEnv = Type.Object({
  ...KAFKA_ENV,
  RELAY_TOPIC_PARTITIONS: Type.Integer({
    minimum: 1,
    default: 6,
    description: 'partitions of each event topic',
  }),
  RELAY_TOPIC_REPLICATION_FACTOR: Type.Optional(
    Type.Integer({
      minimum: 1,
      description: 'replication factor; default: 3, or the broker count when smaller',
    }),
  ),
  RELAY_TOPIC_MIN_INSYNC_REPLICAS: Type.Optional(
    Type.Integer({
      minimum: 1,
      description: 'min.insync.replicas; default: replication factor - 1, at least 1',
    }),
  ),
  RELAY_TOPIC_RETENTION_MS: Type.Integer({
    minimum: -1,
    default: 7 * DAY_MS,
    description: 'retention.ms of event topics',
  }),
  RELAY_DEAD_LETTER_RETENTION_MS: Type.Integer({
    minimum: -1,
    default: 30 * DAY_MS,
    description: 'retention.ms of the dead-letter topic',
  }),
});

export interface ProvisionConfig {
  readonly brokers: string[];
  readonly schemaRegistryUrl: string;
  readonly partitions: number;
  readonly replicationFactor: number | undefined;
  readonly minInsyncReplicas: number | undefined;
  readonly retentionMs: number;
  readonly deadLetterRetentionMs: number;
  readonly prefix: string;
}

export function provisionConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ProvisionConfig {
  const parsed = parseEnv(ProvisionEnv, env);
  return {
    brokers: commaSeparated(parsed.KAFKA_BROKERS),
    schemaRegistryUrl: parsed.SCHEMA_REGISTRY_URL,
    partitions: parsed.RELAY_TOPIC_PARTITIONS,
    replicationFactor: parsed.RELAY_TOPIC_REPLICATION_FACTOR,
    minInsyncReplicas: parsed.RELAY_TOPIC_MIN_INSYNC_REPLICAS,
    retentionMs: parsed.RELAY_TOPIC_RETENTION_MS,
    deadLetterRetentionMs: parsed.RELAY_DEAD_LETTER_RETENTION_MS,
    prefix: parsed.RELAY_TOPIC_PREFIX,
  };
}
