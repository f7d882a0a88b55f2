import { ensureContainerEngine } from './container-engine.ts';
import { removeOrphanedContainers } from './container-owner.ts';
import { type Images, imagesFromEnv } from './images.ts';
import { type StartedKafka, startKafkaContainer } from './kafka-container.ts';
import { type StartedSchemaRegistry, startSchemaRegistryContainer } from './schema-registry-container.ts';

/** Where a Kafka cluster and its schema registry answer: all a test or a service needs. */
export interface ClusterAddresses {
  readonly brokers: readonly string[];
  readonly schemaRegistryUrl: string;
}

export interface RelayCluster extends ClusterAddresses {
  /** Which parts this process started (and so stops); the others were given by env vars. */
  readonly started: { readonly kafka: boolean; readonly schemaRegistry: boolean };
  /** Stops and removes the containers this cluster started; idempotent. */
  stop(): Promise<void>;
}

export interface StartClusterOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly images?: Partial<Images>;
  readonly startupTimeoutMs?: number;
}

export class ClusterStartError extends Error {
  override readonly name = 'ClusterStartError';
}

/**
 * Starts Kafka and the schema registry in containers, or uses the ones named by
 * `KAFKA_BROKERS` (comma-separated host:port) and `SCHEMA_REGISTRY_URL`.
 */
export async function startCluster(options: StartClusterOptions = {}): Promise<RelayCluster> {
  const env = options.env ?? process.env;
  const givenBrokers = parseBrokers(env['KAFKA_BROKERS']);
  const givenRegistry = env['SCHEMA_REGISTRY_URL']?.trim() || undefined;
  if (givenBrokers === undefined || givenRegistry === undefined) {
    try {
      await ensureContainerEngine({ env });
      await removeOrphanedContainers();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new ClusterStartError(
        `No container engine to start Kafka and the schema registry in: ${message}\n${HINTS}`,
        { cause: error },
      );
    }
  }

  const images = { ...imagesFromEnv(env), ...options.images };
  const timeouts =
    options.startupTimeoutMs === undefined ? {} : { startupTimeoutMs: options.startupTimeoutMs };
  const [kafka, registry] = await Promise.allSettled([
    givenBrokers === undefined
      ? startKafkaContainer({ image: images.kafka, ...timeouts })
      : Promise.resolve(undefined),
    givenRegistry === undefined
      ? startSchemaRegistryContainer({ image: images.schemaRegistry, ...timeouts })
      : Promise.resolve(undefined),
  ]);
  const started: (StartedKafka | StartedSchemaRegistry)[] = [];
  for (const result of [kafka, registry]) {
    if (result.status === 'fulfilled' && result.value !== undefined) started.push(result.value);
  }
  const stop = once(async () => {
    await Promise.allSettled(started.map((part) => part.container.stop({ timeout: 10_000 })));
  });

  if (kafka.status === 'rejected' || registry.status === 'rejected') {
    await stop();
    const failures = [
      kafka.status === 'rejected' ? describeFailure('Kafka', images.kafka, kafka.reason) : undefined,
      registry.status === 'rejected'
        ? describeFailure('the schema registry', images.schemaRegistry, registry.reason)
        : undefined,
    ].filter((line) => line !== undefined);
    throw new ClusterStartError(failures.join('\n'), {
      cause: kafka.status === 'rejected' ? kafka.reason : (registry as PromiseRejectedResult).reason,
    });
  }

  const brokers = givenBrokers ?? kafka.value?.brokers;
  const schemaRegistryUrl = givenRegistry ?? registry.value?.url;
  if (brokers === undefined || schemaRegistryUrl === undefined) {
    throw new ClusterStartError('neither an address was given nor a container started');
  }
  return {
    brokers,
    schemaRegistryUrl,
    started: { kafka: givenBrokers === undefined, schemaRegistry: givenRegistry === undefined },
    stop,
  };
}

export function parseBrokers(value: string | undefined): string[] | undefined {
  const brokers = value
    ?.split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker !== '');
  return brokers === undefined || brokers.length === 0 ? undefined : brokers;
}

const HINTS =
  '  Without Docker Hub access, build the images and start Podman first: npm run setup:infra\n' +
  '  To use a running cluster instead, set KAFKA_BROKERS and SCHEMA_REGISTRY_URL.';

function describeFailure(what: string, image: string, reason: unknown): string {
  const message = reason instanceof Error ? reason.message : String(reason);
  return `Could not start ${what} from image ${image}: ${message}\n${HINTS}`;
}

function once(action: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => {
    running ??= action();
    return running;
  };
}
