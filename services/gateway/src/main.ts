import { serve } from '@hono/node-server';
import { RelayError } from '@relay/kafka';
import { pino } from 'pino';
import { gatewayConfigFromEnv } from './config.ts';
import { createGateway } from './gateway.ts';

/**
 * The gateway process: configuration from env vars (checked first, one line per wrong value),
 * HTTP at once (readiness false until Kafka and the registry answered), SIGTERM drains.
 */
let config: ReturnType<typeof gatewayConfigFromEnv>;
try {
  config = gatewayConfigFromEnv();
} catch (error) {
  console.error(error instanceof RelayError ? error.message : error);
  process.exit(1);
}
const logger = pino({ level: config.logLevel, base: { service: 'relay-gateway' } });
const gateway = createGateway(config, logger);
const server = serve({ fetch: gateway.app.fetch, port: config.port, hostname: config.host }, (info) => {
  logger.info({ port: info.port, host: config.host }, 'listening');
});
const starting = gateway.start().then(() => logger.info('ready'));

let shuttingDown = false;
process.on('SIGTERM', () => {
  if (shuttingDown) return;
  shuttingDown = true;
  logger.info('SIGTERM: draining');
  const forced = setTimeout(() => {
    logger.error({ timeoutMs: config.shutdownTimeoutMs }, 'drain took too long; exiting');
    process.exit(1);
  }, config.shutdownTimeoutMs);
  forced.unref();
  // close() stops accepting and waits for the requests in progress; then the producer is flushed.
  server.close(async () => {
    await starting.catch(() => {});
    await gateway.stop();
    logger.info('drained');
    process.exit(0);
  });
});
process.on('SIGINT', () => process.emit('SIGTERM'));
