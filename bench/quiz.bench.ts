/**
 * `npm run bench:quiz`: in one run, against real Kafka on loopback,
 *   1. answers scored per second end to end (answers on their topic -> scores visible to a
 *      read-committed reader of the scores topic), with transactions (exactly once), against the
 *      same pipeline with transactions off (at least once), alternating over several rounds;
 *   2. leaderboard query latency for a quiz of 100,000 players, through the service's HTTP routes
 *      (in process), against sorting the players at every query (the naive baseline).
 */
import { events, exampleOf, normalise, type ValueOf } from '@relay/events';
import {
  createRegistryClient,
  EventSerde,
  provision,
  provisionConfigFromEnv,
  SchemaRegistryAdmin,
  withTopicPrefix,
} from '@relay/kafka';
import { Kafka, logLevel } from '@relay/kafkajs';
import {
  catalogueStreams,
  createQuizScoring,
  Leaderboard,
  operationRoutes,
  type PlayerScore,
} from '@relay/quiz-scoring';
import { startCluster } from '@relay/testkit';
import { pino } from 'pino';

const PLAYERS = Number(process.env['BENCH_PLAYERS'] ?? 2_000);
const QUESTIONS = Number(process.env['BENCH_QUESTIONS'] ?? 10);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 2);
const BOARD_PLAYERS = 100_000;
const QUERIES = 2_000;
const print = (line = '') => process.stdout.write(`${line}\n`);
const answers = PLAYERS * QUESTIONS;

const cluster = await startCluster();
const kafka = new Kafka({
  clientId: 'bench-quiz',
  brokers: [...cluster.brokers],
  logLevel: logLevel.NOTHING,
});
const registry = createRegistryClient(cluster.schemaRegistryUrl);
const registryAdmin = new SchemaRegistryAdmin(cluster.schemaRegistryUrl);
const documented = normalise({ source: 'adictiz', body: exampleOf(events.questionParticipation).body });
if (!documented.ok) throw new Error(documented.detail);
const base = documented.event as ValueOf<typeof events.questionParticipation>;

/** A catalogue of its own, holding every answer of the quiz, produced in big batches. */
async function preparedTopics(prefix: string) {
  const admin = kafka.admin();
  await admin.connect();
  const env = {
    KAFKA_BROKERS: cluster.brokers.join(','),
    SCHEMA_REGISTRY_URL: cluster.schemaRegistryUrl,
    RELAY_TOPIC_PREFIX: prefix,
  };
  await provision({ ...provisionConfigFromEnv(env), partitions: 3 }, admin, registryAdmin);
  await admin.disconnect();
  const input = withTopicPrefix(events.questionParticipation, prefix);
  const serde = await EventSerde.resolve(registry, registryAdmin, [input]);
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  for (let q = 0; q < QUESTIONS; q++) {
    const messages = await Promise.all(
      Array.from({ length: PLAYERS }, async (_, p) => {
        const value = {
          ...base,
          event_id: `p${p}-q${q}`,
          operation_id: 'bench-quiz',
          user_id: `player-${p}`,
          occurred_at: 1_000_000 + q * 1_000 + p,
          questions: [
            { ...base.questions?.[0], id_question: `q${q}`, is_correct: p % 2 === 0, points: q } as never,
          ],
        };
        return { key: `bench-quiz:player-${p}`, value: serde.encode(input, value) };
      }),
    );
    await producer.send({ topic: input.topic, acks: -1, messages });
  }
  await producer.disconnect();
}

/** Starts the service on a prepared catalogue; answers per second from the first score seen to the last. */
async function scoringRate(prefix: string, exactlyOnce: boolean): Promise<number> {
  const scores = catalogueStreams(prefix).quizScore;
  let seen = 0;
  let first = 0;
  let last = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  const reader = kafka.consumer({ groupId: `${prefix}reader`, maxWaitTimeInMs: 50 });
  await reader.connect();
  await reader.subscribe({ topic: scores.topic, fromBeginning: true });
  await reader.run({
    eachBatch: async ({ batch }) => {
      if (seen === 0) first = performance.now();
      seen += batch.messages.length;
      if (seen >= answers) {
        last = performance.now();
        done();
      }
    },
  });
  const service = createQuizScoring(
    {
      port: 0,
      host: '127.0.0.1',
      brokers: [...cluster.brokers],
      schemaRegistryUrl: cluster.schemaRegistryUrl,
      topicPrefix: prefix,
      groupId: `${prefix}quiz-scoring`,
      transactionalId: `${prefix}quiz-scoring`,
      exactlyOnce,
      sessionTimeoutMs: 10_000,
      shutdownTimeoutMs: 10_000,
      logLevel: 'silent',
    },
    pino({ level: 'silent' }),
  );
  await service.start();
  await finished;
  await service.stop();
  await reader.disconnect();
  return answers / ((last - first) / 1000);
}

