import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StandInOptions {
  readonly port?: number;
  readonly host?: string;
  /** Told of each prize delivered for the first time. */
  readonly log?: (line: string) => void;
}

/**
 * Stands in for the fulfilment endpoint that delivers ifg and normal prizes, for local runs and
 * the compose stack: accepts each prize once per Idempotency-Key and answers its reference.
 * A real deployment points FULFILMENT_ENDPOINT_URL at its own endpoint instead.
 */
export async function startEndpointStandIn(
  options: StandInOptions = {},
): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const delivered = new Map<string, string>();
  const server = createServer(
    { requestTimeout: 10_000, headersTimeout: 5_000 },
    async (request, response) => {
      // The service image's HEALTHCHECK asks /healthz on PORT, so the stand-in answers it too.
      if (request.method === 'GET' && request.url === '/healthz') {
        response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
        return;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const key = String(request.headers['idempotency-key'] ?? `call-${delivered.size}`);
      let reference = delivered.get(key);
      if (reference === undefined) {
        reference = `stand-in-${delivered.size + 1}`;
        delivered.set(key, reference);
        options.log?.(`fulfilment stand-in: delivered ${Buffer.concat(chunks).toString()} as ${reference}`);
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ reference }));
    },
  );
  server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/prizes`,
    server,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        // The service keeps connections alive between prizes; they must not hold the stop up.
        server.closeIdleConnections();
      }),
  };
}
