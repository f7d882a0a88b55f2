import { hash, timingSafeEqual } from 'node:crypto';
import type { BlockList } from 'node:net';
import type { Source } from '@relay/events';
import { createMiddleware } from 'hono/factory';
import type { SourceAuth } from '../config.ts';
import { problem } from '../problems.ts';
import { addressList, type ClientAddressVariables, matches } from './client-address.ts';

const digest = (text: string) => hash('sha256', text, 'buffer');

/** Compares in constant time whatever the lengths (hashing makes them equal); `expected` is hashed at start-up. */
function sameSecret(given: string, expected: Buffer): boolean {
  return timingSafeEqual(digest(given), expected);
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
  /** SHA-256 of the shared token, computed once. */
  readonly expectedToken: Buffer | undefined;
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
        expectedToken: auth.token === undefined ? undefined : digest(auth.token),
        allowlist: auth.allowedIps.length === 0 ? undefined : addressList(auth.allowedIps),
      },
    ]),
  ) as Record<Source, SourceCheck>;

  return createMiddleware<{ Variables: ClientAddressVariables }>(
    async function authenticateMiddleware(c, next) {
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
        if (token === undefined || !sameSecret(token, check.expectedToken)) {
          throw problem('unauthenticated', `A valid ${source} webhook token is required.`);
        }
      }
      await next();
    },
  );
}
