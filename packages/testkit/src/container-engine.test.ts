import { existsSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { useAvailableContainerEngine } from './container-engine.ts';

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