print(`${answers} answers (${PLAYERS} players x ${QUESTIONS} questions), 3 partitions`);
const rates = { exactlyOnce: [] as number[], atLeastOnce: [] as number[] };
for (let round = 1; round <= ROUNDS; round++) {
  for (const exactlyOnce of [true, false]) {
    const prefix = `bench${round}${exactlyOnce ? 'eo' : 'alo'}.`;
    await preparedTopics(prefix);
    (exactlyOnce ? rates.exactlyOnce : rates.atLeastOnce).push(await scoringRate(prefix, exactlyOnce));
  }
  print(
    `round ${round}: transactions ${rates.exactlyOnce.at(-1)?.toFixed(0)} answers/s, no transactions ${rates.atLeastOnce.at(-1)?.toFixed(0)} answers/s`,
  );
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
print();
print(
  '| pipeline (answers topic -> scores topic, read committed) | answers/s (median) | vs no transactions |',
);
print('|---|---|---|');
print(`| transactions off (at least once) | ${median(rates.atLeastOnce).toFixed(0)} | 100 % |`);
print(
  `| transactions on (exactly once) | ${median(rates.exactlyOnce).toFixed(0)} | ${((median(rates.exactlyOnce) / median(rates.atLeastOnce)) * 100).toFixed(1)} % |`,
);
await cluster.stop();

// Leaderboard queries, in process: the service's routes on a board of 100,000 players.
const board = new Leaderboard();
const all: PlayerScore[] = [];
for (let p = 0; p < BOARD_PLAYERS; p++) {
  const score: PlayerScore = {
    operationId: 'big-quiz',
    userId: `player-${p}`,
    totalPoints: (p * 7919) % 1_000,
    correctAnswers: 10,
    questionsAnswered: 10,
    firstAnswerAt: 0,
    lastAnswerAt: (p * 104_729) % 100_000,
    questionIds: [],
  };
  all.push(score);
  board.upsert(score);
}
const app = operationRoutes(board);

async function latencies(
  query: (i: number) => Promise<unknown> | unknown,
): Promise<{ p50: number; p99: number }> {
  const times: number[] = [];
  for (let i = 0; i < QUERIES; i++) {
    const started = performance.now();
    await query(i);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(QUERIES * 0.5)] ?? 0, p99: times[Math.floor(QUERIES * 0.99)] ?? 0 };
}

const naive = await latencies(() =>
  [...all].sort((a, b) => b.totalPoints - a.totalPoints || a.lastAnswerAt - b.lastAnswerAt).slice(0, 100),
);
const top = await latencies(async () =>
  (await app.request('/operations/big-quiz/leaderboard?limit=100')).json(),
);
const player = await latencies(async (i) =>
  (await app.request(`/operations/big-quiz/players/player-${(i * 37) % BOARD_PLAYERS}`)).json(),
);
const updates = await latencies((i) =>
  board.upsert({ ...(all[(i * 31) % BOARD_PLAYERS] as PlayerScore), totalPoints: i }),
);
print();
print(`| leaderboard of ${BOARD_PLAYERS} players (${QUERIES} queries each) | p50 ms | p99 ms |`);
print('|---|---|---|');
print(`| baseline: sort every player, then top 100 | ${naive.p50.toFixed(3)} | ${naive.p99.toFixed(3)} |`);
print(
  `| GET /operations/:id/leaderboard?limit=100 (HTTP in process) | ${top.p50.toFixed(3)} | ${top.p99.toFixed(3)} |`,
);
print(
  `| GET /operations/:id/players/:userId (rank included) | ${player.p50.toFixed(3)} | ${player.p99.toFixed(3)} |`,
);
print(`| a score update (re-ranking one player) | ${updates.p50.toFixed(3)} | ${updates.p99.toFixed(3)} |`);
