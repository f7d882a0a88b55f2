import { readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import {
  brokenExamples,
  definitionByTopic,
  documentedExamples,
  events,
  exampleOf,
  normalise,
  toSenderBody,
} from '@relay/events';
import { DEAD_LETTER_TOPIC, type EventSerde, PRODUCER_THREAD_NAME } from '@relay/kafka';
import { provisionCatalogue, readAll, testSerde } from '@relay/kafka/test-support';
import { type IHeaders, Kafka, logLevel } from '@relay/kafkajs';
import { uniqueName } from '@relay/testkit';
import { describe, expect, test } from '@relay/testkit/vitest';
import { pino } from 'pino';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, inject } from 'vitest';
import { type GatewayConfig, gatewayConfigFromEnv } from './config.ts';
import { createGateway } from './gateway.ts';
import { DEAD_LETTER_HEADERS } from './publish/dead-letters.ts';

const TOKEN = 'test-token-0123456789abcdef';
const SIGNING_SECRET = `whsec_${Buffer.from('a-signing-secret-of-32-bytes!!!!').toString('base64')}`;
const cluster = inject('relayCluster');
const kafka = new Kafka({
  clientId: 'gateway-test',
  brokers: [...cluster.brokers],
  logLevel: logLevel.NOTHING,
});

interface Running {
  readonly url: string;
  close(): Promise<void>;
}

async function startGateway(env: Record<string, string>): Promise<Running> {
  const config: GatewayConfig = gatewayConfigFromEnv({
    KAFKA_BROKERS: cluster.brokers.join(','),
    SCHEMA_REGISTRY_URL: cluster.schemaRegistryUrl,
    PORT: '0',
    HOST: '127.0.0.1',
    ADICTIZ_TOKEN: TOKEN,
    ADICTIZ_ALLOWED_IPS: '127.0.0.1,::1',
    KOMO_TOKEN: TOKEN,
    LINGER_MS: '2',
    ...env,
  });
  const gateway = createGateway(config, pino({ level: 'silent' }));
  await gateway.start();
  const server = serve({ fetch: gateway.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      await gateway.stop();
    },
  };
}

let gateway: Running;
beforeAll(async () => {
  await provisionCatalogue(cluster);
  gateway = await startGateway({});
}, 120_000);
afterAll(() => gateway?.close());

function post(path: string, body: string, headers: Record<string, string> = {}, base = gateway.url) {
  return fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, ...headers },
    body,
    signal: AbortSignal.timeout(15_000),
  });
}

interface Stored {
  readonly key: string | undefined;
  readonly value: Buffer;
  readonly headers: Record<string, string>;
  readonly partition: number;
  readonly offset: string;
}

function textHeaders(headers: IHeaders | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k, String(v)]));
}

