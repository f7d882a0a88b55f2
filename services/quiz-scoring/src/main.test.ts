import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { events, exampleOf, normalise } from '@relay/events';
import { eventually, provisionCatalogue, testPublisher } from '@relay/kafka/test-support';
import { uniqueName } from '@relay/testkit';
import { expect, test } from '@relay/testkit/vitest';
import getPort from 'get-port';
import { Leaderboard } from './scoring/leaderboard.ts';
import {
  applyAnswer,
  type PlayerScore,
  type QuestionParticipation,
  scoreKey,
} from './scoring/player-score.ts';
import { catalogueStreams } from './service.ts';

const main = fileURLToPath(new URL('./main.ts', import.meta.url));
const QUIZ = 'live-quiz';
const PLAYERS = 30;
const QUESTIONS = 6;

function answers(): QuestionParticipation[] {
  const documented = normalise({ source: 'adictiz', body: exampleOf(events.questionParticipation).body });
  if (!documented.ok) throw new Error(documented.detail);
  const base = documented.event as QuestionParticipation;
  const all: QuestionParticipation[] = [];
  for (let q = 1; q <= QUESTIONS; q++) {
    for (let p = 0; p < PLAYERS; p++) {
      const value = {
        ...base,
        event_id: `p${p}-q${q}`,
        operation_id: QUIZ,
        user_id: `player-${p}`,
        occurred_at: 1_000_000 + q * 10_000 + p * 10,
        questions: [
          {
            ...base.questions?.[0],
            id_question: `q${q}`,
            is_correct: (p + q) % 3 !== 0,
            points: (p * q) % 7,
          } as never,
        ],
      };
      all.push(value);
      // The sender sends some answers again.
      if ((p + q) % 5 === 0) all.push({ ...value, event_id: `${value.event_id}-again` });
    }
  }
  return all;
}

/** What the leaderboard must be: the answers scored one by one, without Kafka. */
function expectedTop(all: readonly QuestionParticipation[]) {
  const scores = new Map<string, PlayerScore>();
  for (const value of all) {
    const key = scoreKey(QUIZ, value.user_id ?? '');
    const next = applyAnswer(scores.get(key), value);
    if (next !== undefined) scores.set(key, next);
  }
  const board = new Leaderboard();
  for (const score of scores.values()) board.upsert(score);
  return board.top(QUIZ, PLAYERS).map(({ rank, score }) => [rank, score.userId, score.totalPoints]);
}

test('two instances in one group, one killed during the stream: the final leaderboard is right, nothing counted twice', async ({
  cluster,
  kafka,
}) => {
  const prefix = `${uniqueName('qs')}.`;
  await provisionCatalogue(cluster, 4, prefix);
  const streams = catalogueStreams(prefix);
  const { publisher, disconnect } = await testPublisher(kafka, cluster, [streams.questionParticipation]);

  const children: ChildProcess[] = [];
  const instance = async (name: string) => {
    const port = await getPort();
    const child = spawn(process.execPath, ['--disable-warning=TimeoutNegativeWarning', main], {
      env: {
        ...process.env,
        KAFKA_BROKERS: cluster.brokers.join(','),
        SCHEMA_REGISTRY_URL: cluster.schemaRegistryUrl,
        RELAY_TOPIC_PREFIX: prefix,
        GROUP_ID: `${prefix}quiz-scoring`,
        TRANSACTIONAL_ID: `${prefix}${name}`,
        SESSION_TIMEOUT_MS: '6000',
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    children.push(child);
    const url = `http://127.0.0.1:${port}`;
    await eventually(
      async () => (await fetch(`${url}/readyz`).catch(() => undefined))?.status === 200,
      60_000,
      `${name} ready`,
    );
    return { child, url };
  };

  try {
    const a = await instance('a');
    const b = await instance('b');
    const all = answers();
    const half = Math.floor(all.length / 2);
    for (const value of all.slice(0, half)) await publisher.publish(streams.questionParticipation, value);
    a.child.kill('SIGKILL');
    await once(a.child, 'exit');
    for (const value of all.slice(half)) await publisher.publish(streams.questionParticipation, value);

    const expected = expectedTop(all);
    let seen: unknown[] = [];
    await eventually(
      async () => {
        const response = await fetch(`${b.url}/operations/${QUIZ}/leaderboard?limit=${PLAYERS}`);
        const body = (await response.json()) as {
          leaderboard: { rank: number; user_id: string; total_points: number; questions_answered: number }[];
        };
        seen = body.leaderboard.map((r) => [r.rank, r.user_id, r.total_points]);
        return (
          body.leaderboard.length === PLAYERS &&
          body.leaderboard.every((r) => r.questions_answered === QUESTIONS) &&
          JSON.stringify(seen) === JSON.stringify(expected)
        );
      },
      120_000,
      'the surviving instance showing the final leaderboard',
    ).catch((error: Error) => {
      throw new Error(`${error.message}: ${JSON.stringify(seen)}`);
    });
    expect(seen).toEqual(expected);
  } finally {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await disconnect();
  }
}, 240_000);
