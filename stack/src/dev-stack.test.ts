import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { eventually } from '@relay/kafka/test-support';
import { listeningSockets } from '@relay/testkit';
import { expect, test } from '@relay/testkit/vitest';

const script = fileURLToPath(new URL('./dev-stack.ts', import.meta.url));

async function sh(command: string): Promise<string> {
  const { stdout } = await promisify(execFile)('sh', ['-c', command], { timeout: 20_000 });
  return stdout;
}

test('npm start runs the system and prints curls that work: a prize fulfilled, a quiz answer on the leaderboard; Ctrl-C stops it', async ({
  cluster,
}) => {
  const child = spawn(process.execPath, ['--disable-warning=TimeoutNegativeWarning', script], {
    env: {
      ...process.env,
      KAFKA_BROKERS: cluster.brokers.join(','),
      SCHEMA_REGISTRY_URL: cluster.schemaRegistryUrl,
      PORT: '0',
      PRIZE_FULFILMENT_PORT: '0',
      QUIZ_SCORING_PORT: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const ready = new Promise<void>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Press Ctrl-C')) resolve();
    });
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  await Promise.race([ready, exited]);

  const curls = output
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('curl '));
  expect(curls, output).toHaveLength(4);
  const [postWin, fulfilmentStatus, postAnswer, leaderboard] = curls as [string, string, string, string];

  // The gateway listens as its own process would, on LISTEN_SOCKETS (8) sockets sharing its port.
  const gatewayPort = Number(/http:\/\/[^:/]+:(\d+)\/webhooks/.exec(postWin)?.[1]);
  if (process.platform === 'linux') expect(listeningSockets(gatewayPort)).toBe(8);

  expect(await sh(`${postWin} -o /dev/null -w '%{http_code}'`)).toBe('202');
  await eventually(
    async () => (await sh(fulfilmentStatus)).includes('"status":"fulfilled"'),
    30_000,
    'the prize fulfilled',
  );

  expect(await sh(`${postAnswer} -o /dev/null -w '%{http_code}'`)).toMatch(/^20[02]$/);
  await eventually(
    async () => (await sh(leaderboard)).includes('"user_id":"5bc6ec5e0231ae50b303be79"'),
    30_000,
    'the player on the leaderboard',
  );

  child.kill('SIGINT');
  expect(await exited).toBe(0);
  expect(output).toContain('Stopped.');
}, 120_000);
