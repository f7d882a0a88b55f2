import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { derivedEvents, events } from '@relay/events';
import { eventually, readAll } from '@relay/kafka/test-support';
import { type Admin, Kafka, logLevel } from '@relay/kafkajs';
import { imagesFromEnv, type StartedKafkaCluster, startKafkaCluster } from '@relay/testkit';
import { expect, test } from '@relay/testkit/vitest';
import { pino } from 'pino';
import { prizeWonBody, quizAnswerBody } from './sample-webhooks.ts';
import { type RunningSystem, startSystem } from './system.ts';

const DEADLINE_MS = 3_000;
const PLAYERS = 8;
const QUESTIONS = 10;
const CONCURRENCY = 4;
/** How long the stopped brokers get to serve again with two replicas in sync. */
const RETURN_TIMEOUT_MS = 90_000;
/** Webhooks the campaign keeps for once every broker is back. */
const ALL_BACK_SENDS = 20;

type Phase = 'all up' | 'one down' | 'two down' | 'returning' | 'all back' | 'resent';

interface Outcome {
  readonly id: string;
  readonly phase: Phase;
  readonly status: number;
  readonly startedAt: number;
  readonly endedAt: number;
}

/** A prize or a quiz answer, in the order a campaign would send them. */
interface Webhook {
  readonly id: string;
  readonly kind: 'win' | 'answer';
  readonly body: string;
}

function campaign(run: string): Webhook[] {
  const hooks: Webhook[] = [];
  for (let q = 1; q <= QUESTIONS; q++) {
    for (let p = 1; p <= PLAYERS; p++) {
      const answerId = `${run}-answer-p${p}-q${q}`;
      hooks.push({
        id: answerId,
        kind: 'answer',
        body: quizAnswerBody({
          eventId: answerId,
          operationId: run,
          userId: `player-${p}`,
          questionId: `q${q}`,
          correct: (p + q) % 3 !== 0,
          points: pointsOf(p, q),
          answeredAt: 1_700_000_000 + q * 60 + p,
        }),
      });
      const winId = `${run}-win-p${p}-q${q}`;
      hooks.push({
        id: winId,
        kind: 'win',
        body: prizeWonBody({
          eventId: winId,
          userId: `player-${p}`,
          prizeType: (p + q) % 2 === 0 ? 'code' : 'ifg',
          prizeId: `prize-${q}`,
          prizeName: `Prize of question ${q}`,
          code: `CODE-${p}-${q}`,
        }),
      });
    }
  }
  return hooks;
}

function pointsOf(player: number, question: number): number {
  return (player + question) % 3 !== 0 ? (player % 4) + 1 : 0;
}

/** Samples the smallest in-sync replica set among the partitions the gateway writes to. */
function watchInSyncReplicas(admin: Admin, topics: readonly string[]) {
  const samples: { at: number; minIsr: number }[] = [];
  let watching = true;
  const done = (async () => {
    while (watching) {
      const at = Date.now();
      const metadata = await admin.fetchTopicMetadata({ topics: [...topics] }).catch(() => undefined);
      if (metadata !== undefined) {
        const sizes = metadata.topics.flatMap((topic) => topic.partitions.map((p) => p.isr.length));
        samples.push({ at, minIsr: Math.min(...sizes) });
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  return {
    samples,
    stop: async () => {
      watching = false;
      await done;
    },
  };
}

const SCORING_COUNTERS =
  /^relay_(quiz_answers|consumer_(records_processed|records_dead_lettered|handler_failures|unsettled))/;

/** Every record of a topic, read from the beginning for `settleMs` once in the group, committed only or not. */
async function recordsOf(kafka: Kafka, topic: string, readUncommitted: boolean, settleMs = 3_000) {
  const consumer = kafka.consumer({
    groupId: `${topic}-diagnosis-${randomBytes(3).toString('hex')}`,
    maxWaitTimeInMs: 100,
    readUncommitted,
  });
  const seen: { key: string; id: string; partition: number; offset: string }[] = [];
  const joined = new Promise((resolve) => consumer.on(consumer.events.GROUP_JOIN, resolve));
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const id = message.headers?.['ce_id'];
        seen.push({ key: String(message.key), id: String(id), partition, offset: message.offset });
      },
    });
    await Promise.race([joined, delay(30_000)]);
    await delay(settleMs);
    return seen;
  } finally {
    await consumer.disconnect();
  }
}

/**
 * Why scores are missing, for a failure message: whether the scorer has consumed the answers (its
 * group's offsets against the topic's ends), published their scores at all (every record of the
 * scores topic, aborted ones included) and committed them (what read-committed readers get, and
 * each partition's last stable offset), and what its metrics count.
 */
