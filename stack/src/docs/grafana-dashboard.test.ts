import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { DASHBOARD_ROWS, grafanaDashboard, metricsRead } from './grafana-dashboard.ts';
import { components } from './operations-reference.ts';

const queries = DASHBOARD_ROWS.flatMap((row) => row.panels.flatMap((panel) => panel.queries));
const read = new Set(queries.flatMap((query) => metricsRead(query.expr)));

describe('the Grafana dashboard', () => {
  test('has a panel for every metric the services declare', async () => {
    const declared = (await components()).flatMap((component) => component.metrics ?? []);

    expect(declared.length).toBeGreaterThan(0);
    expect(declared.map((metric) => metric.name).filter((name) => !read.has(name))).toEqual([]);
  });

  test("queries only metrics that exist: the services' own or prom-client's defaults", async () => {
    const declared = new Set(
      (await components()).flatMap((c) => (c.metrics ?? []).map((metric) => metric.name)),
    );
    const defaults = ['process_resident_memory_bytes', 'nodejs_eventloop_lag_p99_seconds'];

    expect([...read].filter((name) => !declared.has(name) && !defaults.includes(name))).toEqual([]);
  });

  test('infra/grafana/relay-dashboard.json is the generated one (`npm run docs:generate` after a change)', () => {
    const file = readFileSync(
      new URL('../../../infra/grafana/relay-dashboard.json', import.meta.url),
      'utf8',
    );

    expect(JSON.parse(file)).toEqual(grafanaDashboard());
  });
});

describe('metricsRead', () => {
  test('names the metrics of an expression, histogram series taken back to their metric', () => {
    expect(
      metricsRead('histogram_quantile(0.99, sum by (le) (rate(relay_gateway_publish_seconds_bucket[5m])))'),
    ).toEqual(['relay_gateway_publish_seconds']);
    expect(metricsRead('sum(relay_a_total) / sum(process_cpu_seconds_total)')).toEqual([
      'relay_a_total',
      'process_cpu_seconds_total',
    ]);
  });
});
