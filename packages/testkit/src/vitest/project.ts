import { defineProject, type UserWorkspaceConfig } from 'vitest/config';

/**
 * The vitest project every package of the monorepo uses, so that timeouts and file naming are
 * the same everywhere. Timeouts leave room for a shared, busy 2-core machine and the real
 * broker; the root config runs all projects against one cluster.
 */
export function relayProject(name: string, include: string[] = ['src/**/*.test.ts']): UserWorkspaceConfig {
  return defineProject({
    test: {
      name,
      include,
      testTimeout: 30_000,
      hookTimeout: 60_000,
      // kafkajs schedules its request queue's next check with a negative delay when nothing is
      // throttled: Node waits 1 ms, as meant, and warns once per process (the npm scripts pass the same flag).
      execArgv: ['--disable-warning=TimeoutNegativeWarning'],
    },
  });
}
