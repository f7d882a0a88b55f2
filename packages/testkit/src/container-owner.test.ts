import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { getContainerRuntimeClient } from 'testcontainers';
import { containerOwnerLabels, isOrphaned, RUN_LABEL, removeOrphanedContainers } from './container-owner.ts';
import { imagesFromEnv } from './images.ts';
import { describe, expect, test } from './vitest/index.ts';

/** The pid of a process that has run and exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '0']);
  if (child.pid === undefined) throw new Error('could not start a process');
  return child.pid;
}

describe('container owner labels', () => {
  test('name this host and process, and the CI run when RELAY_TEST_RUN is set', () => {
    expect(containerOwnerLabels({ RELAY_TEST_RUN: 'ci-42' }, 1234)).toEqual({
      'org.relay.testkit.host': hostname(),
      'org.relay.testkit.pid': '1234',
      [RUN_LABEL]: 'ci-42',
    });
    expect(containerOwnerLabels({}, 1234)).not.toHaveProperty(RUN_LABEL);
  });

  test('a container is orphaned only when its owner ran on this host and is gone', () => {
    const gone = () => false;
    expect(isOrphaned(containerOwnerLabels({}, 1234), gone)).toBe(true);
    expect(isOrphaned(containerOwnerLabels({}, 1234), () => true)).toBe(false);
    expect(
      isOrphaned({ ...containerOwnerLabels({}, 1234), 'org.relay.testkit.host': 'elsewhere' }, gone),
    ).toBe(false);
    expect(isOrphaned({}, gone)).toBe(false);
  });
});

describe('removeOrphanedContainers', () => {
  test('removes the containers of a test process that died, and keeps those of a living one', async () => {
    const client = await getContainerRuntimeClient();
    const create = (pid: number) =>
      client.container.create({
        Image: imagesFromEnv().schemaRegistry,
        Labels: containerOwnerLabels({}, pid),
      });
    const orphan = await create(deadPid());
    const owned = await create(process.pid);
    try {
      const removed = await removeOrphanedContainers();

      expect(removed).toContain(orphan.id);
      expect(removed).not.toContain(owned.id);
      const ids = (await client.container.dockerode.listContainers({ all: true })).map((info) => info.Id);
      expect(ids).not.toContain(orphan.id);
      expect(ids).toContain(owned.id);
    } finally {
      await Promise.allSettled([orphan.remove({ force: true }), owned.remove({ force: true })]);
    }
  });
});
