import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('..', import.meta.url));

// Each case runs in a Node process of its own: which filter kafkajs uses is fixed when it first loads.
async function inFreshNode(code: string): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, ['--input-type=module', '--eval', code], { cwd: packageDir, timeout: 20_000 });
}

// What kafkajs's consumer builds from a fetched partition: two producers' transactions, the one started
// first aborted last, then a committed record. Prints the values a consumer would be given.
const batchOfInterleavedAborts = `
  const { createRequire } = await import('node:module');
  const Batch = createRequire(process.cwd() + '/')('kafkajs/src/consumer/batch.js');
  const record = (offset, producerId, value, control = false) => ({
    offset: String(offset), key: control ? Buffer.from([0, 0, 0, 0]) : Buffer.from('k'), value,
    isControlRecord: control, batchContext: { producerId, inTransaction: control || producerId !== '3' },
  });
  const batch = new Batch('t', '0', {
    partition: 0, highWatermark: '7',
    abortedTransactions: [{ producerId: '2', firstOffset: '1' }, { producerId: '1', firstOffset: '0' }],
    messages: [record(0, '1', 'first started'), record(1, '2', 'second started'), record(2, '2', null, true),
      record(3, '1', 'first, later'), record(4, '1', null, true), record(5, '3', 'committed')],
  });
  console.log(JSON.stringify(batch.messages.map((m) => m.value)));
`;

describe('@relay/kafkajs', () => {
  test("kafkajs's own filter gives read-committed consumers a record of an aborted transaction", async () => {
    const { stdout } = await inFreshNode(batchOfInterleavedAborts);

    expect(JSON.parse(stdout)).toEqual(['first started', 'committed']);
  });

  test("importing it first puts Kafka's filtering in kafkajs's consumer", async () => {
    const { stdout } = await inFreshNode(`await import('@relay/kafkajs'); ${batchOfInterleavedAborts}`);

    expect(JSON.parse(stdout)).toEqual(['committed']);
  });

  test('importing it after kafkajs has loaded fails, saying why', async () => {
    const attempt = inFreshNode(`await import('kafkajs'); await import('@relay/kafkajs');`);

    await expect(attempt).rejects.toMatchObject({
      stderr: expect.stringContaining('kafkajs was loaded before @relay/kafkajs'),
    });
  });

  test("gives kafkajs's values under their names, ConfigResourceTypes too, and kafkajs itself as the default", async () => {
    const { stdout } = await inFreshNode(`
      const relay = await import('@relay/kafkajs');
      console.log(JSON.stringify([typeof relay.Kafka, relay.logLevel.INFO, relay.ConfigResourceTypes.TOPIC, typeof relay.default.KafkaJSError]));
    `);

    expect(JSON.parse(stdout)).toEqual(['function', 4, 2, 'function']);
  });
});
