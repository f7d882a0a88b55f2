import { Hono } from 'hono';
import type { Registry } from 'prom-client';

export interface ProbeOptions {
  /** Why the service cannot do its work now; empty when it can. */
  readonly notReadyBecause: () => readonly string[];
  readonly registry: Registry;
}

/** `/healthz` (the process answers), `/readyz` (503 with the reasons until ready), `/metrics`. */
export function probeRoutes(options: ProbeOptions): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', (c) => {
    const reasons = options.notReadyBecause();
    return reasons.length === 0 ? c.json({ status: 'ready' }) : c.json({ status: 'not ready', reasons }, 503);
  });
  app.get('/metrics', async (c) => {
    c.header('content-type', options.registry.contentType);
    return c.body(await options.registry.metrics());
  });
  return app;
}
