import { hostname } from 'node:os';
import { parseEnv } from '@relay/kafka';
import { Type } from '@sinclair/typebox';

export const QuizScoringEnv = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65_535, default: 8082, description: 'HTTP port' }),
  HOST: Type.String({ default: '0.0.0.0', description: 'address to listen on' }),
  KAFKA_BROKERS: Type.String({ minLength: 1, description: 'comma-separated host:port of the Kafka brokers' }),
  SCHEMA_REGISTRY_URL: Type.String({
    pattern: '^https?://',
    description: 'base URL of the Confluent-compatible API',
  }),
  RELAY_TOPIC_PREFIX: Type.String({
    default: '',
    description: 'prefix of every topic and subject, as provisioned with the same setting',
  }),
  GROUP_ID: Type.String({ minLength: 1, default: 'quiz-scoring', description: 'consumer group' }),
  TRANSACTIONAL_ID: Type.Optional(
    Type.String({
      minLength: 1,
      description:
        'Kafka transactional id, unique per instance and stable across its restarts; default <GROUP_ID>-<hostname>',
    }),
  ),
  EXACTLY_ONCE: Type.Boolean({
    default: true,
    description:
      "scores written in the transaction of the answers' offsets; false: at least once (a crash may republish a score, never count an answer twice)",
  }),
  SESSION_TIMEOUT_MS: Type.Integer({
    minimum: 6_000,
    default: 10_000,
    description: 'consumer session: how soon the partitions of an instance that died move to another',
  }),
  SHUTDOWN_TIMEOUT_MS: Type.Integer({
    minimum: 1,
    default: 20_000,
    description: 'SIGTERM: the longest the drain may take',
  }),
  LOG_LEVEL: Type.String({ default: 'info', description: 'pino level' }),
});

export interface QuizScoringConfig {
  readonly port: number;
  readonly host: string;
  readonly brokers: string[];
  readonly schemaRegistryUrl: string;
  readonly topicPrefix: string;
  readonly groupId: string;
  readonly transactionalId: string;
  readonly exactlyOnce: boolean;
  readonly sessionTimeoutMs: number;
  readonly shutdownTimeoutMs: number;
  readonly logLevel: string;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): QuizScoringConfig {
  const e = parseEnv(QuizScoringEnv, env);
  return {
    port: e.PORT,
    host: e.HOST,
    brokers: e.KAFKA_BROKERS.split(',')
      .map((broker) => broker.trim())
      .filter(Boolean),
    schemaRegistryUrl: e.SCHEMA_REGISTRY_URL,
    topicPrefix: e.RELAY_TOPIC_PREFIX,
    groupId: e.GROUP_ID,
    transactionalId: e.TRANSACTIONAL_ID ?? `${e.GROUP_ID}-${hostname()}`,
    exactlyOnce: e.EXACTLY_ONCE,
    sessionTimeoutMs: e.SESSION_TIMEOUT_MS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    logLevel: e.LOG_LEVEL,
  };
}
