import { setTimeout as delay } from 'node:timers/promises';
import { Kafka, logLevel } from '@relay/kafkajs';
import getPort from 'get-port';
import {
  GenericContainer,
  getContainerRuntimeClient,
  Network,
  type StartedTestContainer,
  Wait,
} from 'testcontainers';
import { containerOwnerLabels } from './container-owner.ts';
import { KAFKA_STARTED, sharedBrokerSettings } from './kafka-settings.ts';

export interface KafkaClusterOptions {
  readonly image: string;
  /** Brokers (node ids 1…n); default 3. */
  readonly brokers?: number;
  /** Default 2: with three brokers, one may be down and `acks=all` still succeeds. */
  readonly minInsyncReplicas?: number;
  readonly heap?: string;
  readonly startupTimeoutMs?: number;
}

export interface StartedKafkaCluster {
  /** Every broker's client address, 127.0.0.1:<port>. */
  readonly brokers: readonly string[];
  /** Node ids of the brokers, in the order of `brokers`. */
  readonly nodeIds: readonly number[];
  /** Stops a broker as an orchestrator would (SIGTERM, controlled shutdown); its data is kept. */
  stopBroker(nodeId: number): Promise<void>;
  /** Starts a stopped broker again on the same address, resolving once it serves. */
  startBroker(nodeId: number): Promise<void>;
  stop(): Promise<void>;
}

const CLIENT_PORT = 9092;
const CONTROLLER_PORT = 9093;
const INTERNAL_PORT = 9094;
const CONTROLLER_ID = 100;
const CLUSTER_ID = 'relay-test-cluster-0003';

/**
 * A KRaft cluster of several brokers and one dedicated controller on a network of its own. The
 * controller stands apart so that the quorum survives whichever brokers a test stops. Brokers
 * reach each other by name on the internal listener; clients get 127.0.0.1 and a host port
 * bound before start, so the addresses the brokers hand out are the ones tests reach.
 */
export async function startKafkaCluster(options: KafkaClusterOptions): Promise<StartedKafkaCluster> {
  const count = options.brokers ?? 3;
  const settings = sharedBrokerSettings({
    replicationFactor: count,
    minInsyncReplicas: options.minInsyncReplicas ?? 2,
    heap: options.heap ?? '512m',
  });
  const network = await new Network().start();
  const started: StartedTestContainer[] = [];
  const stopAll = async () => {
    await Promise.all(started.map((container) => container.stop({ timeout: 5_000 }).catch(() => {})));
    await network.stop().catch(() => {});
  };
  try {
    const node = (name: string) =>
      new GenericContainer(options.image)
        .withNetwork(network)
        .withNetworkAliases(name)
        .withLabels(containerOwnerLabels())
        .withWaitStrategy(Wait.forLogMessage(KAFKA_STARTED))
        .withStartupTimeout(options.startupTimeoutMs ?? 120_000);
    const voters = `${CONTROLLER_ID}@controller:${CONTROLLER_PORT}`;
    started.push(
      await node('controller')
        // Nothing listens there; the image declares the port, and a container starts only once
        // every declared port is bound.
        .withExposedPorts(CLIENT_PORT)
        .withEnvironment({
          ...settings,
          CLUSTER_ID,
          KAFKA_NODE_ID: String(CONTROLLER_ID),
          KAFKA_PROCESS_ROLES: 'controller',
          KAFKA_LISTENERS: `CONTROLLER://:${CONTROLLER_PORT}`,
          KAFKA_ADVERTISED_LISTENERS: `CONTROLLER://controller:${CONTROLLER_PORT}`,
          // PLAINTEXT too: the default inter-broker listener name is checked even on a controller.
          KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
          KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
          KAFKA_CONTROLLER_QUORUM_VOTERS: voters,
          KAFKA_HEAP_OPTS: '-Xms128m -Xmx256m',
        })
        .start(),
    );

    const nodeIds = Array.from({ length: count }, (_, index) => index + 1);
    const hostPorts = await Promise.all(nodeIds.map(() => getPort({ host: '127.0.0.1' })));
    const brokers = await Promise.all(
      nodeIds.map((nodeId, index) => {
        const hostPort = hostPorts[index] as number;
        return node(`kafka-${nodeId}`)
          .withExposedPorts({ container: CLIENT_PORT, host: hostPort })
          .withEnvironment({
            ...settings,
            CLUSTER_ID,
            KAFKA_NODE_ID: String(nodeId),
            KAFKA_PROCESS_ROLES: 'broker',
            KAFKA_LISTENERS: `PLAINTEXT://:${CLIENT_PORT},INTERNAL://:${INTERNAL_PORT}`,
            KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${hostPort},INTERNAL://kafka-${nodeId}:${INTERNAL_PORT}`,
            KAFKA_LISTENER_SECURITY_PROTOCOL_MAP:
              'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,INTERNAL:PLAINTEXT',
            KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
            KAFKA_INTER_BROKER_LISTENER_NAME: 'INTERNAL',
            KAFKA_CONTROLLER_QUORUM_VOTERS: voters,
          })
          .start()
          .then((container) => {
            started.push(container);
            return container;
          });
      }),
    );

    const client = await getContainerRuntimeClient();
    const brokerContainer = (nodeId: number) => {
      const container = brokers[nodeIds.indexOf(nodeId)];
      if (container === undefined) throw new Error(`no broker with node id ${nodeId}`);
      return client.container.getById(container.getId());
    };
    return {
      brokers: hostPorts.map((port) => `127.0.0.1:${port}`),
      nodeIds,
      async stopBroker(nodeId) {
        await client.container.stop(brokerContainer(nodeId), { timeout: 30_000 });
      },
      async startBroker(nodeId) {
        await client.container.start(brokerContainer(nodeId));
        const address = `127.0.0.1:${hostPorts[nodeIds.indexOf(nodeId)]}`;
        await untilServing(address, nodeId, options.startupTimeoutMs ?? 120_000);
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/**
 * Resolves once the broker at `address` answers a client and the cluster lists it (the controller
 * unfenced it), as a client would find it. Not its log: Podman 4.3 does not always follow a log
 * read from a time after the container's first line, which a restarted container's is.
 */
async function untilServing(address: string, nodeId: number, timeoutMs: number): Promise<void> {
  const kafka = new Kafka({
    clientId: 'testkit-broker-check',
    brokers: [address],
    connectionTimeout: 1_000,
    requestTimeout: 2_000,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
  const giveUpAt = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < giveUpAt) {
    const admin = kafka.admin();
    try {
      await admin.connect();
      const { brokers } = await admin.describeCluster();
      if (brokers.some((broker) => broker.nodeId === nodeId)) return;
      last = `the cluster lists brokers ${brokers.map((broker) => broker.nodeId).join(', ')}`;
    } catch (error) {
      last = error;
    } finally {
      await admin.disconnect().catch(() => {});
    }
    await delay(250);
  }
  throw new Error(`broker ${nodeId} did not serve again within ${timeoutMs} ms (last: ${String(last)})`);
}
