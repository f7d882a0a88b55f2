import { serve } from '@hono/node-server';
import { cloudEventHeaders, definitions, events, exampleOf, normalise } from '@relay/events';
import { gatewayConfigFromEnv } from '@relay/gateway';
import {
  createRegistryClient,
  EventSerde,
  PlatformaticRecordProducer,
  SchemaRegistryAdmin,
} from '@relay/kafka';
import { Hono } from 'hono';

/**
 * The second baseline: Hono answering each webhook only once the gateway's producer (same client,
 * batching and settings) has stored one record, encoded at start-up, with its CloudEvents headers;
 * no checks, no normalising, no encoding. What HTTP and a durable write cost before the gateway's
 * own work: the gateway against it is what that work costs. (The benchmark sets no topic prefix.)
 */
const config = gatewayConfigFromEnv();
const producer = new PlatformaticRecordProducer({
  clientId: 'relay-bench-publish-only',
  brokers: config.brokers,
  lingerMs: config.lingerMs,
  maxBatchRecords: config.maxBatchRecords,
  ackTimeoutMs: config.publishDeadlineMs,
});
const normalised = normalise({ source: 'adictiz', body: exampleOf(events.instantWin).body });
if (!normalised.ok) throw new Error(normalised.detail);
const serde = await EventSerde.resolve(
  createRegistryClient(config.schemaRegistryUrl),
  new SchemaRegistryAdmin(config.schemaRegistryUrl),
  definitions,
);
const { definition, event, key } = normalised;
const record = {
  topic: definition.topic,
  key,
  value: serde.encode(definition, event),
  headers: cloudEventHeaders(definition, event),
};
await producer.connect();

const app = new Hono();
app.post('/webhooks/:source', async (c) => {
  await c.req.arrayBuffer();
  const delivery = await producer.send(record);
  return c.json({ event_id: event.event_id, duplicate: false, ...delivery }, 202);
});
app.get('/readyz', (c) => c.json({ status: 'ready' }));
serve({ fetch: app.fetch, port: Number(process.env['PORT']), hostname: '127.0.0.1' });
// Exits rather than dies on SIGTERM, so that under --cpu-prof the profile is written.
process.once('SIGTERM', () => process.exit(0));
