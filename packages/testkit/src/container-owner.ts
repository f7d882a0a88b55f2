import { hostname } from 'node:os';
import { getContainerRuntimeClient } from 'testcontainers';

const HOST_LABEL = 'org.relay.testkit.host';
const PID_LABEL = 'org.relay.testkit.pid';
/** Set by CI (from `RELAY_TEST_RUN`) so it can find exactly the containers its run started. */
export const RUN_LABEL = 'org.relay.testkit.run';

/**
 * Labels naming the process that owns a container. With the Ryuk reaper off (Podman), a run
 * killed before its clean-up would leave its containers behind for ever; these labels let the
 * next run find and remove them, and let CI tell its own containers from anyone else's.
 */
export function containerOwnerLabels(
  env: NodeJS.ProcessEnv = process.env,
  pid: number = process.pid,
): Record<string, string> {
  const run = env['RELAY_TEST_RUN']?.trim();
  return { [HOST_LABEL]: hostname(), [PID_LABEL]: String(pid), ...(run ? { [RUN_LABEL]: run } : {}) };
}

/** The `--label` arguments of a `podman run` / `docker run` carrying the owner labels. */
export function containerOwnerArgs(env: NodeJS.ProcessEnv = process.env): string[] {
  return Object.entries(containerOwnerLabels(env)).flatMap(([name, value]) => [
    '--label',
    `${name}=${value}`,
  ]);
}

/** Whether a container's labels name an owner process on this host that no longer runs. */
export function isOrphaned(labels: Readonly<Record<string, string>>, isAlive = processIsAlive): boolean {
  if (labels[HOST_LABEL] !== hostname()) return false;
  const pid = Number(labels[PID_LABEL]);
  return Number.isInteger(pid) && pid > 0 && !isAlive(pid);
}

/** Removes the containers left by test processes of this host that have died; returns their ids. */
export async function removeOrphanedContainers(): Promise<string[]> {
  const client = await getContainerRuntimeClient();
  const labelled = await client.container.dockerode.listContainers({
    all: true,
    filters: { label: [HOST_LABEL] },
  });
  const orphans = labelled.filter((info) => isOrphaned(info.Labels ?? {}));
  await Promise.all(
    orphans.map((info) => client.container.getById(info.Id).remove({ force: true, v: true })),
  );
  return orphans.map((info) => info.Id);
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
