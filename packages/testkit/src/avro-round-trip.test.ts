/**
 * The path every relay record takes, end to end on the real broker and registry: register an
 * Avro schema, produce a Confluent-framed record with headers, consume it, decode it.
 */
import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { type IHeaders, Partitioners } from '@relay/kafkajs';
import { getSubjectCompatibility, setSubjectCompatibility } from './schema-registry-admin.ts';
import { expect, test } from './vitest/index.ts';

const schema = {
  type: 'record',
  name: 'RoundTrip',
  namespace: 'relay.test',
  fields: [
    { name: 'event_id', type: 'string' },
    { name: 'occurred_at', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'score', type: ['null', 'int'], default: null },
    { name: 'extra', type: { type: 'map', values: 'string' }, default: {} },
  ],
};

test('an Avro record survives register, produce, consume and decode in the Confluent wire format', async ({
  kafka,
  topics,
  cluster,
}) => {
  const topic = await topics.create('round-trip');
  const subject = `${topic}-value`;
  const registry = new SchemaRegistry({ host: cluster.schemaRegistryUrl });

  await setSubjectCompatibility(cluster.schemaRegistryUrl, subject, 'BACKWARD');
  const { id } = await registry.register(
    { type: SchemaType.AVRO, schema: JSON.stringify(schema) },
    { subject, compatibility: COMPATIBILITY.BACKWARD },
  );
  expect(await getSubjectCompatibility(cluster.schemaRegistryUrl, subject)).toBe('BACKWARD');

  const event = {
    event_id: 'sb4dk8nyiwf',
    occurred_at: Date.parse('2018-10-16T15:39:11.000Z'),
    score: 7,
    extra: { language: 'fr' },
  };
  const headers = {
    ce_specversion: '1.0',
    ce_id: event.event_id,
    ce_type: 'relay.test.RoundTrip',
    'content-type': 'application/avro',
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  };
  const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  await producer.send({
    topic,
    acks: -1,
    messages: [{ key: 'op:user', value: await registry.encode(id, event), headers }],
  });
  await producer.disconnect();

  const consumer = kafka.consumer({ groupId: `${topic}-reader`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const received = await new Promise<{ key: string | undefined; value: Buffer; headers: IHeaders }>(
    (resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no record within 20 s')), 20_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          clearTimeout(timer);
          if (message.value === null) reject(new Error('record without value'));
          else
            resolve({ key: message.key?.toString(), value: message.value, headers: message.headers ?? {} });
        },
      });
    },
  ).finally(() => consumer.disconnect());

  expect(received.value.readUInt8(0)).toBe(0);
  expect(received.value.readInt32BE(1)).toBe(id);
  expect(await registry.decode(received.value)).toEqual(event);
  expect(received.key).toBe('op:user');
  expect(Object.fromEntries(Object.entries(received.headers).map(([k, v]) => [k, v?.toString()]))).toEqual(
    headers,
  );
});
