import { timingSafeEqual } from 'node:crypto';
import type { BlockList } from 'node:net';
import type { Source } from '@relay/events';
import { createMiddleware } from 'hono/factory';
import type { SourceAuth } from '../config.ts';
import { problem } from '../problems.ts';
import { addressList, type ClientAddressVariables, matches } from './client-address.ts';

/**
 * Constant time in the secret whatever `given` is: `given` is written into a buffer of the secret's
 * size and the whole of it compared, the lengths only after. (Hashing both sides did the same, but
 * OpenSSL's digest cost ≈ 10 µs a request on a busy gateway, the most of any check.) The buffer is
 * the source's own, cleared each time: the check is synchronous, and a zero-filled allocation per
 * request was half its cost.
 */
function sameSecret(given: string, expected: Buffer, presented: Buffer): boolean {
  presented.fill(0);
  presented.write(given, 'utf8');
  return timingSafeEqual(presented, expected) && Buffer.byteLength(given, 'utf8') === expected.length;
}

function presentedToken(
  auth: SourceAuth,
  header: (name: string) => string | undefined,
  query: (name: string) => string | undefined,
) {
  if (auth.tokenIn === 'query') return query('token');
  const bearer = header('authorization');
  if (bearer?.toLowerCase().startsWith('bearer ')) return bearer.slice(7).trim();
  return header('x-webhook-token');
}

interface SourceCheck {
  readonly auth: SourceAuth;
  /** The shared token's bytes, and room of their size for the presented token's. */
  readonly expectedToken: Buffer | undefined;
  readonly tokenRoom: Buffer;
  readonly allowlist: BlockList | undefined;
}

export interface AuthenticateOptions {
  readonly sources: Readonly<Record<Source, SourceAuth>>;
}

/**
 * Per-source authentication, before the body is read: the sender's address against the
 * allowlist (403) and the shared token (401). Signatures need the body: `verifySignature`.
 */
export function authenticate(options: AuthenticateOptions) {
  const checks = Object.fromEntries(
    Object.entries(options.sources).map(([source, auth]) => [
      source,
      {
        auth,
        expectedToken: auth.token === undefined ? undefined : Buffer.from(auth.token, 'utf8'),
        tokenRoom: Buffer.alloc(auth.token === undefined ? 0 : Buffer.byteLength(auth.token, 'utf8')),
        allowlist: auth.allowedIps.length === 0 ? undefined : addressList(auth.allowedIps),
      },
    ]),
  ) as Record<Source, SourceCheck>;

  return createMiddleware<{ Variables: ClientAddressVariables }>(function authenticateMiddleware(c, next) {
    const source = c.req.param('source') as Source;
    const check = checks[source];
    if (check === undefined) throw problem('unknown_source', `No webhook source "${source}".`);
    if (check.allowlist !== undefined && !matches(check.allowlist, c.get('clientAddress'))) {
      throw problem('forbidden_address', `${c.get('clientAddress')} may not send ${source} webhooks.`);
    }
    if (check.expectedToken !== undefined) {
      const token = presentedToken(
        check.auth,
        (n) => c.req.header(n),
        (n) => c.req.query(n),
      );
      if (token === undefined || !sameSecret(token, check.expectedToken, check.tokenRoom)) {
        throw problem('unauthenticated', `A valid ${source} webhook token is required.`);
      }
    }
    // Returned, not awaited: see "Middleware" in routes/webhooks.ts.
    return next();
  });
}
