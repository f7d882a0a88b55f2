import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Stands in, locally, for the fulfilment endpoint that delivers ifg and normal prizes: accepts
 * each one (honouring Idempotency-Key) and logs it, so the whole path can be tried on a laptop.
 */
export async function startFulfilmentStub(
  log: (line: string) => void,
): Promise<{ url: string; server: Server }> {
  const delivered = new Map<string, string>();
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const key = String(request.headers['idempotency-key'] ?? `call-${delivered.size}`);
    let reference = delivered.get(key);
    if (reference === undefined) {
      reference = `stub-${delivered.size + 1}`;
      delivered.set(key, reference);
      log(`fulfilment stub: delivered ${Buffer.concat(chunks).toString()} as ${reference}`);
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ reference }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/prizes`, server };
}
