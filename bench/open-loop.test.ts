import { spawnSync } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { openLoop, sender } from './open-loop.ts';

interface Arrival {
  readonly at: number;
  readonly body: string;
  readonly headers: IncomingMessage['headers'];
}

const servers: ReturnType<typeof createServer>[] = [];

/** A loopback HTTP server recording each request; `answer` decides what happens to it. */
async function server(answer: (response: ServerResponse) => void) {
  const arrivals: Arrival[] = [];
  const http = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      arrivals.push({
        at: performance.now(),
        body: Buffer.concat(chunks).toString(),
        headers: request.headers,
      });
      answer(response);
    });
  });
  servers.push(http);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/webhooks`, arrivals };
}

const accepted = (response: ServerResponse) => response.writeHead(202, { 'content-length': '2' }).end('{}');

afterEach(async () => {
  for (const http of servers.splice(0)) {
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
  }
});

const hasGo = spawnSync('go', ['version']).status === 0;

// The sender is a Go program built on first use; without Go the benchmark cannot run either.
describe.skipIf(!hasGo)('the open-loop sender', () => {
  beforeAll(async () => {
    await sender();
  }, 300_000);

  test('sends every request once, spread over the phase, each with the headers and its own sequence number', async () => {
    const { url, arrivals } = await server(accepted);
    const result = await openLoop({
      url,
      rate: 200,
      seconds: 1,
      connections: 20,
      headers: { 'content-type': 'application/json', 'x-bench': 'open-loop' },
      bodyTemplate: '{"request_id":"r-{{seq}}"}',
    });

    expect(result).toMatchObject({ sent: 200, statuses: { 202: 200 }, errors: 0, skipped: 0 });
    expect(arrivals.map(({ body }) => body).sort()).toEqual(
      Array.from({ length: 200 }, (_, seq) => `{"request_id":"r-${seq}"}`).sort(),
    );
    expect(arrivals.every(({ headers }) => headers['x-bench'] === 'open-loop')).toBe(true);
    // Evenly over the second, not a burst as each second starts (autocannon's overallRate).
    const times = arrivals.map(({ at }) => at);
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThan(800);
  });

  test("puts a slow server's delay in every latency", async () => {
    const { url } = await server((response) => setTimeout(() => accepted(response), 50));
    const result = await openLoop({
      url,
      rate: 100,
      seconds: 0.5,
      connections: 20,
      headers: {},
      bodyTemplate: '{}',
    });

    expect(result).toMatchObject({ sent: 50, statuses: { 202: 50 }, errors: 0 });
    expect(result.p50).toBeGreaterThanOrEqual(50);
    expect(result.maxFromSend).toBeGreaterThanOrEqual(50);
  });

  test('does not queue a request due while every connection is busy: it is skipped and counted slower than any answer', async () => {
    const { url, arrivals } = await server(() => {});
    const result = await openLoop({
      url,
      rate: 100,
      seconds: 0.3,
      connections: 3,
      timeoutMs: 1_000,
      headers: {},
      bodyTemplate: '{}',
    });

    expect(arrivals).toHaveLength(3);
    expect(result).toMatchObject({ sent: 30, skipped: 27, errors: 3, statuses: {} });
    expect(result.p50).toBe(Number.POSITIVE_INFINITY);
  });

  test('refuses a target that is not loopback', async () => {
    await expect(
      openLoop({
        url: 'http://192.0.2.1:80/',
        rate: 1,
        seconds: 1,
        connections: 1,
        headers: {},
        bodyTemplate: '{}',
      }),
    ).rejects.toThrow(/only loopback targets/);
  });
});
