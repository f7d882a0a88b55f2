import { readFileSync, writeFileSync } from 'node:fs';
import { grafanaDashboard } from '../docs/grafana-dashboard.ts';
import { operationsReference, withReference } from '../docs/operations-reference.ts';

/**
 * `npm run docs:generate`: rewrites what is generated from the code: the reference part of
 * docs/operations.md (settings, metrics) and the Grafana dashboard. `-- --check` changes
 * nothing and exits 1 when either is out of date.
 */
const root = new URL('../../../', import.meta.url);
const operations = new URL('docs/operations.md', root);
const dashboard = new URL('infra/grafana/relay-dashboard.json', root);
const read = (file: URL) => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
};
const generated = [
  { file: operations, content: withReference(read(operations), await operationsReference()) },
  { file: dashboard, content: `${JSON.stringify(grafanaDashboard(), null, 2)}\n` },
];
const check = process.argv.includes('--check');
for (const { file, content } of generated) {
  if (content === read(file)) continue;
  const name = file.pathname.slice(root.pathname.length);
  if (check) {
    process.stderr.write(`${name} is out of date: run \`npm run docs:generate\`\n`);
    process.exitCode = 1;
  } else {
    writeFileSync(file, content);
    process.stdout.write(`${name}: regenerated\n`);
  }
}
