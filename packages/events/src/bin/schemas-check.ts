import { checkArtefacts } from '../generate/check.ts';
import { repositoryRoot } from './repository-root.ts';

/** `npm run schemas:check`: fails on drift or on a change that is not backward compatible. */
const root = repositoryRoot(process.argv[2]);
const problems = checkArtefacts(root);
if (problems.length === 0) {
  process.stdout.write(
    'schemas:check: the generated artefacts are up to date and every schema is backward compatible\n',
  );
} else {
  for (const { path, problem } of problems) console.error(`${path}: ${problem}`);
  console.error(`schemas:check: ${problems.length} problem${problems.length === 1 ? '' : 's'}`);
  process.exitCode = 1;
}
