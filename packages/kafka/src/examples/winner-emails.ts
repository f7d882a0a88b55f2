import type { EventEmitter } from 'node:events';
import { events } from '@relay/events';
import { EventConsumer } from '@relay/kafka';
import { Kafka } from '@relay/kafkajs';

/** Another team's service: an email to every Instant Win winner, at least once, in order per winner. */
export async function startWinnerEmails(options: {
  brokers: string[];
  schemaRegistryUrl: string;
  sendEmail: (userId: string, prize: string) => Promise<void>;
  signals?: EventEmitter;
}): Promise<EventConsumer> {
  const consumer = new EventConsumer({
    kafka: new Kafka({ clientId: 'winner-emails', brokers: options.brokers }),
    schemaRegistryUrl: options.schemaRegistryUrl,
    groupId: 'winner-emails',
  }).on(events.instantWin, async ({ value }) => {
    // `value` is typed from the catalogue: a throw is retried with backoff, then dead-lettered.
    await options.sendEmail(value.user_id ?? value.event_id, value.prize_name ?? 'a prize');
  });
  await consumer.start();
  (options.signals ?? process).once('SIGTERM', () => void consumer.stop());
  return consumer;
}
