import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { events, exampleOf, normalise } from '@relay/events';
import { expect, test } from '@relay/testkit/vitest';
import { EventPublisher } from '../producer/event-publisher.ts';
import { KafkajsRecordProducer } from '../producer/kafkajs-producer.ts';
import { eventually, provisionCatalogue, testSerde } from '../test-support.ts';
import { startWinnerEmails } from './winner-emails.ts';

test('the README example is this file, word for word', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  expect(readme).toContain(readFileSync(new URL('./winner-emails.ts', import.meta.url), 'utf8'));
});

test("the README example emails each winner of the catalogue's InstantWin topic, and stops on SIGTERM", async ({
  cluster,
  kafka,
}) => {
  await provisionCatalogue(cluster);
  const serde = await testSerde(cluster, [events.instantWin]);
  const producer = new KafkajsRecordProducer(kafka);
  await producer.connect();
  const run = `emails-${Date.now()}`;
  const win = normalise({ source: 'adictiz', body: exampleOf(events.instantWin).body });
  if (!win.ok) throw new Error(win.detail);
  for (const user of ['ada', 'grace'])
    await new EventPublisher(producer, serde).publish(events.instantWin, {
      ...win.event,
      event_id: `${run}-${user}`,
      user_id: `${run}-${user}`,
      prize_name: 'Voucher',
    });
  await producer.disconnect();

  const sent: string[] = [];
  const signals = new EventEmitter();
  const consumer = await startWinnerEmails({
    brokers: [...cluster.brokers],
    schemaRegistryUrl: cluster.schemaRegistryUrl,
    sendEmail: async (userId, prize) => {
      if (userId.startsWith(run)) sent.push(`${userId}: ${prize}`);
    },
    signals,
  });
  await eventually(() => sent.length === 2, 30_000, 'both winners emailed');
  signals.emit('SIGTERM');
  await eventually(() => !consumer.running, 10_000, 'stopped');
  expect(sent.sort()).toEqual([`${run}-ada: Voucher`, `${run}-grace: Voucher`]);
});
