import { type MessageToProduce, type ProduceResult, ProtocolError } from '@platformatic/kafka';
import { expect, test } from '@relay/testkit/vitest';
import { javaPartition, PlatformaticBatchClient, type ProducerApi } from './platformatic-producer.ts';
import type { OutgoingRecord } from './record-producer.ts';

type Message = MessageToProduce<Buffer, Buffer, Buffer, Buffer>;

const TOPIC = 'adictiz.instant-win.v1';
const PARTITIONS = 3;

/** A key that Kafka's partitioner puts on `partition`, the `n`-th such key. */
function keyOn(partition: number, n: number): string {
  for (let i = 0; ; i++) {
    const key = `user-${partition}-${n}-${i}`;
    if (javaPartition(Buffer.from(key), PARTITIONS) === partition) return key;
  }
}

function record(key: string): OutgoingRecord {
  return { topic: TOPIC, key, value: Buffer.from(key), headers: { ce_id: key } };
}

/** Two records on each partition, in an order that mixes them. */
const records = [0, 1, 2, 0, 1, 2].map((partition, i) => record(keyOn(partition, i)));

/** A producer whose first send fails as `firstFailure` says; every later send stores what it is given. */
class ScriptedProducer implements ProducerApi {
  readonly calls: ({ send: number[] } | 'clearMetadata')[] = [];
  readonly #firstFailure: (producer: ScriptedProducer) => Error;
  readonly #nextOffset = new Map<number, bigint>([
    [0, 100n],
    [1, 200n],
    [2, 300n],
  ]);

  constructor(firstFailure: (producer: ScriptedProducer) => Error) {
    this.#firstFailure = firstFailure;
  }

  async metadata() {
    return { topics: new Map([[TOPIC, { partitionsCount: PARTITIONS }]]) };
  }

  async send({ messages }: { messages: Message[] }): Promise<ProduceResult> {
    const partitions = messages.map((m) => m.partition ?? -1);
    this.calls.push({ send: partitions });
    if (this.calls.filter((call) => call !== 'clearMetadata').length === 1) throw this.#firstFailure(this);
    return { offsets: [...new Set(partitions)].map((partition) => this.#store(partition, partitions)) };
  }

  /** The acknowledgement of a partition's records: where the first went. */
  store(partition: number, count: number): { topic: string; partition: number; offset: bigint } {
    const offset = this.#nextOffset.get(partition) ?? 0n;
    this.#nextOffset.set(partition, offset + BigInt(count));
    return { topic: TOPIC, partition, offset };
  }

  #store(partition: number, partitions: number[]) {
    return this.store(partition, partitions.filter((p) => p === partition).length);
  }

  clearMetadata(): void {
    this.calls.push('clearMetadata');
  }

  async listApis(): Promise<unknown> {
    return [];
  }

  async close(): Promise<void> {}
}

/** The refusal of a leader that stored partition 0 but no longer leads the others. */
function leadersMoved(producer: ScriptedProducer): Error {
  return new ProtocolError('NOT_LEADER_OR_FOLLOWER', null, { produced: { offsets: [producer.store(0, 2)] } });
}

function client(producer: ProducerApi): PlatformaticBatchClient {
  return new PlatformaticBatchClient({ clientId: 'test', brokers: ['127.0.0.1:1'] }, producer);
}

test('after leaders moved, what was not stored goes again after clearing the metadata, one request per partition', async () => {
  const producer = new ScriptedProducer(leadersMoved);

  const deliveries = await client(producer).sendBatch(records);

  expect(producer.calls).toEqual([
    { send: [0, 1, 2, 0, 1, 2] },
    'clearMetadata',
    { send: [1, 1] },
    { send: [2, 2] },
  ]);
  expect(deliveries).toEqual([
    { topic: TOPIC, partition: 0, offset: '100' },
    { topic: TOPIC, partition: 1, offset: '200' },
    { topic: TOPIC, partition: 2, offset: '300' },
    { topic: TOPIC, partition: 0, offset: '101' },
    { topic: TOPIC, partition: 1, offset: '201' },
    { topic: TOPIC, partition: 2, offset: '301' },
  ]);
});

test('a failure that does not say the metadata is stale is not sent again', async () => {
  const producer = new ScriptedProducer(() => new ProtocolError('REQUEST_TIMED_OUT'));

  await expect(client(producer).sendBatch(records)).rejects.toMatchObject({ apiId: 'REQUEST_TIMED_OUT' });
  expect(producer.calls).toEqual([{ send: [0, 1, 2, 0, 1, 2] }]);
});
