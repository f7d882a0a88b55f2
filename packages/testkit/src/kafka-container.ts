import getPort from 'get-port';
import { GenericContainer, type StartedTestContainer, Wait } from 'testcontainers';
import { containerOwnerLabels } from './container-owner.ts';
import { KAFKA_STARTED, sharedBrokerSettings } from './kafka-settings.ts';

export interface KafkaContainerOptions {
  readonly image: string;
  /** Host port for clients; a free one is chosen when absent. */
  readonly hostPort?: number;
  readonly startupTimeoutMs?: number;
  readonly heap?: string;
}

export interface StartedKafka {
  readonly brokers: readonly string[];
  readonly container: StartedTestContainer;
}

const CLIENT_PORT = 9092;
const CONTROLLER_PORT = 9093;
const INTERNAL_PORT = 9094;

/**
 * A single-node KRaft broker configured through the official image's KAFKA_* variables.
 * The client listener is advertised as 127.0.0.1 on a host port bound before start, so the
 * address the broker hands out is the one the tests reach; the broker's own traffic uses a
 * separate listener that stays inside the container.
 */
export async function startKafkaContainer(options: KafkaContainerOptions): Promise<StartedKafka> {
  const hostPort = options.hostPort ?? (await getPort({ host: '127.0.0.1' }));
  const container = await new GenericContainer(options.image)
    .withExposedPorts({ container: CLIENT_PORT, host: hostPort })
    .withEnvironment({
      CLUSTER_ID: 'relay-test-cluster-0001',
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: `PLAINTEXT://:${CLIENT_PORT},CONTROLLER://:${CONTROLLER_PORT},INTERNAL://:${INTERNAL_PORT}`,
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${hostPort},INTERNAL://localhost:${INTERNAL_PORT}`,
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,INTERNAL:PLAINTEXT',
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_INTER_BROKER_LISTENER_NAME: 'INTERNAL',
      KAFKA_CONTROLLER_QUORUM_VOTERS: `1@localhost:${CONTROLLER_PORT}`,
      ...sharedBrokerSettings({
        replicationFactor: 1,
        minInsyncReplicas: 1,
        ...(options.heap ? { heap: options.heap } : {}),
      }),
    })
    .withLabels(containerOwnerLabels())
    .withWaitStrategy(Wait.forLogMessage(KAFKA_STARTED))
    .withStartupTimeout(options.startupTimeoutMs ?? 120_000)
    .start();
  return { brokers: [`127.0.0.1:${hostPort}`], container };
}
