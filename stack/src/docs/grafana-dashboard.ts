/**
 * The Grafana dashboard of infra/grafana/relay-dashboard.json, as data: rows of panels, each a
 * PromQL query or two over the metrics the services declare. A test checks that every query
 * names a declared metric and that every declared metric has a panel.
 */
interface Panel {
  readonly title: string;
  readonly description: string;
  readonly unit: string;
  readonly queries: readonly { readonly expr: string; readonly legend: string }[];
}

interface Row {
  readonly title: string;
  readonly panels: readonly Panel[];
}

const rate = (metric: string, by: string) => `sum by (${by}) (rate(${metric}[$__rate_interval]))`;
const quantile = (q: number, metric: string, by: string) =>
  `histogram_quantile(${q}, sum by (le, ${by}) (rate(${metric}_bucket[$__rate_interval])))`;

export const DASHBOARD_ROWS: readonly Row[] = [
  {
    title: 'Gateway',
    panels: [
      {
        title: 'Webhooks answered, by status',
        description: '202 published, 200 duplicate, 4xx refused (kept on the dead letters), 503 not stored.',
        unit: 'reqps',
        queries: [{ expr: rate('relay_gateway_requests_total', 'status'), legend: '{{status}}' }],
      },
      {
        title: 'Webhooks by source and event type',
        description: 'What the senders send.',
        unit: 'reqps',
        queries: [
          {
            expr: rate('relay_gateway_requests_total', 'source, event_type'),
            legend: '{{source}} {{event_type}}',
          },
        ],
      },
      {
        title: 'Publish latency',
        description: 'From a valid body to the broker acknowledgement.',
        unit: 's',
        queries: [
          { expr: quantile(0.5, 'relay_gateway_publish_seconds', 'topic'), legend: 'p50 {{topic}}' },
          { expr: quantile(0.99, 'relay_gateway_publish_seconds', 'topic'), legend: 'p99 {{topic}}' },
        ],
      },
      {
        title: 'Records per produce request',
        description: 'How well concurrent webhooks are batched.',
        unit: 'short',
        queries: [
          {
            expr: 'sum(rate(relay_gateway_batch_records_sum[$__rate_interval])) / sum(rate(relay_gateway_batch_records_count[$__rate_interval]))',
            legend: 'mean',
          },
        ],
      },
      {
        title: 'Requests in flight, connections dropped',
        description:
          'Near MAX_IN_FLIGHT, new webhooks get 503; with MAX_CONNECTIONS open, new connections are closed at once.',
        unit: 'short',
        queries: [
          { expr: 'sum by (instance) (relay_gateway_in_flight_requests)', legend: 'in flight {{instance}}' },
          {
            expr: 'sum by (instance) (increase(relay_gateway_connections_dropped_total[$__rate_interval]))',
            legend: 'connections dropped {{instance}}',
          },
        ],
      },
      {
        title: 'Gateway dead letters, by code',
        description: 'Refused bodies kept on relay.dead-letter.v1; read their headers, replay after a fix.',
        unit: 'short',
        queries: [
          {
            expr: 'sum by (source, code) (increase(relay_gateway_dead_letters_total[$__rate_interval]))',
            legend: '{{source}} {{code}}',
          },
        ],
      },
    ],
  },
  {
    title: 'Consumers',
    panels: [
      {
        title: 'Lag',
        description: 'Records not yet handled, per group and topic.',
        unit: 'short',
        queries: [{ expr: 'sum by (group, topic) (relay_consumer_lag)', legend: '{{group}} {{topic}}' }],
      },
      {
        title: 'Records handled',
        description: 'Records whose handler succeeded.',
        unit: 'ops',
        queries: [
          {
            expr: rate('relay_consumer_records_processed_total', 'group, topic'),
            legend: '{{group}} {{topic}}',
          },
        ],
      },
      {
        title: 'Handler latency',
        description: 'One record, retries included.',
        unit: 's',
        queries: [
          {
            expr: quantile(0.5, 'relay_consumer_handler_duration_seconds', 'group'),
            legend: 'p50 {{group}}',
          },
          {
            expr: quantile(0.99, 'relay_consumer_handler_duration_seconds', 'group'),
            legend: 'p99 {{group}}',
          },
        ],
      },
      {
        title: 'Handler failures and dead letters',
        description: 'Failed attempts (retried), and records given up on.',
        unit: 'short',
        queries: [
          {
            expr: 'sum by (group) (increase(relay_consumer_handler_failures_total[$__rate_interval]))',
            legend: 'failed attempts {{group}}',
          },
          {
            expr: 'sum by (group, code) (increase(relay_consumer_records_dead_lettered_total[$__rate_interval]))',
            legend: 'dead-lettered {{group}} {{code}}',
          },
        ],
      },
      {
        title: 'Transactions with an unknown outcome',
        description:
          'Exactly-once commits that could be neither committed nor aborted, by what the cluster said afterwards.',
        unit: 'short',
        queries: [
          {
            expr: 'sum by (group, outcome) (increase(relay_consumer_unsettled_transactions_total[$__rate_interval]))',
            legend: '{{outcome}} {{group}}',
          },
        ],
      },
    ],
  },
  {
    title: 'Sample consumers',
    panels: [
      {
        title: 'Prizes decided',
        description: 'Fulfilled or failed, by prize type; duplicates are InstantWins already decided.',
        unit: 'ops',
        queries: [
          {
            expr: rate('relay_fulfilment_outcomes_total', 'status, prize_type'),
            legend: '{{status}} {{prize_type}}',
          },
          { expr: 'sum(rate(relay_fulfilment_duplicates_total[$__rate_interval]))', legend: 'duplicates' },
        ],
      },
      {
        title: 'Quiz answers',
        description: 'counted changed a score; repeat named only questions already counted.',
        unit: 'ops',
        queries: [{ expr: rate('relay_quiz_answers_total', 'outcome'), legend: '{{outcome}}' }],
      },
    ],
  },
  {
    title: 'Processes',
    panels: [
      {
        title: 'Resident memory',
        description: 'The images limit the heap to 192 MB.',
        unit: 'bytes',
        queries: [{ expr: 'process_resident_memory_bytes{job=~"$job"}', legend: '{{job}} {{instance}}' }],
      },
      {
        title: 'Event loop lag p99',
        description: 'Above a few milliseconds, the process is CPU bound.',
        unit: 's',
        queries: [{ expr: 'nodejs_eventloop_lag_p99_seconds{job=~"$job"}', legend: '{{job}} {{instance}}' }],
      },
    ],
  },
];

