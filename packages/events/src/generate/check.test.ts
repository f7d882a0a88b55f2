import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { events } from '../catalogue.ts';
import { generateArtefacts, schemaFileOf } from './artefacts.ts';

const checkCommand = fileURLToPath(new URL('../bin/schemas-check.ts', import.meta.url));
const instantWinFile = schemaFileOf(events.instantWin);
const roots: string[] = [];

function git(root: string, ...args: string[]): void {
  execFileSync('git', ['-C', root, '-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args], {
    stdio: 'ignore',
  });
}

function write(root: string, files: ReadonlyMap<string, string>): void {
  for (const [path, content] of files) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

/** A repository holding the generated artefacts, with `history` committed before them. */
function repository(history: readonly ReadonlyMap<string, string>[] = []): string {
  const root = mkdtempSync(join(tmpdir(), 'schemas-check-'));
  roots.push(root);
  git(root, 'init', '-q');
  for (const files of [...history, generateArtefacts()]) {
    write(root, files);
    git(root, 'add', '-A');
    git(root, 'commit', '-q', '-m', 'version');
  }
  return root;
}

function check(root: string): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, [checkCommand, root], { encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, output: run.stdout + run.stderr };
}

afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe('npm run schemas:check', () => {
  test('passes when the artefacts are generated and every committed version is readable', () => {
    expect(check(repository())).toMatchObject({ status: 0 });
  });

  test('fails on drift: an artefact that differs from what the definitions generate', () => {
    const root = repository();
    writeFileSync(join(root, 'docs/events.md'), '# edited by hand\n');

    const { status, output } = check(root);

    expect(status).toBe(1);
    expect(output).toContain('docs/events.md: out of date');
  });

  test('fails on a change that cannot read a committed version of the schema', () => {
    const current = JSON.parse(generateArtefacts().get(instantWinFile) ?? '{}');
    const older = {
      ...current,
      fields: current.fields.map((field: { name: string }) =>
        field.name === 'prize_value' ? { name: 'prize_value', type: 'double' } : field,
      ),
    };
    const root = repository([new Map([[instantWinFile, `${JSON.stringify(older, null, 2)}\n`]])]);

    const { status, output } = check(root);

    expect(status).toBe(1);
    expect(output).toContain(`${instantWinFile}: not BACKWARD compatible`);
  });

  test('fails when a schema file has no definition any more', () => {
    const root = repository();
    writeFileSync(join(root, 'schemas/adictiz.retired.v1-value.avsc'), '{}\n');

    expect(check(root).output).toContain('no event definition generates it');
  });
});
