import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface GatewayMetrics {
  readonly registry: Registry;
  readonly requests: Counter<'source' | 'event_type' | 'status'>;
  readonly publishSeconds: Histogram<'topic'>;
  readonly batchRecords: Histogram;
  readonly deadLetters: Counter<'source' | 'code'>;
  readonly inFlight: Gauge;
  readonly connectionsDropped: Counter;
}

export function createMetrics(): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    requests: new Counter({
      name: 'relay_gateway_requests_total',
      help: 'Webhook requests answered, by source, event type and HTTP status.',
      labelNames: ['source', 'event_type', 'status'],
      registers: [registry],
    }),
    publishSeconds: new Histogram({
      name: 'relay_gateway_publish_seconds',
      help: 'From a valid body to the broker acknowledgement of its record.',
      labelNames: ['topic'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    batchRecords: new Histogram({
      name: 'relay_gateway_batch_records',
      help: 'Records per produce request.',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
      registers: [registry],
    }),
    deadLetters: new Counter({
      name: 'relay_gateway_dead_letters_total',
      help: 'Bodies kept on the dead-letter topic, by source and error code.',
      labelNames: ['source', 'code'],
      registers: [registry],
    }),
    inFlight: new Gauge({
      name: 'relay_gateway_in_flight_requests',
      help: 'Webhook requests being published now.',
      registers: [registry],
    }),
    connectionsDropped: new Counter({
      name: 'relay_gateway_connections_dropped_total',
      help: 'Connections closed as soon as accepted, MAX_CONNECTIONS being open.',
      registers: [registry],
    }),
  };
}
