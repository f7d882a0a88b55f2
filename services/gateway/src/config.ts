import type { Source } from '@relay/events';
import { commaSeparated, KAFKA_ENV, parseEnv } from '@relay/kafka';
import { serviceEnv } from '@relay/service';
import { Type } from '@sinclair/typebox';

/** Adictiz Box's documented output IPs (the two retired in January 2024 are left out). */
export const ADICTIZ_OUTPUT_IPS = '35.241.193.158,146.148.125.165,35.187.48.192';

const list = (description: string, fallback = '') => Type.String({ default: fallback, description });

const tokenIn = Type.Union([Type.Literal('header'), Type.Literal('query')], {
  default: 'header',
  description:
    'where the token is looked for: `Authorization: Bearer` or `X-Webhook-Token` header, or `?token=`',
});

export const GatewayEnv = Type.Object({
  ...serviceEnv(8080),
  KAFKA_BROKERS: KAFKA_ENV.KAFKA_BROKERS,
  SCHEMA_REGISTRY_URL: KAFKA_ENV.SCHEMA_REGISTRY_URL,
  RELAY_TOPIC_PREFIX: KAFKA_ENV.RELAY_TOPIC_PREFIX,
  BODY_LIMIT_BYTES: Type.Integer({ minimum: 1, default: 1_048_576, description: 'larger bodies get 413' }),
  PUBLISH_DEADLINE_MS: Type.Integer({
    minimum: 1,
    default: 5_000,
    description: 'a publish slower than this gets 503',
  }),
  RETRY_AFTER_SECONDS: Type.Integer({ minimum: 0, default: 5, description: 'Retry-After of 503 answers' }),
  MAX_IN_FLIGHT: Type.Integer({
    minimum: 1,
    default: 2_000,
    description: 'requests being published at once; more get 503',
  }),
  LISTEN_SOCKETS: Type.Integer({
    minimum: 1,
    maximum: 64,
    default: 8,
    description:
      'sockets listening on PORT together (SO_REUSEPORT; Linux only, one elsewhere), so that new connections are accepted apace under load',
  }),
  MAX_CONNECTIONS: Type.Integer({
    minimum: 1,
    default: 1000,
    description:
      'connections open at once at most (shared between the listening sockets); a new one beyond is closed as soon as accepted',
  }),
  DEDUPE_WINDOW_MS: Type.Integer({
    minimum: 0,
    default: 86_400_000,
    description: 'how long a published event_id is remembered (in memory, per instance)',
  }),
  DEDUPE_MAX_ENTRIES: Type.Integer({
    minimum: 1,
    default: 500_000,
    description: 'event ids remembered at most (≈ 46 bytes each, off the JS heap, reserved at start)',
  }),
  LINGER_MS: Type.Integer({
    minimum: 0,
    default: 2,
    description: 'how long a batch waits for more records (0: for those of the same event-loop turn)',
  }),
  MAX_BATCH_RECORDS: Type.Integer({
    minimum: 1,
    default: 500,
    description: 'records per produce request at most',
  }),
  PRODUCER_THREAD: Type.Boolean({
    default: false,
    description:
      'run the Kafka client on a thread of its own, off the thread that answers webhooks (for a gateway with a core to spare)',
  }),
  TRUSTED_PROXIES: list(
    'IPs or CIDRs of proxies whose X-Forwarded-For is believed (read right to left); none: the socket peer is the sender',
  ),
  ADICTIZ_TOKEN: Type.Optional(
    Type.String({ minLength: 16, description: 'shared token of Adictiz webhooks' }),
  ),
  ADICTIZ_TOKEN_IN: tokenIn,
  ADICTIZ_ALLOWED_IPS: list("sender IPs or CIDRs; '*' allows any", ADICTIZ_OUTPUT_IPS),
  ADICTIZ_SIGNING_SECRET: Type.Optional(
    Type.String({ pattern: '^whsec_', description: 'Standard Webhooks secret' }),
  ),
  KOMO_TOKEN: Type.Optional(Type.String({ minLength: 16, description: 'shared token of Komo webhooks' })),
  KOMO_TOKEN_IN: tokenIn,
  KOMO_ALLOWED_IPS: list("sender IPs or CIDRs; '*' allows any", '*'),
  KOMO_SIGNING_SECRET: Type.Optional(
    Type.String({ pattern: '^whsec_', description: 'Standard Webhooks secret' }),
  ),
});

export interface SourceAuth {
  /** Compared in constant time; none means no token is asked for. */
  readonly token: string | undefined;
  /** `header`: `Authorization: Bearer <token>` or `X-Webhook-Token`; `query`: `?token=`. */
  readonly tokenIn: 'header' | 'query';
  /** Empty means any address. */
  readonly allowedIps: readonly string[];
  readonly signingSecret: string | undefined;
}

export interface GatewayConfig {
  readonly port: number;
  readonly host: string;
  readonly brokers: string[];
  readonly schemaRegistryUrl: string;
  readonly bodyLimitBytes: number;
  readonly publishDeadlineMs: number;
  readonly retryAfterSeconds: number;
  readonly maxInFlight: number;
  readonly dedupeWindowMs: number;
  readonly dedupeMaxEntries: number;
  readonly lingerMs: number;
  readonly maxBatchRecords: number;
  readonly producerThread: boolean;
  /** Prefix of the topics and subjects published to (RELAY_TOPIC_PREFIX). */
  readonly topicPrefix: string;
  readonly shutdownTimeoutMs: number;
  readonly listenSockets: number;
  readonly maxConnections: number;
  readonly trustedProxies: readonly string[];
  readonly auth: Readonly<Record<Source, SourceAuth>>;
  readonly logLevel: string;
}

export function gatewayConfigFromEnv(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const e = parseEnv(GatewayEnv, env);
  const ips = (value: string) => (value.trim() === '*' ? [] : commaSeparated(value));
  const auth: Record<Source, SourceAuth> = {
    adictiz: {
      token: e.ADICTIZ_TOKEN,
      tokenIn: e.ADICTIZ_TOKEN_IN,
      allowedIps: ips(e.ADICTIZ_ALLOWED_IPS),
      signingSecret: e.ADICTIZ_SIGNING_SECRET,
    },
    komo: {
      token: e.KOMO_TOKEN,
      tokenIn: e.KOMO_TOKEN_IN,
      allowedIps: ips(e.KOMO_ALLOWED_IPS),
      signingSecret: e.KOMO_SIGNING_SECRET,
    },
  };
  return {
    port: e.PORT,
    host: e.HOST,
    brokers: commaSeparated(e.KAFKA_BROKERS),
    schemaRegistryUrl: e.SCHEMA_REGISTRY_URL,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    publishDeadlineMs: e.PUBLISH_DEADLINE_MS,
    retryAfterSeconds: e.RETRY_AFTER_SECONDS,
    maxInFlight: e.MAX_IN_FLIGHT,
    dedupeWindowMs: e.DEDUPE_WINDOW_MS,
    dedupeMaxEntries: e.DEDUPE_MAX_ENTRIES,
    lingerMs: e.LINGER_MS,
    maxBatchRecords: e.MAX_BATCH_RECORDS,
    producerThread: e.PRODUCER_THREAD,
    topicPrefix: e.RELAY_TOPIC_PREFIX,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    listenSockets: e.LISTEN_SOCKETS,
    maxConnections: e.MAX_CONNECTIONS,
    trustedProxies: commaSeparated(e.TRUSTED_PROXIES),
    auth,
    logLevel: e.LOG_LEVEL,
  };
}
