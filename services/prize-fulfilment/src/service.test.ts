import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { derivedEvents, events, exampleOf, normalise, type ValueOf } from '@relay/events';
import type { EventSerde } from '@relay/kafka';
import { eventually, isolate, testPublisher, testServiceSettings } from '@relay/kafka/test-support';
import type { Kafka } from '@relay/kafkajs';
import { test as base, describe, expect } from '@relay/testkit/vitest';
import { pino } from 'pino';
import type { PrizeFulfilmentConfig } from './config.ts';
import type { InstantWin } from './fulfilment-handler.ts';
import { createPrizeFulfilment, type PrizeFulfilment, type PrizeFulfilmentStreams } from './service.ts';
import { type EndpointAnswer, startTestEndpoint, type TestEndpoint } from './test-support.ts';

type Fulfilled = ValueOf<typeof derivedEvents.prizeFulfilled>;
type Failed = ValueOf<typeof derivedEvents.prizeFailed>;

function instantWin(id: string, prize: Partial<InstantWin>): InstantWin {
  const result = normalise({ source: 'adictiz', body: exampleOf(events.instantWin).body, receivedAt: 1 });
  if (!result.ok) throw new Error(result.detail);
  return { ...(result.event as InstantWin), event_id: id, user_id: 'winner-1', ...prize };
}

interface Outcomes {
  readonly fulfilled: Map<string, Fulfilled[]>;
  readonly failed: Map<string, Failed[]>;
}

interface World {
  readonly streams: PrizeFulfilmentStreams;
  /** Starts the service on the test's topics, with an endpoint answering as `answer` says. */
  service(answer: (body: { prize_id: string | null }, call: number) => EndpointAnswer): Promise<{
    readonly service: PrizeFulfilment;
    readonly endpoint: TestEndpoint;
  }>;
  win(value: InstantWin): Promise<void>;
  /** Every derived event so far, by event_id, as a read-committed consumer sees them. */
  outcomes(): Outcomes;
}

async function collectOutcomes(kafka: Kafka, serde: EventSerde, streams: PrizeFulfilmentStreams) {
  const outcomes: Outcomes = { fulfilled: new Map(), failed: new Map() };
  const consumer = kafka.consumer({
    groupId: `outcomes-${Date.now()}-${Math.random()}`,
    maxWaitTimeInMs: 100,
  });
  await consumer.connect();
  await consumer.subscribe({
    topics: [streams.prizeFulfilled.topic, streams.prizeFailed.topic],
    fromBeginning: true,
  });
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      if (message.value === null) return;
      if (topic === streams.prizeFulfilled.topic) {
        const value = await serde.decode(streams.prizeFulfilled, message.value);
        outcomes.fulfilled.set(value.event_id, [...(outcomes.fulfilled.get(value.event_id) ?? []), value]);
      } else {
        const value = await serde.decode(streams.prizeFailed, message.value);
        outcomes.failed.set(value.event_id, [...(outcomes.failed.get(value.event_id) ?? []), value]);
      }
    },
  });
  return { outcomes, stop: () => consumer.disconnect() };
}

const test = base.extend<{ world: World }>({
  world: async ({ kafka, topics, cluster, task }, use) => {
    const streams: PrizeFulfilmentStreams = {
      instantWin: await isolate(events.instantWin, topics, cluster.schemaRegistryUrl),
      prizeFulfilled: await isolate(derivedEvents.prizeFulfilled, topics, cluster.schemaRegistryUrl),
      prizeFailed: await isolate(derivedEvents.prizeFailed, topics, cluster.schemaRegistryUrl),
    };
    const { serde, publisher, disconnect } = await testPublisher(kafka, cluster, [
      streams.instantWin,
      streams.prizeFulfilled,
      streams.prizeFailed,
    ]);
    const reader = await collectOutcomes(kafka, serde, streams);
    const ledgerDir = mkdtempSync(join(tmpdir(), 'prize-fulfilment-'));
    const cleanups: (() => Promise<void>)[] = [];
    await use({
      streams,
      async service(answer) {
        const endpoint = await startTestEndpoint(answer);
        const config: PrizeFulfilmentConfig = {
          ...testServiceSettings(cluster, `prize-fulfilment-${task.id}`),
          transactionalId: `prize-fulfilment-${task.id}`,
          endpoint: { url: endpoint.url, timeoutMs: 1_000, retries: 2, retryDelayMs: 10 },
          ledgerPath: join(ledgerDir, 'ledger.sqlite'),
        };
        const service = createPrizeFulfilment(config, pino({ level: 'silent' }), streams);
        await service.start();
        cleanups.push(async () => {
          await service.stop().catch(() => {});
          await endpoint.close();
        });
        return { service, endpoint };
      },
      win: async (value) => {
        await publisher.publish(streams.instantWin, value);
      },
      outcomes: () => reader.outcomes,
    });
    for (const cleanup of cleanups) await cleanup();
    await reader.stop();
    await disconnect();
    rmSync(ledgerDir, { recursive: true, force: true });
  },
});