/** Every record of a topic that matches, read from the beginning until `count` are found or `waitMs` passes. */
async function readRecords(
  topic: string,
  match: (r: Stored) => boolean,
  count = 1,
  waitMs = 10_000,
): Promise<Stored[]> {
  const consumer = kafka.consumer({
    groupId: `reader-${Math.random().toString(36).slice(2)}`,
    maxWaitTimeInMs: 100,
  });
  const found: Stored[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, waitMs);
    void consumer.run({
      eachMessage: async ({ partition, message }) => {
        const record: Stored = {
          key: message.key?.toString(),
          value: message.value ?? Buffer.alloc(0),
          headers: textHeaders(message.headers),
          partition,
          offset: message.offset,
        };
        if (match(record)) found.push(record);
        if (found.length >= count) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  return found;
}

async function deadLetterOf(response: Response): Promise<Stored | undefined> {
  const requestId = response.headers.get('x-request-id');
  const [letter] = await readRecords(
    DEAD_LETTER_TOPIC,
    (r) => r.headers[DEAD_LETTER_HEADERS.requestId] === requestId,
  );
  return letter;
}

async function serde(): Promise<EventSerde> {
  return testSerde(cluster, [...new Set(documentedExamples.map((f) => f.definition))]);
}

describe('accepted webhooks', () => {
  test.each(documentedExamples.map((f) => [`${f.source}/${f.name}`, f] as const))(
    '%s comes out of its topic decoded, keyed and with CloudEvents headers',
    async (_, fixture) => {
      const response = await post(`/webhooks/${fixture.source}`, fixture.body, {
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      });
      const answer = (await response.json()) as {
        event_id: string;
        topic: string;
        partition: number;
        offset: string;
      };
      expect([200, 202]).toContain(response.status);
      expect(answer.topic).toBe(fixture.definition.topic);

      const [record] = await readRecords(
        answer.topic,
        (r) => r.partition === answer.partition && r.offset === answer.offset,
      );
      if (record === undefined) throw new Error('the acknowledged record is not on its topic');
      const expected = normalise({ source: fixture.source, body: fixture.body });
      if (!expected.ok) throw new Error(expected.detail);
      const definition = definitionByTopic(answer.topic) ?? fixture.definition;
      const event = await (await serde()).decode(definition, record.value);
      expect(event.event_id).toBe(answer.event_id);
      expect(toSenderBody(definition, event)).toEqual(JSON.parse(fixture.body));
      expect(record.key).toBe(expected.key);
      expect(record.headers).toMatchObject({
        ce_specversion: '1.0',
        ce_id: answer.event_id,
        ce_source: `/webhooks/${fixture.source}`,
        ce_type: `${definition.namespace}.${definition.recordName}`,
        ce_time: new Date(event.occurred_at).toISOString(),
        'content-type': 'application/avro',
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      });
    },
  );

  test('the event type may be named by the URL', async () => {
    const body = JSON.parse(exampleOf(events.fileUpload).body);
    body.request_id = `url-${Date.now()}`;
    const response = await post('/webhooks/adictiz/FileUpload', JSON.stringify(body));
    expect(response.status).toBe(202);
  });

  test("the answer names its request id: the caller's own X-Request-Id when it is one, a new one otherwise", async () => {
    const body = () => {
      const instantWin = JSON.parse(exampleOf(events.instantWin).body);
      instantWin.request_id = uniqueName('request-id');
      return JSON.stringify(instantWin);
    };
    const own = await post('/webhooks/adictiz', body(), { 'x-request-id': 'caller-id-42' });
    const invalid = await post('/webhooks/adictiz', body(), { 'x-request-id': 'not one; of ours' });
    const none = await post('/webhooks/adictiz', body());

    expect([own.status, invalid.status, none.status]).toEqual([202, 202, 202]);
    expect(own.headers.get('x-request-id')).toBe('caller-id-42');
    expect(own.headers.get('content-type')).toBe('application/json');
    const generated = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    expect(invalid.headers.get('x-request-id')).toMatch(generated);
    expect(none.headers.get('x-request-id')).toMatch(generated);
    expect(none.headers.get('x-request-id')).not.toBe(invalid.headers.get('x-request-id'));
  });
});

describe('duplicates', () => {
  test('the same body posted twice is published once, the second answer says so', async () => {
    const body = JSON.parse(exampleOf(events.instantWin).body);
    body.request_id = `twice-${Date.now()}`;
    const first = await post('/webhooks/adictiz', JSON.stringify(body));
    const second = await post('/webhooks/adictiz', JSON.stringify(body));
    expect(first.status).toBe(202);
    expect(second.status).toBe(200);
    expect(await second.json()).toMatchObject({ duplicate: true, event_id: body.request_id });
    const records = await readRecords(
      events.instantWin.topic,
      (r) => r.headers['ce_id'] === body.request_id,
      2,
      4_000,
    );
    expect(records).toHaveLength(1);
  });

  test('50 concurrent copies make exactly one record', async () => {
    const body = JSON.parse(exampleOf(events.instantWin).body);
    body.request_id = `fifty-${Date.now()}`;
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => post('/webhooks/adictiz', JSON.stringify(body))),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 202)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(49);
    const records = await readRecords(
      events.instantWin.topic,
      (r) => r.headers['ce_id'] === body.request_id,
      2,
      4_000,
    );
    expect(records).toHaveLength(1);
  });
});

describe('rejected bodies are answered precisely and kept byte for byte', () => {
  test.each(brokenExamples.map((f) => [`${f.source}/${f.name}`, f] as const))(
    'the broken published %s: 400 and the raw bytes on the dead-letter topic',
    async (_, fixture) => {
      const response = await post(`/webhooks/${fixture.source}`, fixture.body);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(await response.json()).toMatchObject({ type: 'urn:relay:problem:malformed-json', status: 400 });
      const letter = await deadLetterOf(response);
      expect(letter?.value.equals(Buffer.from(fixture.body))).toBe(true);
      expect(letter?.headers).toMatchObject({
        [DEAD_LETTER_HEADERS.code]: 'malformed_json',
        [DEAD_LETTER_HEADERS.source]: fixture.source,
        [DEAD_LETTER_HEADERS.path]: `/webhooks/${fixture.source}`,
        [DEAD_LETTER_HEADERS.senderAddress]: '127.0.0.1',
        [DEAD_LETTER_HEADERS.contentType]: 'application/json',
      });
    },
  );

  test('a schema violation: 422 naming every failing field, and kept', async () => {
    const body = JSON.stringify({
      timestamp: 'soon',
      request_id: '',
      event_type: 'InstantWin',
      data: { user_id: {} },
    });
    const response = await post('/webhooks/adictiz', body);
    expect(response.status).toBe(422);
    const problem = (await response.json()) as { type: string; errors: { pointer: string }[] };
    expect(problem.type).toBe('urn:relay:problem:schema-violation');
    expect(problem.errors.map((e) => e.pointer)).toEqual(['/request_id', '/timestamp', '/data/user_id']);
    const letter = await deadLetterOf(response);
    expect(letter?.value.toString()).toBe(body);
    expect(letter?.headers[DEAD_LETTER_HEADERS.eventType]).toBe('InstantWin');
  });

  test('an unknown event type: 422, and kept', async () => {
    const response = await post(
      '/webhooks/adictiz',
      JSON.stringify({ event_type: 'Teleport', request_id: 'x', timestamp: 1 }),
    );
    expect(response.status).toBe(422);
    expect((await deadLetterOf(response))?.headers[DEAD_LETTER_HEADERS.code]).toBe('unknown_event_type');
  });

  test('a body that is not JSON by its content type: 415, and kept', async () => {
    const response = await post('/webhooks/komo', 'id=1', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(response.status).toBe(415);
    expect((await deadLetterOf(response))?.value.toString()).toBe('id=1');
  });

  test('a body above the limit: 413', async () => {
    const response = await post('/webhooks/komo', JSON.stringify({ padding: 'x'.repeat(1_100_000) }));
    expect(response.status).toBe(413);
  });

  test('a chunked body (no Content-Length) is refused with 413 once it grows past the limit', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
    let sent = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        // Far more than the limit, but bounded: the gateway must answer before it is all sent.
        if (sent++ < 64) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const response = await fetch(`${gateway.url}/webhooks/komo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: endless,
      duplex: 'half',
      signal: AbortSignal.timeout(15_000),
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(sent).toBeLessThan(64);
  });

  test('an unauthenticated body is not read: a wrong token on an oversized chunked body gets 401, not 413', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
    let sent = 0;
    const response = await fetch(`${gateway.url}/webhooks/komo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer wrong-token' },
      body: new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent++ < 64) controller.enqueue(chunk);
          else controller.close();
        },
      }),
      duplex: 'half',
      signal: AbortSignal.timeout(15_000),
    } as RequestInit);
    expect(response.status).toBe(401);
  });

  test('a chunked body within the limit is read whole and published', async () => {
    const body = JSON.parse(exampleOf(events.instantWin).body);
    body.request_id = `chunked-${Date.now()}`;
    const bytes = new TextEncoder().encode(JSON.stringify(body));
    const halves = [bytes.subarray(0, 40), bytes.subarray(40)];
    const response = await fetch(`${gateway.url}/webhooks/adictiz`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: new ReadableStream<Uint8Array>({
        pull(controller) {
          const next = halves.shift();
          if (next === undefined) controller.close();
          else controller.enqueue(next);
        },
      }),
      duplex: 'half',
      signal: AbortSignal.timeout(15_000),
    } as RequestInit);
    expect(response.status).toBe(202);
  });
});

