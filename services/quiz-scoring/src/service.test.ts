import { derivedEvents, events, exampleOf, normalise } from '@relay/events';
import type { EventSerde } from '@relay/kafka';
import { eventually, isolate, readAll, testPublisher, testServiceSettings } from '@relay/kafka/test-support';
import { test as base, describe, expect } from '@relay/testkit/vitest';
import { pino } from 'pino';
import type { QuizScoringConfig } from './config.ts';
import type { QuestionParticipation } from './scoring/player-score.ts';
import { createQuizScoring, type QuizScoring, type QuizScoringStreams } from './service.ts';

const QUIZ = 'quiz-2026';

/** One answer, shaped like the documented QuestionParticipation. */
function answer(
  user: string,
  question: string,
  points: number,
  correct: boolean,
  at: number,
): QuestionParticipation {
  const result = normalise({
    source: 'adictiz',
    body: exampleOf(events.questionParticipation).body,
    receivedAt: 1,
  });
  if (!result.ok) throw new Error(result.detail);
  const documented = result.event as QuestionParticipation;
  return {
    ...documented,
    event_id: `${user}-${question}-${at}`,
    operation_id: QUIZ,
    user_id: user,
    occurred_at: at,
    questions: [
      { ...documented.questions?.[0], id_question: question, is_correct: correct, points } as never,
    ],
  };
}

/** 4 players, 3 questions: grace and linus tie on points, linus completing first. */
const QUIZ_ANSWERS = [
  answer('ada', 'q1', 10, true, 1_000),
  answer('grace', 'q1', 10, true, 1_100),
  answer('linus', 'q1', 0, false, 1_050),
  answer('margaret', 'q1', 10, true, 1_200),
  answer('ada', 'q2', 10, true, 2_000),
  answer('grace', 'q2', 0, false, 2_300),
  answer('linus', 'q2', 10, true, 2_050),
  answer('margaret', 'q2', 0, false, 2_200),
  answer('ada', 'q3', 10, true, 3_000),
  answer('grace', 'q3', 10, true, 3_500),
  answer('linus', 'q3', 10, true, 3_100),
  answer('margaret', 'q3', 0, false, 3_200),
];

const EXPECTED = [
  { rank: 1, user_id: 'ada', total_points: 30, correct_answers: 3, questions_answered: 3 },
  { rank: 2, user_id: 'linus', total_points: 20, correct_answers: 2, questions_answered: 3 },
  { rank: 3, user_id: 'grace', total_points: 20, correct_answers: 2, questions_answered: 3 },
  { rank: 4, user_id: 'margaret', total_points: 10, correct_answers: 1, questions_answered: 3 },
];

interface World {
  readonly streams: QuizScoringStreams;
  readonly serde: EventSerde;
  start(): Promise<QuizScoring>;
  send(answers: readonly QuestionParticipation[]): Promise<void>;
}

const test = base.extend<{ world: World }>({
  world: async ({ kafka, topics, cluster, task }, use) => {
    const streams: QuizScoringStreams = {
      questionParticipation: await isolate(
        events.questionParticipation,
        topics,
        cluster.schemaRegistryUrl,
        2,
      ),
      quizScore: await isolate(derivedEvents.quizScore, topics, cluster.schemaRegistryUrl, 2, {
        'cleanup.policy': 'compact',
        'segment.ms': '100',
        'min.cleanable.dirty.ratio': '0.001',
        'delete.retention.ms': '100',
      }),
    };
    const { serde, publisher, disconnect } = await testPublisher(kafka, cluster, [
      streams.questionParticipation,
      streams.quizScore,
    ]);
    const running: QuizScoring[] = [];
    const config: QuizScoringConfig = {
      ...testServiceSettings(cluster, `quiz-scoring-${task.id}`),
      transactionalId: `quiz-scoring-${task.id}`,
      exactlyOnce: true,
    };
    await use({
      streams,
      serde,
      async start() {
        const service = createQuizScoring(config, pino({ level: 'silent' }), streams);
        await service.start();
        running.push(service);
        return service;
      },
      async send(answers) {
        for (const value of answers) await publisher.publish(streams.questionParticipation, value);
      },
    });
    for (const service of running) await service.stop().catch(() => {});
    await disconnect();
  },
});

