import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cannotRead } from '../avro/compatibility.ts';
import { generateArtefacts } from './artefacts.ts';

export interface CheckProblem {
  readonly path: string;
  readonly problem: string;
}

function git(root: string, args: readonly string[]): string {
  return execFileSync('git', ['-C', root, ...args], {
    encoding: 'utf8',
    timeout: 30_000,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
}

function isGitRepository(root: string): boolean {
  try {
    git(root, ['rev-parse', '--git-dir']);
    return true;
  } catch {
    return false;
  }
}

/** Every version of a file ever committed, newest first. */
function committedVersions(root: string, path: string): { commit: string; content: string }[] {
  const commits = git(root, ['log', '--format=%H', '--', path]).split('\n').filter(Boolean);
  return commits.flatMap((commit) => {
    try {
      return [{ commit, content: git(root, ['show', `${commit}:${path}`]) }];
    } catch {
      return []; // the commit deleted the file
    }
  });
}

/**
 * The artefacts on disk must be exactly what the definitions generate (no drift), and every
 * schema must read every version of itself ever committed (BACKWARD_TRANSITIVE): a breaking
 * change needs a new major topic, never a change in place.
 */
export function checkArtefacts(root: string): CheckProblem[] {
  const problems: CheckProblem[] = [];
  const generated = generateArtefacts();
  for (const [path, content] of generated) {
    const file = join(root, path);
    if (!existsSync(file))
      problems.push({ path, problem: 'missing: run `npm run schemas:generate` and commit it' });
    else if (readFileSync(file, 'utf8') !== content) {
      problems.push({
        path,
        problem: 'out of date with packages/events: run `npm run schemas:generate` and commit it',
      });
    }
  }
  const schemasDir = join(root, 'schemas');
  if (existsSync(schemasDir)) {
    for (const name of readdirSync(schemasDir)) {
      const path = `schemas/${name}`;
      if (name.endsWith('.avsc') && !generated.has(path)) {
        problems.push({
          path,
          problem: 'no event definition generates it: a topic is never removed in place',
        });
      }
    }
  }
  if (!isGitRepository(root)) return problems;
  for (const [path, content] of generated) {
    if (!path.endsWith('.avsc')) continue;
    const reader = JSON.parse(content) as object;
    for (const version of committedVersions(root, path)) {
      let writer: object;
      try {
        writer = JSON.parse(version.content) as object;
      } catch {
        continue;
      }
      const reason = cannotRead(reader, writer);
      if (reason !== undefined) {
        problems.push({
          path,
          problem: `not BACKWARD compatible with the version of commit ${version.commit.slice(0, 12)}: ${reason}. Publish the change as a new major topic (bump the event's version).`,
        });
      }
    }
  }
  return problems;
}