describe('overload', () => {
  test('beyond MAX_IN_FLIGHT a request is answered 503 at once, with Retry-After, and nothing is stored', async () => {
    const busy = await startGateway({ MAX_IN_FLIGHT: '1', RETRY_AFTER_SECONDS: '7' });
    const body = JSON.parse(exampleOf(events.instantWin).body);
    body.request_id = `held-${Date.now()}`;
    const bytes = new TextEncoder().encode(JSON.stringify(body));
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let pulls = 0;
    // A body sent in two parts, the second held back: the request keeps the only slot meanwhile.
    const held = fetch(`${busy.url}/webhooks/adictiz`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: new ReadableStream<Uint8Array>({
        async pull(controller) {
          pulls += 1;
          if (pulls === 1) controller.enqueue(bytes.subarray(0, 40));
          else if (pulls === 2) {
            await released;
            controller.enqueue(bytes.subarray(40));
          } else controller.close();
        },
      }),
      duplex: 'half',
      signal: AbortSignal.timeout(15_000),
    } as RequestInit);
    try {
      await expect.poll(() => inFlight(busy.url), { timeout: 5_000 }).toBe(1);

      const before = await endOffsets();
      const response = await post('/webhooks/adictiz', exampleOf(events.instantWin).body, {}, busy.url);
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('7');
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(response.headers.get('x-request-id')).toMatch(/./);
      expect(await response.json()).toMatchObject({ type: 'urn:relay:problem:overloaded', status: 503 });
      expect(await endOffsets()).toBe(before);

      release();
      expect((await held).status).toBe(202);
    } finally {
      release();
      await held.catch(() => undefined);
      await busy.close();
    }
  });
});

