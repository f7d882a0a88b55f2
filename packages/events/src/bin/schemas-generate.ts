import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generateArtefacts } from '../generate/artefacts.ts';
import { repositoryRoot } from './repository-root.ts';

/** `npm run schemas:generate`: writes schemas/*.avsc, docs/events.md and docs/asyncapi.json. */
const root = repositoryRoot(process.argv[2]);
for (const [path, content] of generateArtefacts()) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
  process.stdout.write(`wrote ${path}\n`);
}
