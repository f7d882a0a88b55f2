import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADICTIZ_OUTPUT_IPS, createGateway, gatewayConfigFromEnv } from '@relay/gateway';
import {
  commaSeparated,
  kafkaClient,
  provision,
  provisionConfigFromEnv,
  SchemaRegistryAdmin,
} from '@relay/kafka';
import {
  createPrizeFulfilment,
  configFromEnv as fulfilmentConfigFromEnv,
  startEndpointStandIn,
} from '@relay/prize-fulfilment';
import { createQuizScoring, configFromEnv as quizConfigFromEnv } from '@relay/quiz-scoring';
import { type Listening, listen } from '@relay/service';
import type { Logger } from 'pino';

export interface SystemOptions {
  readonly brokers: readonly string[];
  readonly schemaRegistryUrl: string;
  /** Settings every service reads (see docs/operations.md), on top of the ones below. */
  readonly env?: NodeJS.ProcessEnv;
  readonly host?: string;
  /** 0 (the default) picks free ports. */
  readonly ports?: { readonly gateway?: number; readonly fulfilment?: number; readonly quiz?: number };
  /** Prefixes the consumer groups (and transactional id), so that the system can share a cluster. */
  readonly groupPrefix?: string;
  /** The fulfilment endpoint of ifg and normal prizes; a local stand-in when absent. */
  readonly fulfilmentEndpointUrl?: string;
  /** Told of each prize the stand-in delivers. */
  readonly onDelivery?: (line: string) => void;
  readonly logger: Logger;
}

export interface RunningSystem {
  readonly gatewayUrl: string;
  readonly fulfilmentUrl: string;
  readonly quizUrl: string;
  /** The shared tokens the gateway asks of each sender. */
  readonly tokens: { readonly adictiz: string; readonly komo: string };
  /** Changes provisioning made to the cluster (0 when it was already as the catalogue says). */
  readonly provisioned: number;
  /** Stops accepting, drains and stops every service, removes the ledger. */
  stop(): Promise<void>;
}

/**
 * The whole relay in this process on a given cluster: the catalogue provisioned, the gateway,
 * prize fulfilment (its ledger in a temporary directory) and quiz scoring, each on its own HTTP
 * port. `npm start` runs it; so do the tests that go through the front door.
 */
export async function startSystem(options: SystemOptions): Promise<RunningSystem> {
  const host = options.host ?? '127.0.0.1';
  const ledgerDir = mkdtempSync(join(tmpdir(), 'relay-system-'));
  const env: NodeJS.ProcessEnv = {
    ...options.env,
    KAFKA_BROKERS: options.brokers.join(','),
    SCHEMA_REGISTRY_URL: options.schemaRegistryUrl,
    HOST: host,
  };
  const servers: Listening[] = [];
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    await Promise.all(servers.map((server) => server.close()));
    for (const stopOne of stops.reverse()) await stopOne().catch(() => {});
    rmSync(ledgerDir, { recursive: true, force: true });
  };
  const serve = async (
    app: { fetch: (request: Request) => Response | Promise<Response> },
    port = 0,
    sockets = 1,
  ) => {
    const server = await listen({ fetch: app.fetch, port, host, sockets });
    servers.push(server);
    return `http://127.0.0.1:${server.port}`;
  };
  const group = (name: string) => ({
    GROUP_ID: `${options.groupPrefix ?? ''}${name}`,
    ...(options.groupPrefix === undefined ? {} : { TRANSACTIONAL_ID: `${options.groupPrefix}${name}` }),
  });

  try {
    const admin = kafkaClient('relay-system', commaSeparated(env['KAFKA_BROKERS'] ?? '')).admin();
    await admin.connect();
    const { plan } = await provision(
      provisionConfigFromEnv(env),
      admin,
      new SchemaRegistryAdmin(options.schemaRegistryUrl),
    ).finally(() => admin.disconnect());

    const tokens = {
      adictiz: env['ADICTIZ_TOKEN'] ?? randomBytes(16).toString('hex'),
      komo: env['KOMO_TOKEN'] ?? randomBytes(16).toString('hex'),
    };
    const gatewayConfig = gatewayConfigFromEnv({
      ...env,
      ADICTIZ_TOKEN: tokens.adictiz,
      KOMO_TOKEN: tokens.komo,
      // Locally, the sender is this machine.
      ADICTIZ_ALLOWED_IPS: env['ADICTIZ_ALLOWED_IPS'] ?? `127.0.0.1,::1,${ADICTIZ_OUTPUT_IPS}`,
    });
    const gateway = createGateway(gatewayConfig, options.logger);
    await gateway.start();
    stops.push(() => gateway.stop());
    const gatewayUrl = await serve(gateway.app, options.ports?.gateway, gatewayConfig.listenSockets);

    let endpointUrl = options.fulfilmentEndpointUrl;
    if (endpointUrl === undefined) {
      const standIn = await startEndpointStandIn(options.onDelivery ? { log: options.onDelivery } : {});
      stops.push(() => standIn.close());
      endpointUrl = standIn.url;
    }
    const fulfilment = createPrizeFulfilment(
      fulfilmentConfigFromEnv({
        ...env,
        ...group('prize-fulfilment'),
        FULFILMENT_ENDPOINT_URL: endpointUrl,
        LEDGER_PATH: join(ledgerDir, 'prize-fulfilment.sqlite'),
      }),
      options.logger,
    );
    await fulfilment.start();
    stops.push(() => fulfilment.stop());
    const fulfilmentUrl = await serve(fulfilment.app, options.ports?.fulfilment);

    const quiz = createQuizScoring(quizConfigFromEnv({ ...env, ...group('quiz-scoring') }), options.logger);
    await quiz.start();
    stops.push(() => quiz.stop());
    const quizUrl = await serve(quiz.app, options.ports?.quiz);

    return { gatewayUrl, fulfilmentUrl, quizUrl, tokens, provisioned: plan.actions.length, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
