import type { Source } from '@relay/events';
import { describe, expect, test } from '@relay/testkit/vitest';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { SourceAuth } from '../config.ts';
import { authenticate } from './authenticate.ts';

const TOKEN = 'the-shared-token-0123456789';

function appWithToken(token: string, tokenIn: SourceAuth['tokenIn'] = 'header') {
  const auth: SourceAuth = { token, tokenIn, allowedIps: [], signingSecret: undefined };
  const sources: Record<Source, SourceAuth> = { adictiz: auth, komo: auth };
  const app = new Hono();
  app.post('/:source', authenticate({ sources }), (c) => c.text('in'));
  app.onError((error) =>
    error instanceof HTTPException ? error.getResponse() : new Response('?', { status: 500 }),
  );
  return app;
}

const statusWith = async (presented: string, token = TOKEN) =>
  (
    await appWithToken(token).request('/adictiz', {
      method: 'POST',
      headers: { authorization: `Bearer ${presented}` },
    })
  ).status;

describe('authenticate: the shared token', () => {
  test('the exact token is let in, from the Authorization header or X-Webhook-Token', async () => {
    expect(await statusWith(TOKEN)).toBe(200);
    const byHeader = await appWithToken(TOKEN).request('/komo', {
      method: 'POST',
      headers: { 'x-webhook-token': TOKEN },
    });
    expect(byHeader.status).toBe(200);
  });

  test('a prefix of the token, the token with more after it, and one differing byte all get 401', async () => {
    expect(await statusWith(TOKEN.slice(0, -1))).toBe(401);
    expect(await statusWith(`${TOKEN}x`)).toBe(401);
    expect(await statusWith(`${TOKEN.slice(0, -1)}8`)).toBe(401);
  });

  test('a token whose missing bytes would read as zeros is still refused', async () => {
    expect(await statusWith('abc', 'abc\u0000')).toBe(401);
  });

  test('multi-byte characters are compared as UTF-8 bytes', async () => {
    expect(await statusWith('clé-secrète', 'clé-secrète')).toBe(200);
    expect(await statusWith('cle-secrete', 'clé-secrète')).toBe(401);
  });

  test('no token at all gets 401; the token in the query string when the source is set up for it', async () => {
    expect((await appWithToken(TOKEN).request('/adictiz', { method: 'POST' })).status).toBe(401);
    const inQuery = appWithToken(TOKEN, 'query');
    expect((await inQuery.request(`/adictiz?token=${TOKEN}`, { method: 'POST' })).status).toBe(200);
    expect((await inQuery.request('/adictiz?token=nope', { method: 'POST' })).status).toBe(401);
  });
});
