import { serve } from '@hono/node-server';
import { Hono } from 'hono';

/** The baseline: Hono on @hono/node-server answering 202 with a body like the gateway's, doing nothing else. */
const app = new Hono();
app.post('/webhooks/:source', async (c) => {
  await c.req.arrayBuffer();
  return c.json({ event_id: 'x', duplicate: false, topic: 't', partition: 0, offset: '0' }, 202);
});
app.get('/readyz', (c) => c.json({ status: 'ready' }));
serve({ fetch: app.fetch, port: Number(process.env['PORT']), hostname: '127.0.0.1' });
// Exits rather than dies on SIGTERM, so that under --cpu-prof the profile is written.
process.once('SIGTERM', () => process.exit(0));