async function whereScoresStopped(kafka: Kafka, quizUrl: string, keys: readonly string[]) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = async (topic: string) =>
      (await admin.fetchTopicOffsets(topic)).map((p) => `${p.partition}:${p.high}`).join(' ');
    const [group] = await admin.fetchOffsets({
      groupId: 'quiz-scoring',
      topics: [events.questionParticipation.topic],
    });
    const ofKeys = (records: Awaited<ReturnType<typeof recordsOf>>) =>
      records.filter((r) => keys.includes(r.key)).map((r) => `${r.partition}@${r.offset} ${r.id}`);
    const metrics = await fetch(`${quizUrl}/metrics`, { signal: AbortSignal.timeout(5_000) }).then((r) =>
      r.text(),
    );
    return {
      answerEnds: await offsets(events.questionParticipation.topic),
      scorerCommitted: group?.partitions.map((p) => `${p.partition}:${p.offset}`).join(' '),
      scoresStableEnds: await offsets(derivedEvents.quizScore.topic),
      scoresWritten: ofKeys(await recordsOf(kafka, derivedEvents.quizScore.topic, true)),
      scoresCommitted: ofKeys(await recordsOf(kafka, derivedEvents.quizScore.topic, false)),
      metrics: metrics.split('\n').filter((line) => SCORING_COUNTERS.test(line)),
    };
  } finally {
    await admin.disconnect();
  }
}

