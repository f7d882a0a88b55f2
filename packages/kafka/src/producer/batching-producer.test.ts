import { Kafka, logLevel, Partitioners } from '@relay/kafkajs';
import { losingResponses, losingResponsesOnEveryConnection } from '@relay/testkit';
import { describe, expect, test } from '@relay/testkit/vitest';
import type { BatchingOptions, BatchingRecordProducer } from './batching-producer.ts';
import { KafkajsRecordProducer } from './kafkajs-producer.ts';
import { javaPartition, PlatformaticRecordProducer } from './platformatic-producer.ts';

/** The same batching on each Kafka client: `kafka` is the test cluster's kafkajs client. */
const clients = {
  kafkajs: (kafka: Kafka, _brokers: readonly string[], options: BatchingOptions = {}) =>
    new KafkajsRecordProducer(kafka, options),
  platformatic: (_kafka: Kafka, brokers: readonly string[], options: BatchingOptions = {}) =>
    new PlatformaticRecordProducer({ clientId: 'producer-test', brokers, ...options }),
} satisfies Record<
  string,
  (kafka: Kafka, brokers: readonly string[], options?: BatchingOptions) => BatchingRecordProducer
>;
type Client = keyof typeof clients;

async function consumeAll(kafka: Kafka, topic: string, count: number) {
  const consumer = kafka.consumer({ groupId: `${topic}-reader`, maxWaitTimeInMs: 100 });
  const seen: {
    partition: number;
    offset: string;
    key: string | undefined;
    value: string | undefined;
    headers: Record<string, string | undefined>;
  }[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${seen.length} of ${count} records after 20 s`)),
      20_000,
    );
    void consumer.run({
      eachMessage: async ({ partition, message }) => {
        seen.push({
          partition,
          offset: message.offset,
          key: message.key?.toString(),
          value: message.value?.toString(),
          headers: Object.fromEntries(
            Object.entries(message.headers ?? {}).map(([name, value]) => [name, value?.toString()]),
          ),
        });
        if (seen.length >= count) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  }).finally(() => consumer.disconnect());
  return seen;
}

async function sendConcurrently(
  producerOf: (options: BatchingOptions) => BatchingRecordProducer,
  topic: string,
  count: number,
  options: BatchingOptions,
) {
  const batches: number[] = [];
  const producer = producerOf({ ...options, onBatch: (size) => batches.push(size) });
  await producer.connect();
  try {
    const deliveries = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        producer.send({
          topic,
          key: `user-${i % 7}`,
          value: Buffer.from(`v${i}`),
          headers: { n: String(i) },
        }),
      ),
    );
    return { deliveries, batches };
  } finally {
    await producer.disconnect();
  }
}

/**
 * Sends one record, and `whileInFlight` as its batch goes out (given a send and the first delivery);
 * answers the sizes of the batches made once every send has settled.
 */
async function batchSizesOfOneRecordThen(
  producerOf: (options: BatchingOptions) => BatchingRecordProducer,
  topic: string,
  lingerMs: number,
  whileInFlight: (send: (value: string) => Promise<unknown>, first: Promise<unknown>) => Promise<unknown>[],
) {
  const batches: number[] = [];
  let more: Promise<unknown>[] = [];
  let first: Promise<unknown> = Promise.resolve();
  const send = (value: string) => producer.send({ topic, key: 'k', value: Buffer.from(value), headers: {} });
  const producer = producerOf({
    lingerMs,
    onBatch: (size) => {
      batches.push(size);
      if (batches.length === 1) more = whileInFlight(send, first);
    },
  });
  await producer.connect();
  try {
    first = send('a');
    await first;
    await Promise.all(more);
    return batches;
  } finally {
    await producer.disconnect();
  }
}

describe.each(Object.keys(clients) as Client[])('BatchingRecordProducer on %s', (client) => {
  const producerOf =
    (kafka: Kafka, brokers: readonly string[]) =>
    (options: BatchingOptions = {}) =>
      clients[client](kafka, brokers, options);

  test('concurrent sends are coalesced into a few batches', async ({ cluster, kafka, topics }) => {
    const topic = await topics.create('linger', { partitions: 3 });

    const { batches } = await sendConcurrently(producerOf(kafka, cluster.brokers), topic, 60, {
      lingerMs: 20,
    });

    expect(batches.reduce((a, b) => a + b, 0)).toBe(60);
    expect(batches.length).toBeLessThanOrEqual(3);
  });

  test('a batch never holds more than maxBatchRecords', async ({ cluster, kafka, topics }) => {
    const topic = await topics.create('max-batch');

    const { batches } = await sendConcurrently(producerOf(kafka, cluster.brokers), topic, 10, {
      lingerMs: 50,
      maxBatchRecords: 4,
    });

    expect(Math.max(...batches)).toBeLessThanOrEqual(4);
    expect(batches.reduce((a, b) => a + b, 0)).toBe(10);
  });

  test('records sent in the loop turn that acknowledges a batch join the next batch', async ({
    cluster,
    kafka,
    topics,
  }) => {
    const topic = await topics.create('handover');

    const batches = await batchSizesOfOneRecordThen(
      producerOf(kafka, cluster.brokers),
      topic,
      0,
      (send, first) => [
        // Two more wait while the first batch is in flight...
        send('b'),
        send('c'),
        // ...and one is sent like another request read in the same I/O phase as the acknowledgement.
        first.then(() => new Promise((resolve) => setImmediate(resolve))).then(() => send('d')),
      ],
    );

    expect(batches).toEqual([1, 3]);
  });

  test('without a linger, the records of one loop turn go as one batch at its end, before any timer', async ({
    cluster,
    kafka,
    topics,
  }) => {
    const topic = await topics.create('no-linger');
    const batches: number[] = [];
    const producer = producerOf(kafka, cluster.brokers)({ lingerMs: 0, onBatch: (n) => batches.push(n) });
    await producer.connect();
    try {
      const send = (value: string) =>
        producer.send({ topic, key: 'k', value: Buffer.from(value), headers: {} });
      const sent = [send('a'), send('b')];
      // Queued after the linger's own: a timer of the shortest delay (1 ms) would not have fired yet.
      await new Promise((resolve) => setImmediate(resolve));
      const atEndOfTurn = [...batches];
      await Promise.all(sent);

      expect(atEndOfTurn).toEqual([2]);
    } finally {
      await producer.disconnect();
    }
  });

  test('a record that arrives while a batch is in flight still waits its linger for company', async ({
    cluster,
    kafka,
    topics,
  }) => {
    const topic = await topics.create('linger-after-flight');

    // b waits behind the first batch, whose acknowledgement comes long before b's 500 ms linger ends.
    const batches = await batchSizesOfOneRecordThen(
      producerOf(kafka, cluster.brokers),
      topic,
      500,
      (send) => [send('b'), new Promise((resolve) => setTimeout(resolve, 150)).then(() => send('c'))],
    );

    expect(batches).toEqual([1, 2]);
  });

  test('each delivery names the partition and offset where its record is', async ({
    cluster,
    kafka,
    topics,
  }) => {
    const topic = await topics.create('offsets', { partitions: 3 });

    const { deliveries } = await sendConcurrently(producerOf(kafka, cluster.brokers), topic, 40, {
      lingerMs: 10,
    });
    const stored = await consumeAll(kafka, topic, 40);

    const at = new Map(stored.map((r) => [`${r.partition}/${r.offset}`, r.value]));
    deliveries.forEach((delivery, i) => {
      expect(delivery.topic).toBe(topic);
      expect(at.get(`${delivery.partition}/${delivery.offset}`)).toBe(`v${i}`);
    });
    expect(new Set(deliveries.map((d) => `${d.partition}/${d.offset}`)).size).toBe(40);
  });

  test('each record carries its own header values, whether they repeat from record to record or not', async ({
    cluster,
    kafka,
    topics,
  }) => {
    const topic = await topics.create('headers');
    const headersOf = (i: number) => ({
      n: String(i),
      kind: i % 3 === 0 ? 'rare' : 'common',
      'content-type': 'application/avro',
    });
    const producer = producerOf(kafka, cluster.brokers)({ lingerMs: 10 });
    await producer.connect();
    try {
      await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          producer.send({ topic, key: null, value: Buffer.from(`v${i}`), headers: headersOf(i) }),
        ),
      );
    } finally {
      await producer.disconnect();
    }

    const stored = await consumeAll(kafka, topic, 30);

    expect(stored).toHaveLength(30);
    for (const { value, headers } of stored) expect(headers).toEqual(headersOf(Number(value?.slice(1))));
  });

  test('a publish that fails rejects with a retriable error and marks the producer unhealthy', async ({
    cluster,
    kafka,
  }) => {
    const producer = producerOf(kafka, cluster.brokers)({ ackTimeoutMs: 1_000 });
    await producer.connect();
    try {
      // Topics are not auto-created by the test broker, so this one never gets a leader.
      const sending = producer.send({
        topic: 'no-such-topic.v1',
        key: 'k',
        value: Buffer.from('v'),
        headers: {},
      });
      await expect(sending).rejects.toMatchObject({ code: 'KAFKA_UNAVAILABLE', retriable: true });
      expect(producer.healthy).toBe(false);
    } finally {
      await producer.disconnect();
    }
  }, 60_000);

  test('after a batch whose acknowledgement was lost, the next record is still written', async ({
    cluster,
    topics,
    kafka,
  }) => {
    const topic = await topics.create('lost-ack');
    const { producer, network, restore } = faultyProducers[client](cluster.brokers);
    await producer.connect();
    try {
      network.losing = true;
      const first = producer.send({
        topic,
        key: 'k',
        value: Buffer.from('stored, never acknowledged'),
        headers: {},
      });
      await expect(first).rejects.toMatchObject({ code: 'KAFKA_UNAVAILABLE' });
      network.losing = false;
      const second = await producer.send({
        topic,
        key: 'k',
        value: Buffer.from('acknowledged'),
        headers: {},
      });

      const stored = await consumeAll(kafka, topic, 2);
      expect(stored.map((r) => r.value)).toEqual(['stored, never acknowledged', 'acknowledged']);
      expect(stored[1]?.offset).toBe(second.offset);
    } finally {
      await producer.disconnect();
      restore();
    }
  }, 60_000);
});

/** A producer whose produce responses are lost while `network.losing` is on. */
const faultyProducers = {
  kafkajs: (brokers: readonly string[]) => {
    const network = losingResponses();
    const faulty = new Kafka({
      clientId: 'lost-ack',
      brokers: [...brokers],
      socketFactory: network.socketFactory,
      retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 200 },
      logLevel: logLevel.NOTHING,
    });
    return { producer: new KafkajsRecordProducer(faulty, { lingerMs: 0 }), network, restore: () => {} };
  },
  platformatic: (brokers: readonly string[]) => {
    const network = losingResponsesOnEveryConnection();
    const producer = new PlatformaticRecordProducer({ clientId: 'lost-ack', brokers, lingerMs: 0 });
    return { producer, network, restore: () => network.restore() };
  },
} satisfies Record<Client, unknown>;

test('keys land on the partitions kafkajs (and Java) would choose', async ({ cluster, kafka, topics }) => {
  const topic = await topics.create('partitioner', { partitions: 7 });
  const keys = Array.from({ length: 200 }, (_, i) => `operation-${i % 13}:user-${i}`);
  const kafkajsChoice = Partitioners.DefaultPartitioner();
  const producer = clients.platformatic(kafka, cluster.brokers);
  await producer.connect();
  try {
    const deliveries = await Promise.all(
      keys.map((key) => producer.send({ topic, key, value: Buffer.from(key), headers: {} })),
    );
    const partitionMetadata = Array.from({ length: 7 }, (_, partitionId) => ({
      partitionId,
      leader: 1,
      partitionErrorCode: 0,
      replicas: [1],
      isr: [1],
    }));
    deliveries.forEach((delivery, i) => {
      const key = keys[i] as string;
      expect(delivery.partition).toBe(
        kafkajsChoice({ topic, partitionMetadata, message: { key, value: null } }),
      );
      expect(delivery.partition).toBe(javaPartition(Buffer.from(key), 7));
    });
  } finally {
    await producer.disconnect();
  }
});
