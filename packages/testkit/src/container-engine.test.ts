import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { ensureContainerEngine, socketAnswers, useAvailableContainerEngine } from './container-engine.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'relay-engine-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** An HTTP server on a Unix socket: an engine's API answering `/_ping`, or one that never answers. */
async function socketServer(answer: boolean): Promise<string> {
  const socketPath = join(await tempDir(), 'engine.sock');
  const server: Server = createServer((request, response) => {
    if (answer) response.end(request.url === '/_ping' ? 'OK' : '');
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  cleanups.push(() => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  });
  return socketPath;
}

const podmanInstalled = (() => {
  try {
    execFileSync('podman', ['--version'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
})();

describe('useAvailableContainerEngine', () => {
  test('never overrides settings the user made', () => {
    const env: NodeJS.ProcessEnv = {
      DOCKER_HOST: 'unix:///run/podman/podman.sock',
      TESTCONTAINERS_RYUK_DISABLED: 'false',
      TESTCONTAINERS_HOST_OVERRIDE: '::1',
    };
    useAvailableContainerEngine(env);
    expect(env).toEqual({
      DOCKER_HOST: 'unix:///run/podman/podman.sock',
      TESTCONTAINERS_RYUK_DISABLED: 'false',
      TESTCONTAINERS_HOST_OVERRIDE: '::1',
    });
  });

  test('disables the reaper on Podman, whose image cannot be pulled here', () => {
    const env: NodeJS.ProcessEnv = { DOCKER_HOST: 'unix:///run/podman/podman.sock' };
    useAvailableContainerEngine(env);
    expect(env['TESTCONTAINERS_RYUK_DISABLED']).toBe('true');
    expect(env['TESTCONTAINERS_HOST_OVERRIDE']).toBe('127.0.0.1');
  });

  test.runIf(!existsSync('/var/run/docker.sock') && existsSync('/run/podman/podman.sock'))(
    'finds the Podman socket when DOCKER_HOST is unset and no Docker engine is there',
    () => {
      const env: NodeJS.ProcessEnv = {};
      useAvailableContainerEngine(env);
      expect(env['DOCKER_HOST']).toBe('unix:///run/podman/podman.sock');
    },
  );
});

describe('socketAnswers', () => {
  test('is true when an API answers /_ping on the socket', async () => {
    expect(await socketAnswers(await socketServer(true))).toBe(true);
  });

  test('is false for a socket that is not there', async () => {
    expect(await socketAnswers(join(await tempDir(), 'none.sock'))).toBe(false);
  });

  test('is false, within its timeout, for a socket that never answers', async () => {
    expect(await socketAnswers(await socketServer(false), 200)).toBe(false);
  });
});

describe('ensureContainerEngine', () => {
  test('starts nothing when the chosen Podman socket answers', async () => {
    const podmanSocket = await socketServer(true);
    const logFile = join(await tempDir(), 'service.log');
    const env: NodeJS.ProcessEnv = { DOCKER_HOST: `unix://${podmanSocket}` };

    expect(await ensureContainerEngine({ env, podmanSocket, logFile })).toEqual({ started: false });
    expect(existsSync(logFile)).toBe(false);
  });

  test("leaves a DOCKER_HOST of the user's to testcontainers, answering or not", async () => {
    const dir = await tempDir();
    const env: NodeJS.ProcessEnv = { DOCKER_HOST: `unix://${join(dir, 'docker.sock')}` };
    const podmanSocket = join(dir, 'podman.sock');

    expect(await ensureContainerEngine({ env, podmanSocket, logFile: join(dir, 'service.log') })).toEqual({
      started: false,
    });
    expect(env['DOCKER_HOST']).toBe(`unix://${join(dir, 'docker.sock')}`);
    expect(existsSync(podmanSocket)).toBe(false);
  });

  test.runIf(podmanInstalled && !existsSync('/var/run/docker.sock'))(
    "starts Podman's API service when Podman is installed and its socket does not answer (after a reboot)",
    async () => {
      const dir = await tempDir();
      const podmanSocket = join(dir, 'run', 'podman.sock');
      const logFile = join(dir, 'service.log');
      const env: NodeJS.ProcessEnv = {};

      const state = await ensureContainerEngine({ env, podmanSocket, logFile });
      if (state.started) cleanups.push(() => void process.kill(state.pid));

      expect(state.started).toBe(true);
      expect(await socketAnswers(podmanSocket)).toBe(true);
      expect(env['DOCKER_HOST']).toBe(`unix://${podmanSocket}`);
      expect(await ensureContainerEngine({ env, podmanSocket, logFile })).toEqual({ started: false });
    },
    30_000,
  );
});
