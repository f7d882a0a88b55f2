import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { TimeoutMiddleware } from 'mappersmith/middleware/timeout';

type Middlewares = NonNullable<ConstructorParameters<typeof SchemaRegistry>[0]['middlewares']>;

export interface RegistryClientOptions {
  /** Per request. */
  readonly timeoutMs?: number;
  /** Total time spent retrying a failing request. */
  readonly maxRetryTimeMs?: number;
}

/** The Confluent client with a timeout on every request and bounded retries, so no call hangs. */
export function createRegistryClient(url: string, options: RegistryClientOptions = {}): SchemaRegistry {
  return new SchemaRegistry({
    host: url,
    // The client declares mappersmith's middleware type without its generic parameter.
    middlewares: [TimeoutMiddleware(options.timeoutMs ?? 5_000)] as unknown as Middlewares,
    retry: {
      retries: 2,
      maxRetryTimeInSecs: (options.maxRetryTimeMs ?? 2_000) / 1000,
      initialRetryTimeInSecs: 0.1,
    },
  });
}
