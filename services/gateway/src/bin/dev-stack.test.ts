import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, test } from '@relay/testkit/vitest';

const script = fileURLToPath(new URL('./dev-stack.ts', import.meta.url));

test('npm start provisions, serves the gateway, prints a curl that works, and stops on Ctrl-C', async ({
  cluster,
}) => {
  const child = spawn(process.execPath, ['--disable-warning=TimeoutNegativeWarning', script], {
    env: {
      ...process.env,
      KAFKA_BROKERS: cluster.brokers.join(','),
      SCHEMA_REGISTRY_URL: cluster.schemaRegistryUrl,
      PORT: '0',
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

  const curl = output.split('\n').find((line) => line.trim().startsWith('curl '));
  expect(curl, output).toBeDefined();
  const { stdout } = await promisify(execFile)('sh', ['-c', `${curl?.trim()} -w '\\n%{http_code}'`], {
    timeout: 20_000,
  });
  const status = stdout.trim().split('\n').at(-1);
  expect(['200', '202']).toContain(status);

  child.kill('SIGINT');
  expect(await exited).toBe(0);
  expect(output).toContain('Stopped.');
}, 90_000);
