import { Kafka, logLevel } from '@relay/kafkajs';
import { Type } from '@sinclair/typebox';

/** The settings every relay process that talks to Kafka and the registry reads, named the same everywhere. */
export const KAFKA_ENV = {
  KAFKA_BROKERS: Type.String({ minLength: 1, description: 'comma-separated host:port of the Kafka brokers' }),
  SCHEMA_REGISTRY_URL: Type.String({
    pattern: '^https?://',
    description: 'base URL of the Confluent-compatible API',
  }),
  RELAY_TOPIC_PREFIX: Type.String({
    default: '',
    pattern: '^[a-zA-Z0-9._-]*$',
    description: 'prefix of every topic and subject name, to share a cluster between environments or tests',
  }),
};

/** What `KAFKA_ENV` and `consumerEnv` give, as a consuming service's configuration holds it. */
export interface ConsumerSettings {
  readonly brokers: string[];
  readonly schemaRegistryUrl: string;
  readonly topicPrefix: string;
  readonly groupId: string;
  readonly sessionTimeoutMs: number;
}

export function consumerSettings(env: {
  readonly KAFKA_BROKERS: string;
  readonly SCHEMA_REGISTRY_URL: string;
  readonly RELAY_TOPIC_PREFIX: string;
  readonly GROUP_ID: string;
  readonly SESSION_TIMEOUT_MS: number;
}): ConsumerSettings {
  return {
    brokers: commaSeparated(env.KAFKA_BROKERS),
    schemaRegistryUrl: env.SCHEMA_REGISTRY_URL,
    topicPrefix: env.RELAY_TOPIC_PREFIX,
    groupId: env.GROUP_ID,
    sessionTimeoutMs: env.SESSION_TIMEOUT_MS,
  };
}

/** The settings of a service's consumer group. */
export function consumerEnv(groupId: string) {
  return {
    GROUP_ID: Type.String({ minLength: 1, default: groupId, description: 'consumer group' }),
    SESSION_TIMEOUT_MS: Type.Integer({
      minimum: 6_000,
      default: 10_000,
      description: 'consumer session: how soon the partitions of an instance that died move to another',
    }),
  };
}

/** `a, b,c` as `['a', 'b', 'c']`: brokers, addresses, any list given in one variable. */
export function commaSeparated(value: string): string[] {
  return value
    .split(',')
    .map((broker) => broker.trim())
    .filter(Boolean);
}

/** A kafkajs client with timeouts on connecting and on every request, and kafkajs's own logs off. */
export function kafkaClient(clientId: string, brokers: readonly string[], requestTimeoutMs = 10_000): Kafka {
  return new Kafka({
    clientId,
    brokers: [...brokers],
    connectionTimeout: 3_000,
    requestTimeout: requestTimeoutMs,
    logLevel: logLevel.NOTHING,
  });
}
