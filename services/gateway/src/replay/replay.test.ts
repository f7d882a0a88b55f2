import { events, exampleOf } from '@relay/events';
import { KafkajsRecordProducer } from '@relay/kafka';
import { provisionCatalogue, testSerde } from '@relay/kafka/test-support';
import type { Kafka } from '@relay/kafkajs';
import { uniqueName } from '@relay/testkit';
import { expect, test } from '@relay/testkit/vitest';
import { DEAD_LETTER_HEADERS, DeadLetterWriter } from '../publish/dead-letters.ts';
import { publishedCatalogue } from '../publish/published-catalogue.ts';
import { REPLAY_COUNT_HEADER, replayDeadLetters } from './replay.ts';

async function recordsOf(
  kafka: Kafka,
  topic: string,
  match: (headers: Record<string, string>) => boolean,
  waitMs = 5_000,
) {
  const found: Record<string, string>[] = [];
  const consumer = kafka.consumer({ groupId: uniqueName('replay-check'), maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve) => {
    setTimeout(resolve, waitMs);
    void consumer.run({
      eachMessage: async ({ message }) => {
        const headers = Object.fromEntries(
          Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]),
        );
        if (match(headers)) found.push(headers);
      },
    });
  });
  await consumer.disconnect();
  return found;
}

test('replay publishes the dead letters that now pass, re-queues the rest, and never replays one twice', async ({
  kafka,
  topics,
  cluster,
}) => {
  await provisionCatalogue(cluster);
  const deadLetterTopic = await topics.create('dead-letters');
  const producer = new KafkajsRecordProducer(kafka);
  await producer.connect();
  const serde = await testSerde(cluster, [events.instantWin, events.fileUpload]);
  try {
    const run = uniqueName('replay');
    const instantWin = { ...JSON.parse(exampleOf(events.instantWin).body), request_id: `${run}-iw` };
    const fileUpload = { ...JSON.parse(exampleOf(events.fileUpload).body), request_id: `${run}-fu` };
    const writer = new DeadLetterWriter(producer, deadLetterTopic);
    const letter = {
      receivedAt: Date.now(),
      senderAddress: '127.0.0.1',
      contentType: 'application/json',
      detail: 'then',
    };
    // Rejected then (say, before a schema change); valid now.
    await writer.write({
      ...letter,
      body: Buffer.from(JSON.stringify(instantWin)),
      code: 'schema_violation',
      source: 'adictiz',
      path: '/webhooks/adictiz',
      requestId: `${run}-1`,
    });
    await writer.write({
      ...letter,
      body: Buffer.from(JSON.stringify(fileUpload)),
      code: 'unknown_event_type',
      source: 'adictiz',
      path: '/webhooks/adictiz/FileUpload',
      requestId: `${run}-2`,
    });
    await writer.write({
      ...letter,
      body: Buffer.from('{"broken": '),
      code: 'malformed_json',
      source: 'komo',
      path: '/webhooks/komo',
      requestId: `${run}-3`,
    });
    const options = { kafka, producer, serde, deadLetterTopic, groupId: `${run}-group` };

    expect(await replayDeadLetters({ ...options, dryRun: true })).toEqual({
      read: 3,
      published: 2,
      stillFailing: 1,
    });
    expect(await replayDeadLetters(options)).toEqual({ read: 3, published: 2, stillFailing: 1 });
    expect(await replayDeadLetters(options)).toEqual({ read: 1, published: 0, stillFailing: 1 });

    expect(
      await recordsOf(kafka, events.instantWin.topic, (h) => h['ce_id'] === instantWin.request_id),
    ).toHaveLength(1);
    expect(
      await recordsOf(kafka, events.fileUpload.topic, (h) => h['ce_id'] === fileUpload.request_id),
    ).toHaveLength(1);
    const requeued = await recordsOf(
      kafka,
      deadLetterTopic,
      (h) => h[DEAD_LETTER_HEADERS.requestId] === `${run}-3`,
    );
    expect(requeued.map((h) => h[REPLAY_COUNT_HEADER])).toEqual([undefined, '1', '2']);
    expect(requeued.at(-1)?.[DEAD_LETTER_HEADERS.code]).toBe('malformed_json');
  } finally {
    await producer.disconnect();
  }
}, 120_000);

test('under RELAY_TOPIC_PREFIX, replay publishes to the prefixed topics', async ({ kafka, cluster }) => {
  const prefix = `${uniqueName('replay')}.`;
  await provisionCatalogue(cluster, 1, prefix);
  const catalogue = publishedCatalogue(prefix);
  const producer = new KafkajsRecordProducer(kafka);
  await producer.connect();
  try {
    const serde = await testSerde(cluster, catalogue.definitions);
    const instantWin = { ...JSON.parse(exampleOf(events.instantWin).body), request_id: `${prefix}iw` };
    await new DeadLetterWriter(producer, catalogue.deadLetterTopic).write({
      receivedAt: Date.now(),
      senderAddress: '127.0.0.1',
      contentType: 'application/json',
      detail: 'then',
      body: Buffer.from(JSON.stringify(instantWin)),
      code: 'schema_violation',
      source: 'adictiz',
      path: '/webhooks/adictiz',
      requestId: `${prefix}1`,
    });

    const report = await replayDeadLetters({
      kafka,
      producer,
      serde,
      catalogue,
      deadLetterTopic: catalogue.deadLetterTopic,
      groupId: `${prefix}group`,
    });

    expect(report).toEqual({ read: 1, published: 1, stillFailing: 0 });
    expect(
      await recordsOf(
        kafka,
        `${prefix}${events.instantWin.topic}`,
        (h) => h['ce_id'] === instantWin.request_id,
      ),
    ).toHaveLength(1);
  } finally {
    await producer.disconnect();
  }
}, 60_000);
