import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from '../vitest/index.ts';

const script = fileURLToPath(new URL('./dev-stack.ts', import.meta.url));

test('npm start prints the addresses, then stops cleanly on Ctrl-C', async ({ cluster }) => {
  const child = spawn(process.execPath, [script], {
    env: {
      ...process.env,
      KAFKA_BROKERS: cluster.brokers.join(','),
      SCHEMA_REGISTRY_URL: cluster.schemaRegistryUrl,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    if (output.includes('Press Ctrl-C')) child.kill('SIGINT');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });

  const exitCode = await new Promise<number | null>((resolve) => child.on('exit', resolve));

  expect(output).toContain(`KAFKA_BROKERS=${cluster.brokers.join(',')}`);
  expect(output).toContain(`SCHEMA_REGISTRY_URL=${cluster.schemaRegistryUrl}`);
  expect(output).toContain('Stopped.');
  expect(exitCode).toBe(0);
});
