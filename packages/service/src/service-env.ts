import { Type } from '@sinclair/typebox';
import type { ServiceProcessConfig } from './run-service.ts';

/** The settings every relay service process reads, named the same everywhere. */
export function serviceEnv(defaultPort: number) {
  return {
    PORT: Type.Integer({ minimum: 0, maximum: 65_535, default: defaultPort, description: 'HTTP port' }),
    HOST: Type.String({ default: '0.0.0.0', description: 'address to listen on' }),
    SHUTDOWN_TIMEOUT_MS: Type.Integer({
      minimum: 1,
      default: 20_000,
      description: 'SIGTERM: the longest the drain may take',
    }),
    LOG_LEVEL: Type.String({ default: 'info', description: 'pino level' }),
  };
}

export function serviceSettings(env: {
  readonly PORT: number;
  readonly HOST: string;
  readonly SHUTDOWN_TIMEOUT_MS: number;
  readonly LOG_LEVEL: string;
}): ServiceProcessConfig {
  return {
    port: env.PORT,
    host: env.HOST,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    logLevel: env.LOG_LEVEL,
  };
}
