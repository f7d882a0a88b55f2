import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

function metric<M>(registry: Registry, name: string, create: () => M): M {
  // Several consumers may share one registry (and one process): the metric is shared, labelled by group.
  return (registry.getSingleMetric(name) as M | undefined) ?? create();
}

/** The consumer's Prometheus metrics, labelled by group and topic. */
export function consumerMetrics(registry: Registry) {
  const labelNames = ['group', 'topic'] as const;
  return {
    processed: metric(
      registry,
      'relay_consumer_records_processed_total',
      () =>
        new Counter({
          name: 'relay_consumer_records_processed_total',
          help: 'Records whose handler succeeded.',
          labelNames,
          registers: [registry],
        }),
    ),
    failed: metric(
      registry,
      'relay_consumer_handler_failures_total',
      () =>
        new Counter({
          name: 'relay_consumer_handler_failures_total',
          help: 'Failed handler attempts (each retry counts).',
          labelNames,
          registers: [registry],
        }),
    ),
    deadLettered: metric(
      registry,
      'relay_consumer_records_dead_lettered_total',
      () =>
        new Counter({
          name: 'relay_consumer_records_dead_lettered_total',
          help: 'Records given up on and written to the dead-letter topic, by error code.',
          labelNames: [...labelNames, 'code'],
          registers: [registry],
        }),
    ),
    handlerSeconds: metric(
      registry,
      'relay_consumer_handler_duration_seconds',
      () =>
        new Histogram({
          name: 'relay_consumer_handler_duration_seconds',
          help: 'Time to handle one record, retries included.',
          labelNames,
          buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
          registers: [registry],
        }),
    ),
    unsettledTransactions: metric(
      registry,
      'relay_consumer_unsettled_transactions_total',
      () =>
        new Counter({
          name: 'relay_consumer_unsettled_transactions_total',
          help: 'Transactions that could be neither committed nor aborted, by what the cluster said of them afterwards (committed, aborted).',
          labelNames: [...labelNames, 'outcome'],
          registers: [registry],
        }),
    ),
    lag: metric(
      registry,
      'relay_consumer_lag',
      () =>
        new Gauge({
          name: 'relay_consumer_lag',
          help: 'Records on the partition after the last one handled, at the end of the last batch.',
          labelNames: [...labelNames, 'partition'],
          registers: [registry],
        }),
    ),
  };
}

export type ConsumerMetrics = ReturnType<typeof consumerMetrics>;
