import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';

export type RawBodyVariables = { rawBody: Uint8Array };

export interface RawBodyOptions {
  readonly maxBytes: number;
  /** The error thrown for a body above `maxBytes`. */
  readonly tooLarge: () => Error;
}

/**
 * Reads the whole body into `rawBody`, refusing more than `maxBytes`: at once when Content-Length
 * says so, or as soon as a chunked body grows past it. A declared length is read through
 * `c.req.arrayBuffer()`, which @hono/node-server serves straight from the socket; touching
 * `c.req.raw.body` (as hono/body-limit does first thing) builds a web Request and stream per
 * request, which cost the gateway more than anything else it does (see bench/gateway.bench.ts).
 */
export function rawBody(options: RawBodyOptions) {
  return createMiddleware<{ Variables: RawBodyVariables }>(async function rawBodyMiddleware(c, next) {
    const declared = c.req.header('content-length');
    if (declared === undefined) {
      c.set('rawBody', await readChunked(c, options));
    } else {
      if (Number(declared) > options.maxBytes) throw options.tooLarge();
      c.set('rawBody', new Uint8Array(await c.req.arrayBuffer()));
    }
    // Returned, not awaited: see "Middleware" in routes/webhooks.ts.
    return next();
  });
}

async function readChunked(c: Context, { maxBytes, tooLarge }: RawBodyOptions): Promise<Uint8Array> {
  const stream = c.req.raw.body;
  if (stream === null) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.byteLength;
    // Leaving the loop cancels the stream.
    if (size > maxBytes) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}
