import { derivedEvents, events, exampleOf, normalise, type ValueOf } from '@relay/events';
import { Kafka, logLevel } from '@relay/kafkajs';
import {
  type ClusterAddresses,
  losingRequests,
  losingResponses,
  type TestTopics,
  uniqueName,
} from '@relay/testkit';
import { test as base, describe, expect } from '@relay/testkit/vitest';
import { Registry } from 'prom-client';
import { RelayError } from '../errors.ts';
import { EventPublisher } from '../producer/event-publisher.ts';
import { KafkajsRecordProducer } from '../producer/kafkajs-producer.ts';
import type { EventSerde } from '../serde/event-serde.ts';
import { committedOffset, eventually, isolate, readAll, recordCount, testSerde } from '../test-support.ts';
import { CONSUMER_DEAD_LETTER_HEADERS } from './dead-letter.ts';
import { type ConsumedEvent, EventConsumer, type EventConsumerOptions } from './event-consumer.ts';

type InstantWin = ValueOf<typeof events.instantWin>;

const RECEIVED_AT = Date.parse('2026-11-25T10:00:00Z');

function instantWin(id: string): InstantWin {
  const result = normalise({
    source: 'adictiz',
    body: exampleOf(events.instantWin).body,
    receivedAt: RECEIVED_AT,
  });
  if (!result.ok) throw new Error(result.detail);
  return { ...(result.event as InstantWin), event_id: id };
}

interface Stream {
  readonly definition: typeof events.instantWin;
  readonly serde: EventSerde;
  publish(value: InstantWin, traceparent?: string): Promise<void>;
  /** Bytes that are not an Avro record, straight onto the topic. */
  publishRaw(value: Buffer): Promise<void>;
  consumer(groupId: string, options?: Partial<EventConsumerOptions>): EventConsumer;
}

const test = base.extend<{ stream: Stream }>({
  stream: async ({ kafka, topics, cluster, task }, use) => {
    const definition = await isolate(events.instantWin, topics, cluster.schemaRegistryUrl);
    const serde = await testSerde(cluster, [definition]);
    const producer = new KafkajsRecordProducer(kafka, { lingerMs: 0 });
    await producer.connect();
    const publisher = new EventPublisher(producer, serde);
    const consumers: EventConsumer[] = [];
    await use({
      definition,
      serde,
      publish: async (value, traceparent) => {
        await publisher.publish(definition, value, traceparent === undefined ? {} : { traceparent });
      },
      publishRaw: async (value) => {
        await producer.send({ topic: definition.topic, key: 'raw', value, headers: { origin: 'test' } });
      },
      consumer: (groupId, options = {}) => {
        const consumer = new EventConsumer({
          kafka,
          // A consumer given the registry resolves its own serde, with the definitions it publishes.
          ...(options.schemaRegistryUrl === undefined ? { serde } : {}),
          groupId: `${groupId}-${task.id}`,
          retry: { retries: 2, minDelayMs: 10, maxDelayMs: 20 },
          metrics: new Registry(),
          ...options,
        });
        consumers.push(consumer);
        return consumer;
      },
    });
    await Promise.all(consumers.map((c) => c.stop().catch(() => {})));
    await producer.disconnect();
  },
});

