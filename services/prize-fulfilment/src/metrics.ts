import { Counter, collectDefaultMetrics, Registry } from 'prom-client';

export interface FulfilmentMetrics {
  /** Also holds the consumer library's metrics (records processed, dead-lettered, lag…). */
  readonly registry: Registry;
  readonly outcomes: Counter<'status' | 'prize_type'>;
  readonly duplicates: Counter;
}

export function createMetrics(): FulfilmentMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    outcomes: new Counter({
      name: 'relay_fulfilment_outcomes_total',
      help: 'Prizes decided, by outcome (fulfilled, failed) and prize type.',
      labelNames: ['status', 'prize_type'],
      registers: [registry],
    }),
    duplicates: new Counter({
      name: 'relay_fulfilment_duplicates_total',
      help: 'InstantWin records whose prize was already decided by another record: nothing done.',
      registers: [registry],
    }),
  };
}