/** The metric names a PromQL expression reads (histogram suffixes taken back to the metric). */
export function metricsRead(expr: string): string[] {
  return [...expr.matchAll(/\b((?:relay|process|nodejs)_[a-z0-9_]+)/g)].map(([, name]) =>
    (name as string).replace(/_(bucket|sum|count)$/, ''),
  );
}

/** The data source chosen in the dashboard's `datasource` variable. */
const DATASOURCE = { type: 'prometheus', uid: '$datasource' };
const PANEL_WIDTH = 12;
const PANEL_HEIGHT = 8;

/** The dashboard as Grafana imports it (schema version 39). */
export function grafanaDashboard(): object {
  const panels: object[] = [];
  let id = 1;
  let y = 0;
  for (const row of DASHBOARD_ROWS) {
    panels.push({
      id: id++,
      type: 'row',
      title: row.title,
      collapsed: false,
      gridPos: { h: 1, w: 24, x: 0, y },
    });
    y += 1;
    row.panels.forEach((panel, index) => {
      panels.push({
        id: id++,
        type: 'timeseries',
        title: panel.title,
        description: panel.description,
        datasource: DATASOURCE,
        fieldConfig: { defaults: { unit: panel.unit }, overrides: [] },
        options: { legend: { displayMode: 'list', placement: 'bottom' }, tooltip: { mode: 'multi' } },
        gridPos: {
          h: PANEL_HEIGHT,
          w: PANEL_WIDTH,
          x: (index % 2) * PANEL_WIDTH,
          y: y + Math.floor(index / 2) * PANEL_HEIGHT,
        },
        targets: panel.queries.map((query, n) => ({
          refId: String.fromCharCode(65 + n),
          expr: query.expr,
          legendFormat: query.legend,
          datasource: DATASOURCE,
        })),
      });
    });
    y += Math.ceil(row.panels.length / 2) * PANEL_HEIGHT;
  }
  return {
    title: 'Event relay',
    uid: 'event-relay',
    description: 'Generated by `npm run docs:generate` from stack/src/docs/grafana-dashboard.ts.',
    tags: ['relay', 'kafka'],
    timezone: 'browser',
    schemaVersion: 39,
    version: 1,
    refresh: '30s',
    time: { from: 'now-6h', to: 'now' },
    templating: {
      list: [
        { name: 'datasource', type: 'datasource', query: 'prometheus', label: 'Prometheus' },
        {
          name: 'job',
          type: 'query',
          label: 'Job',
          datasource: DATASOURCE,
          query: 'label_values(process_resident_memory_bytes, job)',
          includeAll: true,
          multi: true,
          current: { text: 'All', value: '$__all' },
        },
      ],
    },
    panels,
  };
}
