/** Prometheus' own process and Node.js metrics, listed once rather than per service. */
const DEFAULT_METRIC = /^(process_|nodejs_)/;

export interface MetricDescription {
  readonly name: string;
  readonly type: string;
  readonly help: string;
}

/** The metrics a `/metrics` answer declares (its `# HELP` and `# TYPE` lines), the defaults left out. */
export function declaredMetrics(exposition: string): MetricDescription[] {
  const help = new Map<string, string>();
  const types = new Map<string, string>();
  for (const line of exposition.split('\n')) {
    const declared = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
    if (declared === null) continue;
    const [, kind, name, text] = declared as unknown as [string, string, string, string];
    (kind === 'HELP' ? help : types).set(name, text);
  }
  return [...types.keys()]
    .filter((name) => !DEFAULT_METRIC.test(name))
    .sort()
    .map((name) => ({ name, type: types.get(name) ?? 'untyped', help: help.get(name) ?? '' }));
}

export function metricsTable(metrics: readonly MetricDescription[]): string {
  const rows = metrics.map(
    (metric) => `| \`${metric.name}\` | ${metric.type} | ${metric.help.replaceAll('|', '\\|')} |`,
  );
  return ['| metric | type | meaning |', '|---|---|---|', ...rows].join('\n');
}
