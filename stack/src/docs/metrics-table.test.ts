import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { describe, expect, test } from 'vitest';
import { declaredMetrics } from './metrics-table.ts';

describe('declaredMetrics', () => {
  test("reads each metric's name, type and help from an exposition, leaving out Node's defaults", async () => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    new Counter({ name: 'relay_b_total', help: 'Bs counted.', registers: [registry] });
    new Histogram({ name: 'relay_a_seconds', help: 'How long an A takes.', registers: [registry] });

    expect(declaredMetrics(await registry.metrics())).toEqual([
      { name: 'relay_a_seconds', type: 'histogram', help: 'How long an A takes.' },
      { name: 'relay_b_total', type: 'counter', help: 'Bs counted.' },
    ]);
  });
});
