import type { Source } from '@relay/events';
import { createMiddleware } from 'hono/factory';
import { Webhook } from 'standardwebhooks';
import type { SourceAuth } from '../config.ts';
import { problem } from '../problems.ts';
import type { RawBodyVariables } from './raw-body.ts';

export interface VerifySignatureOptions {
  readonly sources: Readonly<Record<Source, SourceAuth>>;
}

/**
 * The Standard Webhooks signature (`webhook-id`, `webhook-timestamp`, `webhook-signature`) over
 * the raw body, for the sources that have a signing secret: 401 when it is missing, stale or wrong.
 */
export function verifySignature(options: VerifySignatureOptions) {
  const verifiers = new Map<string, Webhook>();
  for (const [source, auth] of Object.entries(options.sources)) {
    if (auth.signingSecret !== undefined) verifiers.set(source, new Webhook(auth.signingSecret));
  }
  return createMiddleware<{ Variables: RawBodyVariables }>(function verifySignatureMiddleware(c, next) {
    const verifier = verifiers.get(c.req.param('source') ?? '');
    if (verifier !== undefined) {
      try {
        verifier.verify(Buffer.from(c.get('rawBody')).toString('utf8'), {
          'webhook-id': c.req.header('webhook-id') ?? '',
          'webhook-timestamp': c.req.header('webhook-timestamp') ?? '',
          'webhook-signature': c.req.header('webhook-signature') ?? '',
        });
      } catch (error) {
        throw problem(
          'unauthenticated',
          `Webhook signature: ${error instanceof Error ? error.message : 'invalid'}.`,
        );
      }
    }
    // Returned, not awaited: see "Middleware" in routes/webhooks.ts.
    return next();
  });
}
