import { existsSync } from 'node:fs';

const PODMAN_SOCKET = '/run/podman/podman.sock';
const DOCKER_SOCKET = '/var/run/docker.sock';

/**
 * Points testcontainers at Podman's Docker-compatible socket when no Docker engine is there,
 * and switches off the Ryuk reaper, whose image cannot be pulled on machines without a
 * registry (the containers are stopped explicitly instead). Explicit settings always win.
 */
export function useAvailableContainerEngine(env: NodeJS.ProcessEnv = process.env): void {
  if (env['DOCKER_HOST'] === undefined && !existsSync(DOCKER_SOCKET) && existsSync(PODMAN_SOCKET)) {
    env['DOCKER_HOST'] = `unix://${PODMAN_SOCKET}`;
  }
  if (env['DOCKER_HOST']?.includes('podman')) {
    env['TESTCONTAINERS_RYUK_DISABLED'] ??= 'true';
  }
  // Keeps test traffic on loopback, whatever the engine reports as its host.
  env['TESTCONTAINERS_HOST_OVERRIDE'] ??= '127.0.0.1';
}
