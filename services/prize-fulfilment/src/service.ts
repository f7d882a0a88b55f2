import { derivedEvents, events } from '@relay/events';
import { EventConsumer, kafkaClient, withTopicPrefix } from '@relay/kafka';
import { keepTrying, probeRoutes, type RunnableService } from '@relay/service';
import { Hono } from 'hono';
import type { Logger } from 'pino';
import type { PrizeFulfilmentConfig } from './config.ts';
import { FulfilmentEndpoint } from './fulfil/endpoint.ts';
import { type FulfilmentStreams, fulfilmentHandler } from './fulfilment-handler.ts';
import { Ledger } from './ledger/ledger.ts';
import { createMetrics } from './metrics.ts';
import { fulfilmentRoutes } from './routes/fulfilments.ts';

/** The topics the service reads and writes: the catalogue's, unless a test gives its own. */
export interface PrizeFulfilmentStreams extends FulfilmentStreams {
  readonly instantWin: typeof events.instantWin;
}

/** The catalogue's topics, under the prefix they were provisioned with. */
export function catalogueStreams(prefix: string): PrizeFulfilmentStreams {
  return {
    instantWin: withTopicPrefix(events.instantWin, prefix),
    prizeFulfilled: withTopicPrefix(derivedEvents.prizeFulfilled, prefix),
    prizeFailed: withTopicPrefix(derivedEvents.prizeFailed, prefix),
  };
}

export interface PrizeFulfilment extends RunnableService {
  readonly app: Hono;
  readonly ledger: Ledger;
}

/**
 * Consumes InstantWin events and fulfils each prize once: the ledger decides, the endpoint
 * delivers, the outcome is published in the same transaction as the consumer's offset.
 */
export function createPrizeFulfilment(
  config: PrizeFulfilmentConfig,
  logger: Logger,
  streams: PrizeFulfilmentStreams = catalogueStreams(config.topicPrefix),
): PrizeFulfilment {
  const metrics = createMetrics();
  const kafka = kafkaClient('prize-fulfilment', config.brokers);
  const ledger = new Ledger(config.ledgerPath);
  const consumer = new EventConsumer({
    kafka,
    schemaRegistryUrl: config.schemaRegistryUrl,
    groupId: config.groupId,
    transactional: { transactionalId: config.transactionalId },
    sessionTimeoutMs: config.sessionTimeoutMs,
    publishes: [streams.prizeFulfilled, streams.prizeFailed],
    metrics: metrics.registry,
    logger,
  }).on(
    streams.instantWin,
    fulfilmentHandler({ ledger, endpoint: new FulfilmentEndpoint(config.endpoint), metrics, streams }),
  );
  let stopping = false;

  const app = new Hono();
  app.route('/', fulfilmentRoutes(ledger));
  app.route(
    '/',
    probeRoutes({
      registry: metrics.registry,
      notReadyBecause: () => [...(stopping ? ['shutting down'] : []), ...consumer.notReadyBecause()],
    }),
  );

  return {
    app,
    ledger,
    async start() {
      // Kafka or the registry may come up after this service: readiness says why not yet.
      await keepTrying('starting the consumer', () => consumer.start(), { logger, stopped: () => stopping });
    },
    async stop() {
      stopping = true;
      await consumer.stop();
      ledger.close();
    },
  };
}
