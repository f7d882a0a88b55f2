import { Counter, Registry } from 'prom-client';
import { describe, expect, test } from 'vitest';
import { probeRoutes } from './probes.ts';

describe('probeRoutes', () => {
  test('readiness answers 503 with every reason until there is none', async () => {
    let reasons = ['the consumer is not running', 'the schemas are not resolved'];
    const app = probeRoutes({ notReadyBecause: () => reasons, registry: new Registry() });

    const before = await app.request('/readyz');
    expect(before.status).toBe(503);
    expect(await before.json()).toEqual({ status: 'not ready', reasons });

    reasons = [];
    expect((await app.request('/readyz')).status).toBe(200);
  });

  test('liveness answers whatever readiness says', async () => {
    const app = probeRoutes({ notReadyBecause: () => ['not yet'], registry: new Registry() });
    expect((await app.request('/healthz')).status).toBe(200);
  });

  test('metrics are the registry in the Prometheus text format', async () => {
    const registry = new Registry();
    new Counter({ name: 'probe_test_total', help: 'a counter', registers: [registry] }).inc(3);
    const response = await probeRoutes({ notReadyBecause: () => [], registry }).request('/metrics');
    expect(response.headers.get('content-type')).toBe(registry.contentType);
    expect(await response.text()).toContain('probe_test_total 3');
  });
});
