import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Entry, Ledger } from '../ledger/ledger.ts';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A ledger entry as the API shows it. The code itself is not shown: it travels on the topic only. */
export function fulfilmentView(entry: Entry) {
  return {
    event_id: entry.eventId,
    user_id: entry.userId,
    prize_id: entry.prizeId,
    prize_type: entry.prizeType,
    prize_name: entry.prizeName,
    won_at: iso(entry.wonAt),
    status: entry.status,
    received_at: iso(entry.createdAt),
    ...(entry.status === 'pending'
      ? {}
      : {
          decided_at: iso(entry.decidedAt),
          attempts: entry.attempts,
          ...(entry.status === 'fulfilled'
            ? { method: entry.method, reference: entry.reference }
            : { reason: entry.reason, detail: entry.detail }),
        }),
  };
}

/** Status of prizes, from the ledger. */
export function fulfilmentRoutes(ledger: Ledger): Hono {
  const app = new Hono();
  app.get('/fulfilments/by-event/:eventId', (c) => {
    const entry = ledger.get(c.req.param('eventId'));
    if (entry === undefined) {
      throw new HTTPException(404, {
        res: Response.json(
          {
            type: 'about:blank',
            title: 'No such prize',
            status: 404,
            detail: `no InstantWin with event_id ${c.req.param('eventId')} was received`,
          },
          { status: 404, headers: { 'content-type': 'application/problem+json' } },
        ),
      });
    }
    return c.json(fulfilmentView(entry));
  });
  app.get('/fulfilments/:userId', (c) => {
    const limit = Math.min(Math.max(Number(c.req.query('limit') ?? 100) || 100, 1), 1_000);
    return c.json({
      user_id: c.req.param('userId'),
      fulfilments: ledger.byUser(c.req.param('userId'), limit).map(fulfilmentView),
    });
  });
  return app;
}
