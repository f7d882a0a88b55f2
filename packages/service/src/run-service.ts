import { type Logger, pino } from 'pino';
import { listen } from './listen.ts';

/** What a service is to the process that runs it. */
export interface RunnableService {
  readonly app: { fetch: (request: Request) => Response | Promise<Response> };
  /** Connects; may keep retrying in the background until it succeeds or `stop()`. */
  start(): Promise<void>;
  /** Finishes the work in progress and closes its connections. */
  stop(): Promise<void>;
  /** Told of each connection closed at once because `maxConnections` were open (to count them). */
  readonly connectionDropped?: () => void;
}

export interface ServiceProcessConfig {
  readonly port: number;
  readonly host: string;
  readonly logLevel: string;
  readonly shutdownTimeoutMs: number;
  /** Sockets listening on the port (see `listen`); one unless told. */
  readonly listenSockets?: number;
  /** Connections open at once at most (see `listen`); unbounded unless told. */
  readonly maxConnections?: number;
}

/**
 * Runs a service as its process: configuration checked first (one line per wrong value, exit 1),
 * HTTP at once (readiness says when the service is ready), SIGTERM/SIGINT: stop accepting, let
 * requests in progress finish, stop the service, exit 0; exit 1 if that takes longer than allowed.
 */
export function runService<C extends ServiceProcessConfig>(options: {
  readonly name: string;
  readonly configFromEnv: () => C;
  readonly create: (config: C, logger: Logger) => RunnableService;
}): void {
  let config: C;
  try {
    config = options.configFromEnv();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
  const logger = pino({ level: config.logLevel, base: { service: options.name } });
  const service = options.create(config, logger);
  const serving = listen({
    fetch: service.app.fetch,
    port: config.port,
    host: config.host,
    sockets: config.listenSockets ?? 1,
    ...(config.maxConnections === undefined ? {} : { maxConnections: config.maxConnections }),
    ...(service.connectionDropped === undefined ? {} : { onConnectionDropped: service.connectionDropped }),
  }).then(
    (listening) => {
      logger.info(
        { port: listening.port, host: config.host, sockets: listening.servers.length },
        'listening',
      );
      return listening;
    },
    (error: unknown) => {
      logger.error({ err: error }, 'cannot listen');
      process.exit(1);
    },
  );
  const starting = service.start().then(
    () => logger.info('ready'),
    (error: unknown) => {
      logger.error({ err: error }, 'could not start');
      process.exit(1);
    },
  );

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
    void serving.then(async (listening) => {
      await listening.close();
      await starting;
      await service.stop();
      logger.info('drained');
      process.exit(0);
    });
  });
  process.on('SIGINT', () => process.emit('SIGTERM'));
}
