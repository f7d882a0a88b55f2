import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { containerOwnerLabels, useAvailableContainerEngine } from '@relay/testkit';

const run = promisify(execFile);

/** A container of the project, as the engine reports it. */
export interface ProjectContainer {
  readonly service: string;
  readonly startedAt: Date;
  readonly finishedAt: Date | undefined;
  readonly running: boolean;
  readonly exitCode: number;
}

export interface ComposeProject {
  readonly name: string;
  /** `compose <args>` for this project; throws with compose's output when it fails. */
  compose(args: readonly string[], timeoutMs?: number): Promise<string>;
  containers(): Promise<ProjectContainer[]>;
  /** What the engine still holds of the project: containers, volumes and networks. */
  leftovers(): Promise<string[]>;
  /** `down --volumes`, then removes the override file. Safe to call twice. */
  down(): Promise<void>;
}

export interface ComposeProjectOptions {
  /** The compose file. */
  readonly file: string;
  /** Variables the compose file reads, on top of this process's environment. */
  readonly variables: Readonly<Record<string, string>>;
  /** The engine's CLI, for inspecting what compose created. */
  readonly cli: string;
}

/** `docker compose` where the plugin exists, else `docker-compose`. */
export async function composeCommand(): Promise<readonly string[]> {
  const plugin = await run('docker', ['compose', 'version'], { timeout: 10_000 }).then(
    () => true,
    () => false,
  );
  return plugin ? ['docker', 'compose'] : ['docker-compose'];
}

/**
 * A compose project of its own (unique name, so it never touches a user's stack), whose
 * containers carry the test process's owner labels through an override file, so that CI's
 * leftover check and the orphan reaping see them like every other test container.
 */
export async function composeProject(options: ComposeProjectOptions): Promise<ComposeProject> {
  const labels = containerOwnerLabels();
  const name = `relay-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const dir = await mkdtemp(join(tmpdir(), 'relay-compose-'));
  const override = join(dir, 'owner-labels.yml');
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.variables };
  useAvailableContainerEngine(env);
  const [command, ...prefix] = await composeCommand();
  const compose = async (args: readonly string[], timeoutMs = 120_000) => {
    try {
      const files = ['-f', options.file, '-f', override];
      const { stdout } = await run(command as string, [...prefix, '-p', name, ...files, ...args], {
        env,
        timeout: timeoutMs,
        maxBuffer: 64 * 1024 * 1024,
      });
      return stdout;
    } catch (error) {
      const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
      throw new Error(`compose ${args.join(' ')} failed:\n${stderr}\n${stdout}`, { cause: error });
    }
  };
  const engine = async (...args: string[]) =>
    (await run(options.cli, args, { env, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 })).stdout.trim();

  const services = (
    await run(command as string, [...prefix, '-f', options.file, 'config', '--services'], {
      env,
      timeout: 60_000,
    })
  ).stdout
    .split('\n')
    .filter(Boolean);
  await writeFile(
    override,
    JSON.stringify({ services: Object.fromEntries(services.map((service) => [service, { labels }])) }),
  );

  const projectFilter = `label=com.docker.compose.project=${name}`;
  let down = false;
  return {
    name,
    compose,
    async containers() {
      const ids = (await engine('ps', '-aq', '--filter', projectFilter)).split('\n').filter(Boolean);
      if (ids.length === 0) return [];
      const inspected = JSON.parse(await engine('inspect', ...ids)) as Array<{
        Config: { Labels: Record<string, string> };
        State: { StartedAt: string; FinishedAt: string; Running: boolean; ExitCode: number };
      }>;
      return inspected.map(({ Config, State }) => {
        const finished = new Date(State.FinishedAt);
        return {
          service: Config.Labels['com.docker.compose.service'] ?? '',
          startedAt: new Date(State.StartedAt),
          finishedAt: State.Running || finished.getUTCFullYear() < 2000 ? undefined : finished,
          running: State.Running,
          exitCode: State.ExitCode,
        };
      });
    },
    async leftovers() {
      const [containers, volumes, networks] = await Promise.all([
        engine('ps', '-aq', '--filter', projectFilter),
        engine('volume', 'ls', '-q', '--filter', projectFilter),
        engine('network', 'ls', '-q', '--filter', projectFilter),
      ]);
      return [containers, volumes, networks].flatMap((list) => list.split('\n').filter(Boolean));
    },
    async down() {
      if (down) return;
      await compose(['down', '--volumes', '--remove-orphans', '--timeout', '30'], 180_000);
      down = true;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