describe('prize fulfilment', () => {
  test('each prize type gives its outcome: codes delivered, endpoint prizes delivered after transient failures, the rest failed with a reason', async ({
    world,
  }) => {
    const { service, endpoint } = await world.service((body, call) => {
      if (body.prize_id === 'flaky' && call === 1) return { status: 503 };
      if (body.prize_id === 'down') return { status: 503 };
      if (body.prize_id === 'refused') return { status: 422 };
      return { status: 201 };
    });
    const wins = [
      instantWin('IW-code', { prize_type: 'code', prize_id: 'voucher', prize_data: 'CODE-123' }),
      instantWin('IW-code-json', {
        prize_type: 'code',
        prize_id: 'voucher',
        prize_data: '{"code":"CODE-456"}',
      }),
      instantWin('IW-ifg', { prize_type: 'ifg', prize_id: 'flaky' }),
      instantWin('IW-normal', { prize_type: 'normal', prize_id: 'gift' }),
      instantWin('IW-down', { prize_type: 'normal', prize_id: 'down' }),
      instantWin('IW-refused', { prize_type: 'ifg', prize_id: 'refused' }),
      instantWin('IW-no-code', { prize_type: 'code', prize_id: 'voucher', prize_data: '' }),
      instantWin('IW-unknown', { prize_type: 'voucher', prize_id: 'x' }),
    ];
    for (const win of wins) await world.win(win);

    const { fulfilled, failed } = world.outcomes();
    await eventually(
      () => fulfilled.size + failed.size === wins.length,
      30_000,
      'an outcome for every prize',
    );

    expect(fulfilled.get('IW-code')).toEqual([
      expect.objectContaining({ method: 'code', code: 'CODE-123', reference: null, user_id: 'winner-1' }),
    ]);
    expect(fulfilled.get('IW-code-json')?.[0]).toMatchObject({ method: 'code', code: 'CODE-456' });
    expect(fulfilled.get('IW-ifg')?.[0]).toMatchObject({
      method: 'endpoint',
      reference: 'ref-IW-ifg',
      attempts: 2,
    });
    expect(fulfilled.get('IW-normal')?.[0]).toMatchObject({ method: 'endpoint', attempts: 1, code: null });
    expect(failed.get('IW-down')?.[0]).toMatchObject({ reason: 'ENDPOINT_UNAVAILABLE', attempts: 3 });
    expect(failed.get('IW-refused')?.[0]).toMatchObject({ reason: 'ENDPOINT_REJECTED', attempts: 1 });
    expect(failed.get('IW-no-code')?.[0]).toMatchObject({ reason: 'MISSING_CODE' });
    expect(failed.get('IW-unknown')?.[0]).toMatchObject({ reason: 'UNSUPPORTED_PRIZE_TYPE' });
    expect(Object.fromEntries(endpoint.calls)).toEqual({
      'IW-ifg': 2,
      'IW-normal': 1,
      'IW-down': 3,
      'IW-refused': 1,
    });

    const byEvent = await service.app.request('/fulfilments/by-event/IW-down');
    expect(await byEvent.json()).toMatchObject({
      status: 'failed',
      reason: 'ENDPOINT_UNAVAILABLE',
      attempts: 3,
    });
    const byUser = (await (await service.app.request('/fulfilments/winner-1')).json()) as {
      fulfilments: { event_id: string; status: string }[];
    };
    expect(byUser.fulfilments.map((f) => f.event_id).sort()).toEqual(wins.map((w) => w.event_id).sort());
    expect(JSON.stringify(byUser)).not.toContain('CODE-123');
    expect((await service.app.request('/fulfilments/by-event/IW-never-sent')).status).toBe(404);
  }, 60_000);

  test('the same InstantWin delivered twice is fulfilled once: one endpoint call, one outcome', async ({
    world,
  }) => {
    const { endpoint } = await world.service(() => ({ status: 200 }));
    const win = instantWin('IW-twice', { prize_type: 'ifg', prize_id: 'gift' });
    await world.win(win);
    await world.win(win);
    await world.win(instantWin('IW-after', { prize_type: 'code', prize_data: 'C' }));

    const { fulfilled } = world.outcomes();
    await eventually(() => fulfilled.has('IW-after'), 30_000, 'the record after the duplicate handled');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(fulfilled.get('IW-twice')).toHaveLength(1);
    expect(endpoint.calls.get('IW-twice')).toBe(1);
  }, 60_000);

  test('readiness is true while the consumer runs, and false once the service is stopping', async ({
    world,
  }) => {
    const { service } = await world.service(() => ({ status: 200 }));
    expect((await service.app.request('/readyz')).status).toBe(200);
    await service.stop();
    const after = await service.app.request('/readyz');
    expect(after.status).toBe(503);
    expect(await after.json()).toMatchObject({ reasons: expect.arrayContaining(['shutting down']) });
  });
});
