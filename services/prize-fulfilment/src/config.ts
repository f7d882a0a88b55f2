import { type ConsumerSettings, consumerEnv, consumerSettings, KAFKA_ENV, parseEnv } from '@relay/kafka';
import { type ServiceProcessConfig, serviceEnv, serviceSettings } from '@relay/service';
import { type Static, Type } from '@sinclair/typebox';

export const PrizeFulfilmentEnv = Type.Object({
  ...serviceEnv(8081),
  ...KAFKA_ENV,
  ...consumerEnv('prize-fulfilment'),
  TRANSACTIONAL_ID: Type.String({
    minLength: 1,
    default: 'prize-fulfilment',
    description: 'Kafka transactional id; unique per running instance',
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
});

export interface PrizeFulfilmentConfig extends ServiceProcessConfig, ConsumerSettings {
  readonly transactionalId: string;
  readonly endpoint: {
    readonly url: string;
    readonly timeoutMs: number;
    readonly retries: number;
    readonly retryDelayMs: number;
  };
  readonly ledgerPath: string;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): PrizeFulfilmentConfig {
  const e: Static<typeof PrizeFulfilmentEnv> = parseEnv(PrizeFulfilmentEnv, env);
  return {
    ...serviceSettings(e),
    ...consumerSettings(e),
    transactionalId: e.TRANSACTIONAL_ID,
    endpoint: {
      url: e.FULFILMENT_ENDPOINT_URL,
      timeoutMs: e.FULFILMENT_TIMEOUT_MS,
      retries: e.FULFILMENT_RETRIES,
      retryDelayMs: e.FULFILMENT_RETRY_DELAY_MS,
    },
    ledgerPath: e.LEDGER_PATH,
  };
}