async function endOffsets(): Promise<string> {
  const admin = kafka.admin();
  await admin.connect();
  const topics = (await admin.listTopics()).filter((t) => !t.startsWith('__'));
  const all = await Promise.all(
    topics.map(async (t) => `${t}:${(await admin.fetchTopicOffsets(t)).map((p) => p.high).join(',')}`),
  );
  await admin.disconnect();
  return all.sort().join(' ');
}

async function inFlight(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
  return Number(/^relay_gateway_in_flight_requests (\S+)$/m.exec(text)?.[1]);
}

describe('authentication', () => {
  test('a wrong token gets 401, a missing one too, and nothing is stored', async () => {
    const before = await endOffsets();
    const body = exampleOf(events.instantWin).body;
    expect(
      (await post('/webhooks/adictiz', body, { authorization: 'Bearer wrong-token-0123456789' })).status,
    ).toBe(401);
    expect((await post('/webhooks/adictiz', body, { authorization: '' })).status).toBe(401);
    expect(await endOffsets()).toBe(before);
  });

  test('a sender outside the allowlist gets 403, and nothing is stored', async () => {
    const strict = await startGateway({ ADICTIZ_ALLOWED_IPS: '35.241.193.158' });
    try {
      const before = await endOffsets();
      const response = await post('/webhooks/adictiz', exampleOf(events.instantWin).body, {}, strict.url);
      expect(response.status).toBe(403);
      expect(await endOffsets()).toBe(before);
    } finally {
      await strict.close();
    }
  });

  test('X-Forwarded-For is believed only from a trusted proxy', async () => {
    const body = JSON.parse(exampleOf(events.instantWin).body);
    body.request_id = `proxy-${Date.now()}`;
    const untrusting = await startGateway({ ADICTIZ_ALLOWED_IPS: '35.241.193.158' });
    const trusting = await startGateway({
      ADICTIZ_ALLOWED_IPS: '35.241.193.158',
      TRUSTED_PROXIES: '127.0.0.1,::1',
    });
    try {
      const forwarded = { 'x-forwarded-for': '35.241.193.158' };
      expect((await post('/webhooks/adictiz', JSON.stringify(body), forwarded, untrusting.url)).status).toBe(
        403,
      );
      expect((await post('/webhooks/adictiz', JSON.stringify(body), forwarded, trusting.url)).status).toBe(
        202,
      );
      const spoofed = { 'x-forwarded-for': '35.241.193.158, 10.9.9.9' };
      expect((await post('/webhooks/adictiz', JSON.stringify(body), spoofed, trusting.url)).status).toBe(403);
    } finally {
      await Promise.all([untrusting.close(), trusting.close()]);
    }
  });

  test('with a signing secret, only a valid Standard Webhooks signature is accepted', async () => {
    const signed = await startGateway({ KOMO_SIGNING_SECRET: SIGNING_SECRET });
    try {
      const body = JSON.parse(exampleOf(events.watchToWinStarted).body);
      body.id = `signed-${Date.now()}`;
      const text = JSON.stringify(body);
      const id = 'msg_1';
      const timestamp = new Date();
      const signature = new Webhook(SIGNING_SECRET).sign(id, timestamp, text);
      const headers = {
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
      };
      expect(
        (await post('/webhooks/komo', text, { ...headers, 'webhook-signature': signature }, signed.url))
          .status,
      ).toBe(202);
      expect(
        (await post('/webhooks/komo', text, { ...headers, 'webhook-signature': 'v1,AAAA' }, signed.url))
          .status,
      ).toBe(401);
      const old = new Date(Date.now() - 10 * 60_000);
      const stale = {
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(old.getTime() / 1000)),
        'webhook-signature': new Webhook(SIGNING_SECRET).sign(id, old, text),
      };
      expect((await post('/webhooks/komo', text, stale, signed.url)).status).toBe(401);
    } finally {
      await signed.close();
    }
  });
});

