import { GenericContainer, type StartedTestContainer, Wait } from 'testcontainers';
import { containerOwnerLabels } from './container-owner.ts';

export interface SchemaRegistryContainerOptions {
  readonly image: string;
  readonly hostPort?: number;
  readonly startupTimeoutMs?: number;
  readonly heap?: string;
}

export interface StartedSchemaRegistry {
  /** Base URL of the Confluent-compatible API, what @kafkajs/confluent-schema-registry takes as `host`. */
  readonly url: string;
  readonly container: StartedTestContainer;
}

const HTTP_PORT = 8080;
/** Apicurio Registry serves the Confluent schema registry API under this path. */
export const CONFLUENT_API_PATH = '/apis/ccompat/v7';

export async function startSchemaRegistryContainer(
  options: SchemaRegistryContainerOptions,
): Promise<StartedSchemaRegistry> {
  const container = await new GenericContainer(options.image)
    .withExposedPorts(
      options.hostPort === undefined ? HTTP_PORT : { container: HTTP_PORT, host: options.hostPort },
    )
    .withEnvironment({ JAVA_OPTS_APPEND: `-Xmx${options.heap ?? '512m'}` })
    .withLabels(containerOwnerLabels())
    .withWaitStrategy(Wait.forHttp(`${CONFLUENT_API_PATH}/subjects`, HTTP_PORT).forStatusCode(200))
    .withStartupTimeout(options.startupTimeoutMs ?? 120_000)
    .start();
  const url = `http://${container.getHost()}:${container.getMappedPort(HTTP_PORT)}${CONFLUENT_API_PATH}`;
  return { url, container };
}