test('three brokers, min.insync.replicas 2: with one stopped nothing is refused, with two stopped the gateway answers 503 and acknowledges nothing it did not store, and both consumers finish correctly once they return', async ({
  cluster,
  onTestFinished,
  task,
}) => {
  const kafkaCluster: StartedKafkaCluster = await startKafkaCluster({ image: imagesFromEnv().kafka });
  onTestFinished(() => kafkaCluster.stop());
  const kafka = new Kafka({
    clientId: 'three-brokers-test',
    brokers: [...kafkaCluster.brokers],
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  onTestFinished(() => admin.disconnect());

  const run = `rf3-${randomBytes(3).toString('hex')}`;
  let delivered = 0;
  const system: RunningSystem = await startSystem({
    brokers: kafkaCluster.brokers,
    schemaRegistryUrl: cluster.schemaRegistryUrl,
    env: { PUBLISH_DEADLINE_MS: String(DEADLINE_MS), SESSION_TIMEOUT_MS: '10000', LOG_LEVEL: 'silent' },
    onDelivery: () => {
      delivered++;
    },
    // RF3_LOG=warn shows the services' logs.
    logger: pino({ level: process.env['RF3_LOG'] ?? 'silent' }),
  });
  onTestFinished(() => system.stop());

  // Provisioned from the cluster's size: three copies, two needed in sync.
  const groupDeadLetters = ['prize-fulfilment.dead-letter.v1', 'quiz-scoring.dead-letter.v1'];
  const replicated = [events.instantWin.topic, events.questionParticipation.topic, ...groupDeadLetters];
  const metadata = await admin.fetchTopicMetadata({ topics: replicated });
  for (const topic of metadata.topics)
    expect(
      topic.partitions.every((p) => p.replicas.length === 3),
      topic.name,
    ).toBe(true);
  const configs = await admin.describeConfigs({
    resources: replicated.map((name) => ({ type: 2, name, configNames: ['min.insync.replicas'] })),
    includeSynonyms: false,
  });
  for (const resource of configs.resources)
    expect(resource.configEntries[0]?.configValue, resource.resourceName).toBe('2');

  const isr = watchInSyncReplicas(admin, [events.instantWin.topic, events.questionParticipation.topic]);
  const hooks = campaign(run);
  const outcomes: Outcome[] = [];
  let next = 0;
  let phase: Phase = 'all up';
  const post = async (hook: Webhook) => {
    const startedAt = Date.now();
    const response = await fetch(`${system.gatewayUrl}/webhooks/adictiz`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${system.tokens.adictiz}` },
      body: hook.body,
      signal: AbortSignal.timeout(DEADLINE_MS + 5_000),
    });
    await response.body?.cancel();
    outcomes.push({ id: hook.id, phase, status: response.status, startedAt, endedAt: Date.now() });
  };
  /** Sends the campaign's next webhooks, CONCURRENCY at a time, until `enough` says so. */
  const send = async (enough: () => boolean) => {
    const worker = async () => {
      while (!enough() && next < hooks.length) await post(hooks[next++] as Webhook);
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  };
  const sentIn = (p: Phase) => outcomes.filter((o) => o.phase === p).length;
  const refusedIn = (p: Phase) => outcomes.filter((o) => o.phase === p && o.status === 503).length;

  await send(() => sentIn('all up') >= 40);
  phase = 'one down';
  await kafkaCluster.stopBroker(2);
  await send(() => sentIn('one down') >= 40);
  phase = 'two down';
  await kafkaCluster.stopBroker(3);
  await send(() => refusedIn('two down') >= 8 || sentIn('two down') >= 40);
  phase = 'returning';
  let brokersBack = false;
  const returning = Promise.all([kafkaCluster.startBroker(2), kafkaCluster.startBroker(3)]).then(() => {
    brokersBack = true;
  });
  const returnedAt = Date.now();
  // Back once both brokers serve and every partition has two replicas in sync again.
  const backInSync = () => brokersBack && (isr.samples.at(-1)?.minIsr ?? 0) >= 2;
  // Some webhooks are kept for after the return: a slow return once took them all, and nothing
  // was left to show that publishing carries on without a 503 once the brokers are back.
  await send(
    () =>
      Date.now() - returnedAt > RETURN_TIMEOUT_MS || backInSync() || hooks.length - next <= ALL_BACK_SENDS,
  );
  await returning;
  await eventually(
    backInSync,
    Math.max(0, returnedAt + RETURN_TIMEOUT_MS - Date.now()),
    'two replicas in sync again',
  );
  phase = 'all back';
  await send(() => false);
  expect(sentIn('all back')).toBeGreaterThanOrEqual(ALL_BACK_SENDS);
  // A sender answered 503 sends again later, as Retry-After says.
  phase = 'resent';
  const refused = [...new Set(outcomes.filter((o) => o.status === 503).map((o) => o.id))];
  for (const id of refused) await post(hooks.find((hook) => hook.id === id) as Webhook);
  await isr.stop();

  // Every answer is 202, 503, or, for a webhook sent again, 200: a publish that outlived its
  // 503 was stored after all, and the gateway says it is a duplicate instead of storing it twice.
  const isAcknowledged = (o: Outcome) => o.status === 202 || (o.status === 200 && o.phase === 'resent');
  expect(outcomes.filter((o) => !isAcknowledged(o) && o.status !== 503)).toEqual([]);
  // A refusal with the in-sync replica counts seen while it lasted, to tell why it happened.
  const refusal = (o: Outcome) => ({
    id: o.id,
    ms: o.endedAt - o.startedAt,
    isr: isr.samples.filter((s) => s.at >= o.startedAt - 500 && s.at <= o.endedAt).map((s) => s.minIsr),
  });
  expect(
    Object.fromEntries(
      (['all up', 'one down', 'all back', 'resent'] as const).map((p) => [
        p,
        outcomes.filter((o) => o.phase === p && o.status === 503).map(refusal),
      ]),
    ),
  ).toEqual({ 'all up': [], 'one down': [], 'all back': [], resent: [] });
  expect(refusedIn('two down')).toBeGreaterThan(0);
  // Each 503 overlaps a time when some partition had fewer than two replicas in sync.
  const underReplicated = isr.samples.filter((s) => s.minIsr < 2).map((s) => s.at);
  for (const o of outcomes.filter((o) => o.status === 503)) {
    expect(
      underReplicated.some((at) => at >= o.startedAt - 1_000 && at <= o.endedAt + 1_000),
      `503 for ${o.id} in phase ${o.phase}`,
    ).toBe(true);
    expect(o.endedAt - o.startedAt).toBeLessThan(DEADLINE_MS + 1_000);
  }

  // Nothing acknowledged is lost.
  const acknowledged = new Set(outcomes.filter(isAcknowledged).map((o) => o.id));
  expect(acknowledged.size).toBe(hooks.length);
  const wins = hooks.filter((hook) => hook.kind === 'win');
  const answers = hooks.filter((hook) => hook.kind === 'answer');
  const stored = new Set<string>();
  for (const [topic, count] of [
    [events.instantWin.topic, wins.length],
    [events.questionParticipation.topic, answers.length],
  ] as const) {
    for (const record of await readAll(kafka, topic, count, 60_000, 1_000))
      stored.add(record.headers['ce_id'] ?? '');
  }
  expect([...acknowledged].filter((id) => !stored.has(id))).toEqual([]);

  // Prize fulfilment: every prize fulfilled, one derived event each.
  const statuses = async () => {
    const counts: Record<string, number> = {};
    for (const win of wins) {
      const response = await fetch(`${system.fulfilmentUrl}/fulfilments/by-event/${win.id}`, {
        signal: AbortSignal.timeout(5_000),
      });
      const status =
        response.status === 404 ? 'not received' : ((await response.json()) as { status: string }).status;
      counts[status] = (counts[status] ?? 0) + 1;
    }
    return counts;
  };
  let seen: Record<string, number> = {};
  await eventually(
    async () => {
      seen = await statuses();
      return seen['fulfilled'] === wins.length;
    },
    120_000,
    'every prize fulfilled',
  ).catch((error: unknown) => {
    throw new Error(`${String(error)}: ${JSON.stringify(seen)}`);
  });
  const fulfilled = await readAll(kafka, 'fulfilment.prize-fulfilled.v1', wins.length, 120_000, 2_000);
  const perWin = new Map<string, number>();
  for (const record of fulfilled) {
    // A derived event's id is the InstantWin's: one outcome per prize won.
    const id = record.headers['ce_id'] ?? '';
    perWin.set(id, (perWin.get(id) ?? 0) + 1);
  }
  for (const win of wins) {
    const response = await fetch(`${system.fulfilmentUrl}/fulfilments/by-event/${win.id}`, {
      signal: AbortSignal.timeout(5_000),
    });
    expect(((await response.json()) as { status: string }).status, win.id).toBe('fulfilled');
  }
  // Each win without exactly one outcome, with how many it has: none (lost) or more (written twice).
  const notOnce = wins.filter((win) => perWin.get(win.id) !== 1);
  expect(Object.fromEntries(notOnce.map((win) => [win.id, perWin.get(win.id) ?? 0]))).toEqual({});
  expect(fulfilled).toHaveLength(wins.length);

  // Quiz scoring: every player scored on every question, counted once.
  let board: { user_id: string; total_points: number; questions_answered: number }[] = [];
  await eventually(
    async () => {
      const response = await fetch(`${system.quizUrl}/operations/${run}/leaderboard?limit=${PLAYERS}`, {
        signal: AbortSignal.timeout(5_000),
      });
      board = ((await response.json()) as { leaderboard: typeof board }).leaderboard;
      return board.length === PLAYERS && board.every((row) => row.questions_answered === QUESTIONS);
    },
    120_000,
    'every answer scored',
  ).catch(async (error: unknown) => {
    // What was missing, and what the service said of itself: a stuck scorer and a stuck view differ.
    const ready = await fetch(`${system.quizUrl}/readyz`, { signal: AbortSignal.timeout(5_000) }).then(
      async (response) => `${response.status} ${await response.text()}`,
      (readyError: unknown) => String(readyError),
    );
    const short = board.filter((row) => row.questions_answered < QUESTIONS);
    // Players short of answers or missing from the board, by their scores' key.
    const unfinished = Array.from({ length: PLAYERS }, (_, index) => `player-${index + 1}`)
      .filter((id) => !board.some((row) => row.user_id === id && row.questions_answered === QUESTIONS))
      .map((id) => `${run}:${id}`);
    const where = await whereScoresStopped(kafka, system.quizUrl, unfinished).catch(
      (diagnosisError: unknown) => `no diagnosis: ${String(diagnosisError)}`,
    );
    throw new Error(
      `${String(error)}: ${board.length} of ${PLAYERS} players on the board, ${short.length} short of ${QUESTIONS} answers (${JSON.stringify(short.slice(0, 5))}); /readyz ${ready}; ${JSON.stringify(where)}`,
    );
  });
  const expected = Array.from({ length: PLAYERS }, (_, index) => {
    const player = index + 1;
    let total = 0;
    for (let q = 1; q <= QUESTIONS; q++) total += pointsOf(player, q);
    return { user_id: `player-${player}`, total_points: total, questions_answered: QUESTIONS };
  });
  expect(
    board.map(({ user_id, total_points, questions_answered }) => ({
      user_id,
      total_points,
      questions_answered,
    })),
  ).toEqual(expect.arrayContaining(expected));
  // Every version of every score committed, not only the last: a transaction whose outputs were lost
  // while its offsets committed shows here even when a later score covers it on the board. Read
  // whatever is missing: from the first record, what follows within 5 s (a few fetches).
  const versions = await readAll(kafka, derivedEvents.quizScore.topic, 1, 60_000, 5_000);
  const committedVersions = new Set(versions.map((record) => record.headers['ce_id']));
  const missingVersions = expected.flatMap(({ user_id }) =>
    Array.from({ length: QUESTIONS }, (_, n) => `${run}:${user_id}:${n + 1}`).filter(
      (id) => !committedVersions.has(id),
    ),
  );
  expect(missingVersions).toEqual([]);

  const summary = {
    sent: outcomes.length,
    acknowledged: acknowledged.size,
    foundOnTopics: [...acknowledged].filter((id) => stored.has(id)).length,
    refused: Object.fromEntries(
      (['all up', 'one down', 'two down', 'returning', 'all back', 'resent'] as const).map((p) => [
        p,
        `${refusedIn(p)}/${sentIn(p)}`,
      ]),
    ),
    storedDespite503: outcomes.filter((o) => o.phase === 'resent' && o.status === 200).length,
    endpointDeliveries: delivered,
  };
  // The figures, in the report (reports/vitest.json), which .ci/run prints.
  Object.assign(task.meta, { figures: summary });
}, 420_000);