async function leaderboardOf(service: QuizScoring) {
  const response = await service.app.request(`/operations/${QUIZ}/leaderboard?limit=10`);
  const body = (await response.json()) as { leaderboard: Record<string, unknown>[] };
  return body.leaderboard.map(({ rank, user_id, total_points, correct_answers, questions_answered }) => ({
    rank,
    user_id,
    total_points,
    correct_answers,
    questions_answered,
  }));
}

async function settled(service: QuizScoring) {
  await eventually(
    async () => JSON.stringify(await leaderboardOf(service)) === JSON.stringify(EXPECTED),
    30_000,
    'the expected leaderboard',
  );
  return leaderboardOf(service);
}

describe('quiz scoring', () => {
  test('a quiz of several questions from several players gives the expected leaderboard, ties ranked by earliest completion', async ({
    world,
  }) => {
    const service = await world.start();
    await world.send(QUIZ_ANSWERS);

    expect(await settled(service)).toEqual(EXPECTED);
    const linus = await (await service.app.request(`/operations/${QUIZ}/players/linus`)).json();
    expect(linus).toMatchObject({
      rank: 2,
      total_points: 20,
      first_answer_at: new Date(1_050).toISOString(),
      last_answer_at: new Date(3_100).toISOString(),
    });
    expect((await service.app.request(`/operations/${QUIZ}/players/nobody`)).status).toBe(404);
    expect((await service.app.request(`/operations/${QUIZ}/leaderboard?limit=0`)).status).toBe(400);
  }, 60_000);

  test('duplicate answers and a restart in the middle of the stream give the same scores; the compacted topic keeps one latest score per player', async ({
    world,
    kafka,
  }) => {
    const first = await world.start();
    const [firstHalf, secondHalf] = [QUIZ_ANSWERS.slice(0, 7), QUIZ_ANSWERS.slice(7)];
    await world.send([...firstHalf, ...firstHalf.slice(0, 3)]);
    await eventually(
      async () => (await leaderboardOf(first)).length === 4,
      30_000,
      'every player scored once',
    );
    await first.stop();

    const second = await world.start();
    // Redeliveries of answers already counted, with their questions, and the rest of the quiz.
    await world.send([...secondHalf, QUIZ_ANSWERS[0] as QuestionParticipation, ...secondHalf]);
    expect(await settled(second)).toEqual(EXPECTED);

    // Roll the active segment so that the cleaner may compact every score written.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: world.streams.quizScore.topic,
      messages: [0, 1].map((partition) => ({ key: 'roll', value: null, partition })),
    });
    await producer.disconnect();
    let lastSeen: (string | undefined)[] = [];
    await eventually(
      async () => {
        const records = await readAll(kafka, world.streams.quizScore.topic, 1, 10_000, 500);
        const keys = records.filter((r) => r.value !== null).map((r) => r.key?.toString());
        lastSeen = keys;
        return keys.length === 4 && new Set(keys).size === 4;
      },
      60_000,
      'one score per player after compaction',
    ).catch((error: Error) => {
      throw new Error(`${error.message}; the topic holds ${JSON.stringify(lastSeen)}`);
    });
    const latest = await readAll(kafka, world.streams.quizScore.topic, 4, 10_000, 500);
    const scores = await Promise.all(
      latest
        .filter((r) => r.value !== null)
        .map(async (r) => world.serde.decode(world.streams.quizScore, r.value as Buffer)),
    );
    expect(scores.map((s) => [s.user_id, s.total_points, s.questions_answered]).sort()).toEqual([
      ['ada', 30, 3],
      ['grace', 20, 3],
      ['linus', 20, 3],
      ['margaret', 10, 3],
    ]);
  }, 120_000);

  test('an answer naming no player goes to the dead letters, and scoring goes on', async ({
    world,
    kafka,
    task,
  }) => {
    const service = await world.start();
    const nameless = { ...(QUIZ_ANSWERS[0] as QuestionParticipation), event_id: 'nameless', user_id: null };
    await world.send([nameless, ...QUIZ_ANSWERS]);

    expect(await settled(service)).toEqual(EXPECTED);
    const [letter] = await readAll(kafka, `quiz-scoring-${task.id}.dead-letter.v1`, 1);
    expect(letter?.headers).toMatchObject({
      ce_id: 'nameless',
      relay_error_code: 'HANDLER_FAILED',
      relay_attempts: '1',
    });
  }, 60_000);
});