describe('probes and documents', () => {
  test('healthz, readyz and metrics answer', async () => {
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${gateway.url}/readyz`)).json()).toEqual({ status: 'ready' });
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toMatch(
      /relay_gateway_requests_total\{source="adictiz",event_type="body",status="202"\} \d+/,
    );
    expect(metrics).toContain('relay_gateway_batch_records_bucket');
  });

  test('the OpenAPI document lists the webhook routes', async () => {
    const document = (await (await fetch(`${gateway.url}/openapi.json`)).json()) as {
      openapi: string;
      paths: object;
    };
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/webhooks/adictiz',
        '/webhooks/komo',
        '/webhooks/adictiz/{eventType}',
        '/readyz',
      ]),
    );
  });

  test('a path with no route gets a 404 problem naming it, with its request id', async () => {
    const response = await fetch(`${gateway.url}/no/such/path`, { signal: AbortSignal.timeout(5_000) });

    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('x-request-id')).toMatch(/./);
    expect(await response.json()).toMatchObject({
      type: 'urn:relay:problem:unknown-source',
      status: 404,
      detail: 'No route GET /no/such/path.',
    });
  });
});

describe('RELAY_TOPIC_PREFIX', () => {
  test('publishes events to the prefixed topics and keeps rejected bodies on the prefixed dead-letter topic', async () => {
    const prefix = `${uniqueName('gw')}.`;
    await provisionCatalogue(cluster, 1, prefix);
    const prefixed = await startGateway({ RELAY_TOPIC_PREFIX: prefix });
    try {
      const eventId = `${prefix}win`;
      const body = JSON.stringify({ ...JSON.parse(exampleOf(events.instantWin).body), request_id: eventId });
      const accepted = await post('/webhooks/adictiz', body, {}, prefixed.url);
      expect(accepted.status).toBe(202);
      expect(await accepted.json()).toMatchObject({ topic: `${prefix}${events.instantWin.topic}` });
      const [stored] = await readAll(kafka, `${prefix}${events.instantWin.topic}`, 1);
      expect(stored?.headers['ce_id']).toBe(eventId);

      const rejected = await post('/webhooks/adictiz', '{"broken', {}, prefixed.url);
      expect(rejected.status).toBe(400);
      const [letter] = await readAll(kafka, `${prefix}${DEAD_LETTER_TOPIC}`, 1);
      expect(letter?.value?.toString()).toBe('{"broken');
    } finally {
      await prefixed.close();
    }
  });
});

/** The names of this process's threads, as Linux has them. */
function threadNames(): string[] {
  return readdirSync('/proc/self/task').map((task) =>
    readFileSync(`/proc/self/task/${task}/comm`, 'utf8').trim(),
  );
}

describe('PRODUCER_THREAD', () => {
  test('unset: the Kafka client runs on the thread that answers webhooks', async () => {
    const accepted = await post('/webhooks/adictiz', exampleOf(events.instantWin).body);
    expect(accepted.status).toBeLessThan(300);
    expect(threadNames()).not.toContain(PRODUCER_THREAD_NAME);
  });

  test('true: the Kafka client runs on a thread of its own, and an accepted event is on its topic where the answer says', async () => {
    const threaded = await startGateway({ PRODUCER_THREAD: 'true' });
    try {
      const eventId = `${uniqueName('threaded')}-win`;
      const body = JSON.stringify({ ...JSON.parse(exampleOf(events.instantWin).body), request_id: eventId });
      const accepted = await post('/webhooks/adictiz', body, {}, threaded.url);
      expect(accepted.status).toBe(202);
      expect(threadNames()).toContain(PRODUCER_THREAD_NAME);
      const { partition, offset } = (await accepted.json()) as { partition: number; offset: string };
      const [stored] = await readRecords(
        events.instantWin.topic,
        (r) => r.partition === partition && r.offset === offset,
      );
      expect(stored?.headers['ce_id']).toBe(eventId);
    } finally {
      await threaded.close();
    }
  });
});
