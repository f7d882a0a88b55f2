import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface EndpointAnswer {
  readonly status: number;
  readonly delayMs?: number;
}

export interface TestEndpoint {
  readonly url: string;
  /** Calls received, by event_id. */
  readonly calls: Map<string, number>;
  /** Prizes actually delivered (2xx answered to a key not seen delivered before), by event_id. */
  readonly deliveries: Map<string, number>;
  close(): Promise<void>;
}

/**
 * A real fulfilment endpoint on 127.0.0.1 that answers as `answer` says, honouring
 * Idempotency-Key as a real one would: a key already delivered is answered 200 again, not redelivered.
 */
export async function startTestEndpoint(
  answer: (body: { event_id: string; prize_id: string | null }, call: number) => EndpointAnswer,
): Promise<TestEndpoint> {
  const calls = new Map<string, number>();
  const deliveries = new Map<string, number>();
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString()) as {
      event_id: string;
      prize_id: string | null;
    };
    const call = (calls.get(body.event_id) ?? 0) + 1;
    calls.set(body.event_id, call);
    const key = request.headers['idempotency-key'];
    const reference = `ref-${body.event_id}`;
    if (typeof key === 'string' && deliveries.has(key)) {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ reference }));
      return;
    }
    const { status, delayMs = 0 } = answer(body, call);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    if (status >= 200 && status < 300)
      deliveries.set(body.event_id, (deliveries.get(body.event_id) ?? 0) + 1);
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ reference }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/prizes`,
    calls,
    deliveries,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
