import { fileURLToPath } from 'node:url';

/** The monorepo root (or the directory given on the command line, for tests). */
export function repositoryRoot(given: string | undefined): string {
  return given ?? fileURLToPath(new URL('../../../../', import.meta.url));
}
