import { afterEach, describe, expect, it } from 'vitest';
import { startEndpointStandIn } from './endpoint-stand-in.ts';

const started: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((standIn) => standIn.close()));
});

async function deliver(url: string, key: string): Promise<{ status: number; reference: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify({ prize: 'x' }),
    signal: AbortSignal.timeout(5_000),
  });
  const body = (await response.json()) as { reference: string };
  return { status: response.status, reference: body.reference };
}

describe('the fulfilment endpoint stand-in', () => {
  it('answers the same reference for the same Idempotency-Key, and delivers it once', async () => {
    const delivered: string[] = [];
    const standIn = await startEndpointStandIn({ log: (line) => delivered.push(line) });
    started.push(standIn);
    const { url } = standIn;

    const first = await deliver(url, 'event-1:0');
    const again = await deliver(url, 'event-1:0');

    expect(first).toEqual({ status: 200, reference: 'stand-in-1' });
    expect(again).toEqual(first);
    expect(delivered).toHaveLength(1);
  });

  it('answers a new reference for another key', async () => {
    const standIn = await startEndpointStandIn();
    started.push(standIn);
    const { url } = standIn;

    const first = await deliver(url, 'event-1:0');
    const second = await deliver(url, 'event-2:0');

    expect(second.reference).not.toBe(first.reference);
  });

  it('answers its health check, which the service image HEALTHCHECK asks', async () => {
    const standIn = await startEndpointStandIn();
    started.push(standIn);
    const { url } = standIn;

    const response = await fetch(new URL('/healthz', url), { signal: AbortSignal.timeout(5_000) });

    expect(response.status).toBe(200);
  });
});
