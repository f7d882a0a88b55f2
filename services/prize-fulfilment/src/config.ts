import { parseEnv } from '@relay/kafka';
import { type Static, Type } from '@sinclair/typebox';

export const PrizeFulfilmentEnv = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65_535, default: 8081, description: 'HTTP port' }),
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
  GROUP_ID: Type.String({ minLength: 1, default: 'prize-fulfilment', description: 'consumer group' }),
  TRANSACTIONAL_ID: Type.String({
    minLength: 1,
    default: 'prize-fulfilment',
    description: 'Kafka transactional id; unique per running instance',
  }),
  SESSION_TIMEOUT_MS: Type.Integer({
    minimum: 6_000,
    default: 10_000,
    description: 'consumer session: how soon the partitions of an instance that died move to another',
  }),
  FULFILMENT_ENDPOINT_URL: Type.String({
    pattern: '^https?://',
    description: 'where ifg and normal prizes are POSTed for delivery',
  }),
  FULFILMENT_TIMEOUT_MS: Type.Integer({
    minimum: 1,
    default: 5_000,
    description: 'one call to the fulfilment endpoint, at most',
  }),
  FULFILMENT_RETRIES: Type.Integer({
    minimum: 0,
    default: 3,
    description: 'retries of a failing or timed-out call before the prize is reported failed',
  }),
  FULFILMENT_RETRY_DELAY_MS: Type.Integer({
    minimum: 0,
    default: 500,
    description: 'first delay between retries; it doubles each time',
  }),
  LEDGER_PATH: Type.String({
    minLength: 1,
    default: 'data/prize-fulfilment.sqlite',
    description: 'SQLite file of the fulfilment ledger; keep it on a persistent volume',
  }),
  SHUTDOWN_TIMEOUT_MS: Type.Integer({
    minimum: 1,
    default: 20_000,
    description: 'SIGTERM: the longest the drain may take',
  }),
  LOG_LEVEL: Type.String({ default: 'info', description: 'pino level' }),
});

export interface PrizeFulfilmentConfig {
  readonly port: number;
  readonly host: string;
  readonly brokers: string[];
  readonly schemaRegistryUrl: string;
  readonly topicPrefix: string;
  readonly groupId: string;
  readonly transactionalId: string;
  readonly sessionTimeoutMs: number;
  readonly endpoint: {
    readonly url: string;
    readonly timeoutMs: number;
    readonly retries: number;
    readonly retryDelayMs: number;
  };
  readonly ledgerPath: string;
  readonly shutdownTimeoutMs: number;
  readonly logLevel: string;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): PrizeFulfilmentConfig {
  const e: Static<typeof PrizeFulfilmentEnv> = parseEnv(PrizeFulfilmentEnv, env);
  return {
    port: e.PORT,
    host: e.HOST,
    brokers: e.KAFKA_BROKERS.split(',')
      .map((broker) => broker.trim())
      .filter(Boolean),
    schemaRegistryUrl: e.SCHEMA_REGISTRY_URL,
    topicPrefix: e.RELAY_TOPIC_PREFIX,
    groupId: e.GROUP_ID,
    transactionalId: e.TRANSACTIONAL_ID,
    sessionTimeoutMs: e.SESSION_TIMEOUT_MS,
    endpoint: {
      url: e.FULFILMENT_ENDPOINT_URL,
      timeoutMs: e.FULFILMENT_TIMEOUT_MS,
      retries: e.FULFILMENT_RETRIES,
      retryDelayMs: e.FULFILMENT_RETRY_DELAY_MS,
    },
    ledgerPath: e.LEDGER_PATH,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    logLevel: e.LOG_LEVEL,
  };
}
