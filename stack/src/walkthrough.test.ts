import { randomBytes } from 'node:crypto';
import { derivedEvents } from '@relay/events';
import { EventConsumer } from '@relay/kafka';
import { eventually } from '@relay/kafka/test-support';
import { Kafka, logLevel } from '@relay/kafkajs';
import { expect, test } from '@relay/testkit/vitest';
import { pino } from 'pino';
import { prizeWonBody, quizAnswerBody } from './sample-webhooks.ts';
import { startSystem } from './system.ts';

/**
 * The relay end to end, through its front door, as a newcomer would try it: webhooks in over
 * HTTP, derived events out of Kafka, answers from the services' HTTP APIs.
 */
test('walkthrough: a prize and a quiz webhook in; the prize fulfilled, the scores published and the leaderboard out', async ({
  cluster,
  onTestFinished,
}) => {
  const run = `walkthrough-${randomBytes(4).toString('hex')}`;

  // 1. The relay: topics and schemas provisioned, the gateway, prize fulfilment (delivering ifg
  //    and normal prizes to a local stand-in endpoint) and quiz scoring, each on its own port.
  const relay = await startSystem({
    brokers: cluster.brokers,
    schemaRegistryUrl: cluster.schemaRegistryUrl,
    groupPrefix: `${run}.`,
    logger: pino({ level: 'silent' }),
  });
  onTestFinished(() => relay.stop());

  // 2. Adictiz tells us a player won a prize, and that three players answered the quiz.
  const webhook = (body: string) =>
    fetch(`${relay.gatewayUrl}/webhooks/adictiz`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${relay.tokens.adictiz}` },
      body,
      signal: AbortSignal.timeout(10_000),
    });
  const prize = await webhook(
    prizeWonBody({
      eventId: `${run}-win`,
      userId: 'ada',
      prizeType: 'code',
      prizeId: 'welcome',
      prizeName: 'Welcome voucher',
      code: 'WELCOME-2026',
    }),
  );
  // 202 once Kafka has stored the event: the topic, partition and offset say where.
  expect(prize.status).toBe(202);
  expect(await prize.json()).toMatchObject({ event_id: `${run}-win`, topic: 'adictiz.instant-win.v1' });

  const answers = [
    { userId: 'ada', questionId: 'q1', correct: true, points: 10, answeredAt: 1_760_000_000 },
    { userId: 'grace', questionId: 'q1', correct: true, points: 10, answeredAt: 1_760_000_002 },
    { userId: 'linus', questionId: 'q1', correct: false, points: 0, answeredAt: 1_760_000_001 },
    { userId: 'ada', questionId: 'q2', correct: true, points: 5, answeredAt: 1_760_000_030 },
  ];
  for (const [index, answer] of answers.entries()) {
    const response = await webhook(
      quizAnswerBody({ ...answer, operationId: run, eventId: `${run}-answer-${index}` }),
    );
    expect(response.status).toBe(202);
  }

  // 3. Another team's consumer sees the derived events: typed, decoded, with their keys.
  const fulfilled: { eventId: string; code: string | null }[] = [];
  const scores = new Map<string, number>();
  const consumer = new EventConsumer({
    kafka: new Kafka({ clientId: run, brokers: [...cluster.brokers], logLevel: logLevel.NOTHING }),
    schemaRegistryUrl: cluster.schemaRegistryUrl,
    groupId: `${run}.reader`,
  })
    .on(derivedEvents.prizeFulfilled, async ({ value }) => {
      if (value.event_id.startsWith(run)) fulfilled.push({ eventId: value.event_id, code: value.code });
    })
    .on(derivedEvents.quizScore, async ({ key, value }) => {
      if (value.operation_id === run) scores.set(key ?? '', value.total_points);
    });
  await consumer.start();
  onTestFinished(() => consumer.stop());

  await eventually(
    () => fulfilled.length === 1,
    30_000,
    'the prize fulfilled on fulfilment.prize-fulfilled.v1',
  );
  expect(fulfilled).toEqual([{ eventId: `${run}-win`, code: 'WELCOME-2026' }]);
  // Scores are keyed by player, so they arrive on several partitions: wait for all three.
  await eventually(
    () => scores.size === 3 && scores.get(`${run}:ada`) === 15,
    30_000,
    'every latest score on quiz.scores.v1',
  );
  expect(Object.fromEntries(scores)).toEqual({
    [`${run}:ada`]: 15,
    [`${run}:grace`]: 10,
    [`${run}:linus`]: 0,
  });

  // 4. The services answer over HTTP: the prize's status, and the leaderboard.
  const status = await fetch(`${relay.fulfilmentUrl}/fulfilments/by-event/${run}-win`);
  expect(await status.json()).toMatchObject({ status: 'fulfilled', method: 'code', user_id: 'ada' });
  const leaderboard = await fetch(`${relay.quizUrl}/operations/${run}/leaderboard?limit=10`);
  expect(((await leaderboard.json()) as { leaderboard: unknown[] }).leaderboard).toMatchObject([
    { rank: 1, user_id: 'ada', total_points: 15, questions_answered: 2 },
    { rank: 2, user_id: 'grace', total_points: 10, questions_answered: 1 },
    { rank: 3, user_id: 'linus', total_points: 0, questions_answered: 1 },
  ]);
}, 120_000);
