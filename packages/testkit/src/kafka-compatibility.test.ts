/**
 * Proves that kafkajs works with the Kafka version the testkit runs (see images.ts): the
 * features the relay relies on, each against the real broker.
 */
import { type Consumer, type EachMessagePayload, type Kafka, Partitioners } from '@relay/kafkajs';
import { uniqueName } from './topics.ts';
import { describe, expect, test } from './vitest/index.ts';

interface Received {
  readonly key: string | undefined;
  readonly value: string | undefined;
  readonly offset: string;
}

async function consumeAll(
  kafka: Kafka,
  topic: string,
  count: number,
  options: { readOnlyCommitted?: boolean } = {},
): Promise<Received[]> {
  const consumer = kafka.consumer({
    groupId: uniqueName('reader'),
    readUncommitted: !(options.readOnlyCommitted ?? true),
    maxWaitTimeInMs: 100,
  });
  const received: Received[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${received.length} of ${count} records after 20 s`)),
        20_000,
      );
      void consumer.run({
        eachMessage: async ({ message }: EachMessagePayload) => {
          received.push({
            key: message.key?.toString(),
            value: message.value?.toString(),
            offset: message.offset,
          });
          if (received.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return received;
}

async function produceValues(kafka: Kafka, topic: string, values: readonly string[]): Promise<void> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  await producer.send({ topic, messages: values.map((value) => ({ key: 'k', value })) });
  await producer.disconnect();
}

async function committedOffset(kafka: Kafka, groupId: string, topic: string): Promise<string | undefined> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return offsets?.partitions.find((p) => p.partition === 0)?.offset;
  } finally {
    await admin.disconnect();
  }
}

describe('kafkajs against the testkit broker', () => {
  test('a plain producer and consumer exchange records in order', async ({ kafka, topics }) => {
    const topic = await topics.create('compat-plain');
    await produceValues(kafka, topic, ['one', 'two', 'three']);

    const received = await consumeAll(kafka, topic, 3);

    expect(received.map((r) => r.value)).toEqual(['one', 'two', 'three']);
    expect(received.map((r) => r.offset)).toEqual(['0', '1', '2']);
  });

  test('an idempotent producer with acks=all writes each record exactly once', async ({ kafka, topics }) => {
    const topic = await topics.create('compat-idempotent');
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    const metadata = await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: 20 }, (_, i) => ({ key: `k${i % 3}`, value: `v${i}` })),
    });
    await producer.disconnect();

    expect(metadata).toEqual([expect.objectContaining({ topicName: topic, errorCode: 0, baseOffset: '0' })]);
    const received = await consumeAll(kafka, topic, 20);
    expect(received.map((r) => r.value)).toEqual(Array.from({ length: 20 }, (_, i) => `v${i}`));
  });

  describe('transactions', () => {
    async function consumeOneInTransaction(
      kafka: Kafka,
      input: string,
      groupId: string,
      outcome: 'commit' | 'abort',
      output: string,
    ): Promise<void> {
      const consumer: Consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
      const producer = kafka.producer({
        transactionalId: uniqueName('tx'),
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await Promise.all([consumer.connect(), producer.connect()]);
      try {
        await consumer.subscribe({ topic: input, fromBeginning: true });
        await new Promise<void>((resolve, reject) => {
          void consumer.run({
            autoCommit: false,
            eachMessage: async ({ topic, partition, message }) => {
              try {
                const transaction = await producer.transaction();
                await transaction.send({ topic: output, messages: [{ value: `seen ${message.value}` }] });
                await transaction.sendOffsets({
                  consumerGroupId: groupId,
                  topics: [
                    { topic, partitions: [{ partition, offset: (Number(message.offset) + 1).toString() }] },
                  ],
                });
                await (outcome === 'commit' ? transaction.commit() : transaction.abort());
                resolve();
              } catch (error) {
                reject(error);
              }
            },
          });
        });
      } finally {
        await Promise.all([consumer.disconnect(), producer.disconnect()]);
      }
    }

    test('a committed transaction with sendOffsets publishes its records and commits the group offset', async ({
      kafka,
      topics,
    }) => {
      const [input, output] = await Promise.all([
        topics.create('compat-tx-in'),
        topics.create('compat-tx-out'),
      ]);
      const groupId = uniqueName('tx-group');
      await produceValues(kafka, input, ['a']);

      await consumeOneInTransaction(kafka, input, groupId, 'commit', output);

      expect((await consumeAll(kafka, output, 1)).map((r) => r.value)).toEqual(['seen a']);
      expect(await committedOffset(kafka, groupId, input)).toBe('1');
    });

    test('an aborted transaction hides its records from read-committed consumers and commits no offset', async ({
      kafka,
      topics,
    }) => {
      const [input, output] = await Promise.all([
        topics.create('compat-abort-in'),
        topics.create('compat-abort-out'),
      ]);
      const groupId = uniqueName('abort-group');
      await produceValues(kafka, input, ['a']);

      await consumeOneInTransaction(kafka, input, groupId, 'abort', output);

      // The aborted record is in the log (a read-uncommitted reader sees it), yet hidden from read-committed ones.
      expect((await consumeAll(kafka, output, 1, { readOnlyCommitted: false })).map((r) => r.value)).toEqual([
        'seen a',
      ]);
      await produceValues(kafka, output, ['after']);
      expect((await consumeAll(kafka, output, 1)).map((r) => r.value)).toEqual(['after']);
      expect(await committedOffset(kafka, groupId, input)).toBe('-1');
    });

    test('transactions of two producers aborted in the reverse of their start order stay hidden from read-committed consumers', async ({
      kafka,
      topics,
    }) => {
      const topic = await topics.create('compat-interleaved-aborts');
      const transactionalProducer = async () => {
        const producer = kafka.producer({
          transactionalId: uniqueName('tx'),
          idempotent: true,
          maxInFlightRequests: 1,
          createPartitioner: Partitioners.DefaultPartitioner,
        });
        await producer.connect();
        return producer;
      };
      const [first, second] = await Promise.all([transactionalProducer(), transactionalProducer()]);
      try {
        // The broker lists a partition's aborted transactions in the order they were aborted; the first
        // one started (offset 0) is aborted last.
        const earlier = await first.transaction();
        await earlier.send({ topic, messages: [{ key: 'k', value: 'aborted, started first' }] });
        const later = await second.transaction();
        await later.send({ topic, messages: [{ key: 'k', value: 'aborted, started second' }] });
        await later.abort();
        await earlier.send({ topic, messages: [{ key: 'k', value: 'aborted, sent last' }] });
        await earlier.abort();
      } finally {
        await Promise.all([first.disconnect(), second.disconnect()]);
      }
      await produceValues(kafka, topic, ['committed']);

      expect((await consumeAll(kafka, topic, 4, { readOnlyCommitted: false })).map((r) => r.value)).toEqual([
        'aborted, started first',
        'aborted, started second',
        'aborted, sent last',
        'committed',
      ]);
      expect((await consumeAll(kafka, topic, 1)).map((r) => r.value)).toEqual(['committed']);
    });
  });
});
