import type { Logger } from 'pino';

/**
 * Runs `attempt` until it succeeds or `stopped()` says to give up, waiting `delayMs` between
 * tries: a service starts before Kafka or the registry answer, and its readiness says why not yet.
 */
export async function keepTrying(
  what: string,
  attempt: () => Promise<void>,
  options: { readonly logger: Logger; readonly stopped: () => boolean; readonly delayMs?: number },
): Promise<void> {
  const delayMs = options.delayMs ?? 1_000;
  while (!options.stopped()) {
    try {
      await attempt();
      return;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      options.logger.warn({ reason }, `${what} failed; trying again in ${delayMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
