import { Hono } from 'hono';
import type { GatewayMetrics } from '../metrics.ts';

export interface ProbeDeps {
  /** Why the gateway cannot take webhooks now; empty when it can. */
  readonly notReadyBecause: () => string[];
  readonly metrics: GatewayMetrics;
}

/** Liveness, readiness and Prometheus metrics. */
export function probeRoutes(deps: ProbeDeps): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', (c) => {
    const reasons = deps.notReadyBecause();
    return reasons.length === 0 ? c.json({ status: 'ready' }) : c.json({ status: 'not ready', reasons }, 503);
  });
  app.get('/metrics', async (c) => {
    c.header('content-type', deps.metrics.registry.contentType);
    return c.body(await deps.metrics.registry.metrics());
  });
  return app;
}
