import type { Kafka } from '@relay/kafkajs';
import { describe, expect, test } from '@relay/testkit/vitest';
import { RelayError } from '../errors.ts';
import { readAll } from '../test-support.ts';
import type { OutgoingRecord } from './record-producer.ts';
import { type ThreadedProducerOptions, ThreadedRecordProducer } from './threaded-producer.ts';

const endingThread = new URL('./ending-producer-thread.fixture.ts', import.meta.url);

/** Every record of a topic by where it is (`partition/offset`): key, value and headers as text. */
async function stored(kafka: Kafka, topic: string, count: number) {
  const records = await readAll(kafka, topic, count);
  return new Map(
    records.map(({ partition, offset, key, value, headers }) => [
      `${partition}/${offset}`,
      { key: key?.toString() ?? null, value: String(value), headers },
    ]),
  );
}

/** A connected producer for the test, disconnected after it. */
async function withProducer<T>(
  brokers: readonly string[],
  options: Partial<ThreadedProducerOptions>,
  use: (producer: ThreadedRecordProducer) => Promise<T>,
): Promise<T> {
  const producer = new ThreadedRecordProducer({ clientId: 'threaded-test', brokers, ...options });
  await producer.connect();
  try {
    return await use(producer);
  } finally {
    await producer.disconnect();
  }
}

const recordOf = (topic: string, i: number): OutgoingRecord => ({
  topic,
  key: i % 5 === 4 ? null : `user-${i % 7}`,
  value: Buffer.from(`v${i}`),
  headers: { n: String(i), raw: Buffer.from(`bytes-${i}`) },
});

describe('ThreadedRecordProducer', () => {
  test("each record is stored with its key, value and headers where the caller's delivery says", async ({
    cluster,
    kafka,
    topics,
  }) => {
    const topic = await topics.create('threaded', { partitions: 3 });

    const deliveries = await withProducer(cluster.brokers, { lingerMs: 5 }, (producer) =>
      Promise.all(Array.from({ length: 30 }, (_, i) => producer.send(recordOf(topic, i)))),
    );
    const records = await stored(kafka, topic, 30);

    deliveries.forEach((delivery, i) => {
      const sent = recordOf(topic, i);
      expect(delivery.topic).toBe(topic);
      expect(records.get(`${delivery.partition}/${delivery.offset}`)).toEqual({
        key: sent.key,
        value: `v${i}`,
        headers: { n: String(i), raw: `bytes-${i}` },
      });
    });
    expect(new Set(deliveries.map((d) => `${d.partition}/${d.offset}`)).size).toBe(30);
  });

  test("the sizes of the batches sent on the thread reach onBatch on the caller's", async ({
    cluster,
    topics,
  }) => {
    const topic = await topics.create('threaded-batches', { partitions: 3 });
    const batches: number[] = [];

    await withProducer(cluster.brokers, { lingerMs: 20, onBatch: (size) => batches.push(size) }, (producer) =>
      Promise.all(Array.from({ length: 60 }, (_, i) => producer.send(recordOf(topic, i)))),
    );

    expect(batches.reduce((a, b) => a + b, 0)).toBe(60);
    expect(batches.length).toBeLessThanOrEqual(3);
  });

  test('flush resolves once every send made before it has settled', async ({ cluster, topics }) => {
    const topic = await topics.create('threaded-flush');

    const settledAtFlush = await withProducer(cluster.brokers, { lingerMs: 50 }, async (producer) => {
      let settled = 0;
      for (let i = 0; i < 10; i++) void producer.send(recordOf(topic, i)).then(() => settled++);
      await producer.flush();
      return settled;
    });

    expect(settledAtFlush).toBe(10);
  });

  test("a failed publish rejects with the thread's retriable RelayError and makes the producer unhealthy", async ({
    cluster,
  }) => {
    await withProducer(cluster.brokers, { ackTimeoutMs: 1_000 }, async (producer) => {
      // The test broker does not create topics, so this one never gets a leader.
      const sending = producer.send(recordOf('no-such-topic.v1', 1));

      await expect(sending).rejects.toBeInstanceOf(RelayError);
      await expect(sending).rejects.toMatchObject({
        code: 'KAFKA_UNAVAILABLE',
        retriable: true,
        detail: 'a batch of 1 records was not acknowledged',
      });
      expect(producer.healthy).toBe(false);
    });
  }, 60_000);

  test('a thread that ends fails what it had not answered, retriably, and the next send starts another', async ({
    cluster,
    kafka,
    topics,
  }) => {
    const topic = await topics.create('threaded-ending');
    const exits: Error[] = [];

    await withProducer(
      cluster.brokers,
      { threadModule: endingThread, lingerMs: 50, onThreadExit: (error) => exits.push(error) },
      async (producer) => {
        await producer.send(recordOf(topic, 0));
        const lost = producer.send({ ...recordOf(topic, 1), headers: { 'end-thread': 'yes' } });

        await expect(lost).rejects.toMatchObject({
          code: 'KAFKA_UNAVAILABLE',
          retriable: true,
          detail: 'a batch of 1 records was not acknowledged',
          cause: { message: 'the producer thread ended' },
        });
        expect(exits.map((error) => error.message)).toEqual(['the producer thread exited with code 3']);
        expect(producer.healthy).toBe(false);

        const after = await producer.send(recordOf(topic, 2));
        expect(producer.healthy).toBe(true);
        const records = await stored(kafka, topic, 2);
        expect(records.get(`${after.partition}/${after.offset}`)?.value).toBe('v2');
      },
    );
  });
});
