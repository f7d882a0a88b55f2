import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { request } from 'node:http';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

const PODMAN_SOCKET = '/run/podman/podman.sock';
const DOCKER_SOCKET = '/var/run/docker.sock';
const PING_TIMEOUT_MS = 3_000;
const DEFAULT_START_TIMEOUT_MS = 15_000;

/**
 * Points testcontainers at Podman's Docker-compatible socket when no Docker engine is there,
 * and switches off the Ryuk reaper, whose image cannot be pulled on machines without a
 * registry (the containers are stopped explicitly instead). Explicit settings always win.
 */
export function useAvailableContainerEngine(
  env: NodeJS.ProcessEnv = process.env,
  podmanSocket: string = PODMAN_SOCKET,
): void {
  if (env['DOCKER_HOST'] === undefined && !existsSync(DOCKER_SOCKET) && existsSync(podmanSocket)) {
    env['DOCKER_HOST'] = `unix://${podmanSocket}`;
  }
  if (env['DOCKER_HOST']?.includes('podman')) {
    env['TESTCONTAINERS_RYUK_DISABLED'] ??= 'true';
  }
  // Keeps test traffic on loopback, whatever the engine reports as its host.
  env['TESTCONTAINERS_HOST_OVERRIDE'] ??= '127.0.0.1';
}

export interface EnsureContainerEngineOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Where Podman's API is served; `npm run setup:infra` serves it at /run/podman/podman.sock. */
  readonly podmanSocket?: string;
  /** The started service's output; by default podman-service.log in RELAY_CACHE_DIR (~/.cache/relay). */
  readonly logFile?: string;
  readonly startTimeoutMs?: number;
}

/** What `ensureContainerEngine` found: an engine answering, or the Podman service it started. */
export type EngineState = { readonly started: false } | { readonly started: true; readonly pid: number };

/**
 * `useAvailableContainerEngine`, after starting Podman's API service where Podman is installed,
 * no other engine is chosen and the service is not running. `npm run setup:infra` starts that
 * service, but on machines without systemd (which would start it on demand through its socket)
 * nothing restarts it after a reboot, and `npm start`, the tests and the benchmarks would then
 * fail with testcontainers' "Could not find a working container runtime strategy". Anything else
 * (Docker, a DOCKER_HOST of the user's, no Podman) is left to testcontainers, which knows more
 * places to look for an engine than this does.
 */
export async function ensureContainerEngine(
  options: EnsureContainerEngineOptions = {},
): Promise<EngineState> {
  const env = options.env ?? process.env;
  const podmanSocket = options.podmanSocket ?? PODMAN_SOCKET;
  const given = env['DOCKER_HOST'];
  const podmanChosen = given === undefined ? !existsSync(DOCKER_SOCKET) : given === `unix://${podmanSocket}`;
  let state: EngineState = { started: false };
  if (podmanChosen && !(await socketAnswers(podmanSocket)) && (await podmanInstalled())) {
    const logFile =
      options.logFile ??
      join(env['RELAY_CACHE_DIR'] ?? join(homedir(), '.cache', 'relay'), 'podman-service.log');
    const service = startPodmanService(podmanSocket, logFile);
    await waitUntilAnswering(
      service,
      podmanSocket,
      options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS,
      logFile,
    );
    // No pid with the API answering: our start failed, and another one (a second test run) won the race.
    if (service.pid !== undefined) state = { started: true, pid: service.pid };
  }
  useAvailableContainerEngine(env, podmanSocket);
  return state;
}

/** Whether a Docker-compatible API answers `GET /_ping` on this Unix socket. */
export function socketAnswers(socketPath: string, timeoutMs = PING_TIMEOUT_MS): Promise<boolean> {
  if (!existsSync(socketPath)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const ping = request({ socketPath, path: '/_ping', timeout: timeoutMs }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    ping.on('timeout', () => ping.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    ping.on('error', () => resolve(false));
    ping.end();
  });
}

function podmanInstalled(): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('podman', ['--version'], { timeout: 10_000 }, (error) => resolve(error === null));
  });
}

/** As `npm run setup:infra` does: detached, never timing out, its output in a log of its own. */
function startPodmanService(socketPath: string, logFile: string): ChildProcess {
  mkdirSync(dirname(socketPath), { recursive: true });
  mkdirSync(dirname(logFile), { recursive: true });
  const log = openSync(logFile, 'a');
  const service = spawn('podman', ['system', 'service', '--time=0', `unix://${socketPath}`], {
    detached: true,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  // A spawn that failed leaves no pid, which waitUntilAnswering reports with the log's path.
  service.once('error', () => {});
  service.unref();
  return service;
}

async function waitUntilAnswering(
  service: ChildProcess,
  socketPath: string,
  timeoutMs: number,
  logFile: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await socketAnswers(socketPath))) {
    if (service.pid === undefined || service.exitCode !== null || service.signalCode !== null) {
      throw new Error(
        `podman system service stopped before its API answered on ${socketPath}; see ${logFile}`,
      );
    }
    if (Date.now() > deadline) {
      service.kill();
      throw new Error(`Podman's API did not answer on ${socketPath} within ${timeoutMs} ms; see ${logFile}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