describe('EventConsumer', () => {
  test('hands each record over decoded and typed, with its key, headers, CloudEvents attributes and offset', async ({
    stream,
  }) => {
    const seen: ConsumedEvent<InstantWin>[] = [];
    const consumer = stream.consumer('typed').on(stream.definition, async (event) => {
      seen.push(event);
    });
    await stream.publish(instantWin('IW-1'), '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    await stream.publish(instantWin('IW-2'));
    await consumer.start();

    await eventually(() => seen.length === 2);
    const [first, second] = seen;
    expect(first?.value).toEqual(instantWin('IW-1'));
    expect(first?.value.prize_type).toBe(instantWin('IW-1').prize_type);
    expect(first?.key).toBe(events.instantWin.key.of(instantWin('IW-1')));
    expect(first?.offset).toBe('0');
    expect(second?.offset).toBe('1');
    expect(first?.cloudEvent).toEqual({
      id: 'IW-1',
      source: '/webhooks/adictiz',
      type: 'relay.adictiz.v1.InstantWin',
      time: new Date(instantWin('IW-1').occurred_at).toISOString(),
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
    expect(first?.headers['content-type']).toBe('application/avro');
  });

  test('a handler that fails, then succeeds, handles its record once, and its offset is committed', async ({
    stream,
    kafka,
  }) => {
    const attempts: number[] = [];
    const consumer = stream.consumer('flaky').on(stream.definition, async (_, { attempt }) => {
      attempts.push(attempt);
      if (attempt < 3) throw new Error('transient');
    });
    await stream.publish(instantWin('IW-flaky'));
    await consumer.start();

    await eventually(() => attempts.length === 3);
    await consumer.stop();
    expect(attempts).toEqual([1, 2, 3]);
    expect(await committedOffset(kafka, consumer.groupId, stream.definition.topic)).toBe('1');
  });

  test('a record that cannot be decoded and one whose handler always throws go to the dead letters, and the next records are handled', async ({
    stream,
    kafka,
  }) => {
    const metrics = new Registry();
    const handled: string[] = [];
    const consumer = stream.consumer('poison', { metrics }).on(stream.definition, async ({ value }) => {
      if (value.event_id === 'IW-poison') throw new Error('this prize cannot be handled');
      handled.push(value.event_id);
    });
    const garbage = Buffer.from('{"not":"avro"}');
    await stream.publishRaw(garbage);
    await stream.publish(instantWin('IW-poison'));
    await stream.publish(instantWin('IW-good'));
    await consumer.start();

    await eventually(() => handled.length === 1);
    const letters = await readAll(kafka, consumer.deadLetterTopic, 2);
    await eventually(
      async () => (await committedOffset(kafka, consumer.groupId, stream.definition.topic)) === '3',
    );
    await consumer.stop();

    expect(handled).toEqual(['IW-good']);
    const [undecodable, failing] = letters;
    expect(undecodable?.value).toEqual(garbage);
    expect(undecodable?.key?.toString()).toBe('raw');
    expect(undecodable?.headers).toMatchObject({
      origin: 'test',
      [CONSUMER_DEAD_LETTER_HEADERS.code]: 'NOT_AN_EVENT_RECORD',
      [CONSUMER_DEAD_LETTER_HEADERS.group]: consumer.groupId,
      [CONSUMER_DEAD_LETTER_HEADERS.topic]: stream.definition.topic,
      [CONSUMER_DEAD_LETTER_HEADERS.partition]: '0',
      [CONSUMER_DEAD_LETTER_HEADERS.offset]: '0',
      [CONSUMER_DEAD_LETTER_HEADERS.attempts]: '1',
    });
    expect(failing?.value).toEqual(stream.serde.encode(stream.definition, instantWin('IW-poison')));
    expect(failing?.headers).toMatchObject({
      ce_id: 'IW-poison',
      [CONSUMER_DEAD_LETTER_HEADERS.code]: 'HANDLER_FAILED',
      [CONSUMER_DEAD_LETTER_HEADERS.detail]: 'this prize cannot be handled',
      [CONSUMER_DEAD_LETTER_HEADERS.offset]: '1',
      [CONSUMER_DEAD_LETTER_HEADERS.attempts]: '3',
    });
    const counts = Object.fromEntries(
      (await metrics.getMetricsAsJSON()).map((m) => [m.name, m.values.reduce((sum, v) => sum + v.value, 0)]),
    );
    expect(counts).toMatchObject({
      relay_consumer_records_processed_total: 1,
      relay_consumer_records_dead_lettered_total: 2,
      relay_consumer_handler_failures_total: 4,
    });
  });

  test('an error marked not retriable goes to the dead letters without retrying', async ({
    stream,
    kafka,
  }) => {
    let attempts = 0;
    const consumer = stream.consumer('permanent').on(stream.definition, async () => {
      attempts++;
      throw Object.assign(new Error('unknown prize type'), { retriable: false });
    });
    await stream.publish(instantWin('IW-permanent'));
    await consumer.start();

    const [letter] = await readAll(kafka, consumer.deadLetterTopic, 1);
    await consumer.stop();
    expect(attempts).toBe(1);
    expect(letter?.headers[CONSUMER_DEAD_LETTER_HEADERS.attempts]).toBe('1');
  });

  test('stopping during processing commits the records handled, and none after them', async ({
    stream,
    kafka,
  }) => {
    const handled: string[] = [];
    let reachedThird!: () => void;
    const third = new Promise<void>((resolve) => {
      reachedThird = resolve;
    });
    const consumer = stream.consumer('stopping').on(stream.definition, async ({ value }, { signal }) => {
      if (value.event_id === 'IW-2') {
        reachedThird();
        // A slow handler: it gives up when the consumer stops, so its record must be redelivered.
        await new Promise((_, reject) =>
          signal.addEventListener('abort', () => reject(new Error('stopped'))),
        );
      }
      handled.push(value.event_id);
    });
    for (let i = 0; i < 10; i++) await stream.publish(instantWin(`IW-${i}`));
    await consumer.start();

    await third;
    await consumer.stop();

    expect(handled).toEqual(['IW-0', 'IW-1']);
    expect(await committedOffset(kafka, consumer.groupId, stream.definition.topic)).toBe('2');
    expect(await recordCount(kafka, consumer.deadLetterTopic)).toBe(0);
  });

  test('partitions whose preparation (onAssigned) failed are prepared again before their records are handled, and the failure reaches nothing else', async ({
    stream,
  }) => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const preparations: string[] = [];
      const handled: string[] = [];
      const consumer = stream
        .consumer('prepared-again', {
          onAssigned: async () => {
            preparations.push(handled.length === 0 ? 'before' : 'after');
            if (preparations.length === 1) throw new Error('leaders moved while preparing');
          },
        })
        .on(stream.definition, async ({ value }) => {
          handled.push(value.event_id);
        });
      await stream.publish(instantWin('IW-1'));
      await consumer.start();

      await eventually(() => handled.length === 1, 30_000);
      expect(preparations.slice(0, 2)).toEqual(['before', 'before']);
      expect(consumer.running).toBe(true);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  test('starting on a topic that does not exist fails, naming it', async ({ kafka, cluster }) => {
    const missing = { ...events.instantWin, topic: 'adictiz.no-such-topic.v1' };
    const consumer = new EventConsumer({
      kafka,
      schemaRegistryUrl: cluster.schemaRegistryUrl,
      groupId: 'missing-topic',
      metrics: new Registry(),
    }).on(missing, async () => {});

    await expect(consumer.start()).rejects.toMatchObject({
      code: 'TOPIC_NOT_FOUND',
      message: expect.stringContaining('adictiz.no-such-topic.v1'),
    });
  });

  test('starting with a schema that is not registered fails, naming its subject', async ({
    kafka,
    cluster,
    topics,
  }) => {
    const topic = await topics.create('unregistered');
    const unregistered = { ...events.instantWin, topic, subject: `${topic}-value` };
    const consumer = new EventConsumer({
      kafka,
      schemaRegistryUrl: cluster.schemaRegistryUrl,
      groupId: 'missing-schema',
      metrics: new Registry(),
    }).on(unregistered, async () => {});

    await expect(consumer.start()).rejects.toMatchObject({
      code: 'SCHEMA_NOT_REGISTERED',
      message: expect.stringContaining(`${topic}-value`),
    });
  });

  test('transactional: a failure in the middle of a chunk leaves none of its output, and the retry leaves it once', async ({
    stream,
    topics,
    cluster,
    kafka,
  }) => {
    const fulfilled = await isolate(derivedEvents.prizeFulfilled, topics, cluster.schemaRegistryUrl);
    const calls: string[] = [];
    let failures = 0;
    const consumer = stream
      .consumer('exactly-once', {
        schemaRegistryUrl: cluster.schemaRegistryUrl,
        publishes: [fulfilled],
        transactional: { transactionalId: uniqueName('tx') },
      })
      .on(stream.definition, async ({ value }, { publish }) => {
        calls.push(value.event_id);
        await publish(fulfilled, { ...fulfilled.example, event_id: value.event_id });
        // Every try of the first pass fails, as in an outage: the chunk is given up, not dead-lettered.
        if (value.event_id === 'IW-3' && failures < 3) {
          failures++;
          throw new RelayError('KAFKA_UNAVAILABLE', 'a broker went away mid-chunk');
        }
      });
    for (const id of ['IW-1', 'IW-2', 'IW-3']) await stream.publish(instantWin(id));
    await consumer.start();

    const outputs = await readAll(kafka, fulfilled.topic, 3, 30_000, 1_000);
    await consumer.stop();
    expect(calls).toEqual(['IW-1', 'IW-2', 'IW-3', 'IW-3', 'IW-3', 'IW-1', 'IW-2', 'IW-3']);
    expect(outputs.map((o) => o.headers['ce_id'])).toEqual(['IW-1', 'IW-2', 'IW-3']);
    expect(await committedOffset(kafka, consumer.groupId, stream.definition.topic)).toBe('3');
  }, 60_000);
  /**
   * A transactional consumer on a client whose EndTxn requests or answers `network` loses, with a
   * handler that publishes one output per record and turns the loss off when a record comes again.
   */
  async function exactlyOnceOverLossyNetwork(
    { stream, topics, cluster }: { stream: Stream; topics: TestTopics; cluster: ClusterAddresses },
    network: ReturnType<typeof losingResponses>,
  ) {
    const fulfilled = await isolate(derivedEvents.prizeFulfilled, topics, cluster.schemaRegistryUrl);
    const faulty = new Kafka({
      clientId: 'lost-commit',
      brokers: [...cluster.brokers],
      socketFactory: network.socketFactory,
      retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 200 },
      logLevel: logLevel.NOTHING,
    });
    const calls: string[] = [];
    const outcomes: string[] = [];
    const metrics = new Registry();
    const consumer = stream
      .consumer('lost-commit', {
        kafka: faulty,
        metrics,
        schemaRegistryUrl: cluster.schemaRegistryUrl,
        publishes: [fulfilled],
        transactional: {
          transactionalId: uniqueName('tx'),
          onCommitted: () => outcomes.push('committed'),
          onAborted: () => outcomes.push('aborted'),
        },
      })
      .on(stream.definition, async ({ value }, { publish }) => {
        if (calls.includes(value.event_id)) network.losing = false;
        calls.push(value.event_id);
        await publish(fulfilled, { ...fulfilled.example, event_id: value.event_id });
      });
    for (const id of ['IW-1', 'IW-2']) await stream.publish(instantWin(id));
    network.losing = true;
    await consumer.start();
    const unsettled = async () =>
      Object.fromEntries(
        (await metrics.getSingleMetric('relay_consumer_unsettled_transactions_total')?.get())?.values.map(
          (v) => [v.labels['outcome'], v.value],
        ) ?? [],
      );
    return { consumer, fulfilled, calls, outcomes, unsettled };
  }

  test('transactional: a commit whose answer is lost, though the coordinator committed it, leaves its output once and its records are not handled again', async ({
    stream,
    topics,
    cluster,
    kafka,
  }) => {
    const network = losingResponses('EndTxn');
    const { consumer, fulfilled, calls, outcomes, unsettled } = await exactlyOnceOverLossyNetwork(
      { stream, topics, cluster },
      network,
    );

    await eventually(() => outcomes.length > 0, 30_000);
    network.losing = false;
    const outputs = await readAll(kafka, fulfilled.topic, 2, 30_000, 3_000);
    await consumer.stop();
    expect(network.lost).toBeGreaterThan(0);
    expect(outputs.map((o) => o.headers['ce_id'])).toEqual(['IW-1', 'IW-2']);
    expect(calls).toEqual(['IW-1', 'IW-2']);
    expect(outcomes).toEqual(['committed']);
    expect(await unsettled()).toEqual({ committed: 1 });
    expect(await committedOffset(kafka, consumer.groupId, stream.definition.topic)).toBe('2');
  }, 60_000);

  /**
   * Runs the consumer of `exactlyOnceOverLossyNetwork` until a transaction commits, and checks that
   * its chunk was aborted, then redone once: each record handled twice, each output on the topic
   * once, the offsets committed. What the unsettled-transaction metric counted, for the caller.
   */
  async function expectRedoneOnce(
    fixtures: { stream: Stream; topics: TestTopics; cluster: ClusterAddresses; kafka: Kafka },
    network: ReturnType<typeof losingResponses>,
  ) {
    const { consumer, fulfilled, calls, outcomes, unsettled } = await exactlyOnceOverLossyNetwork(
      fixtures,
      network,
    );
    await eventually(() => outcomes.includes('committed'), 30_000);
    const outputs = await readAll(fixtures.kafka, fulfilled.topic, 2, 30_000, 3_000);
    await consumer.stop();
    expect(network.lost).toBeGreaterThan(0);
    expect(outcomes).toEqual(['aborted', 'committed']);
    expect(calls).toEqual(['IW-1', 'IW-2', 'IW-1', 'IW-2']);
    expect(outputs.map((o) => o.headers['ce_id'])).toEqual(['IW-1', 'IW-2']);
    expect(await committedOffset(fixtures.kafka, consumer.groupId, fixtures.stream.definition.topic)).toBe(
      '2',
    );
    return unsettled();
  }

  test('transactional: outputs written though their answer was lost are written again when the aborted chunk is redone, not taken for duplicates of the aborted ones', async ({
    stream,
    topics,
    cluster,
    kafka,
  }) => {
    expect(await expectRedoneOnce({ stream, topics, cluster, kafka }, losingResponses('Produce'))).toEqual(
      {},
    );
  }, 60_000);

  test('transactional: a commit that never reached the coordinator, and cannot be aborted either, is redone once', async ({
    stream,
    topics,
    cluster,
    kafka,
  }) => {
    expect(await expectRedoneOnce({ stream, topics, cluster, kafka }, losingRequests('EndTxn'))).toEqual({
      aborted: 1,
    });
  }, 60_000);
});
