import type { derivedEvents } from '@relay/events';
import type { EventSerde } from '@relay/kafka';
import type { Consumer, Kafka } from '@relay/kafkajs';
import type { Leaderboard } from './scoring/leaderboard.ts';
import type { PlayerScore } from './scoring/player-score.ts';

export type QuizScoreStream = typeof derivedEvents.quizScore;

/**
 * Follows the whole compacted scores topic (read-committed) into a leaderboard: every instance
 * answers for every quiz, whichever instance scored it. Starts from the beginning each time (the
 * topic holds one score per player), so it needs no state of its own.
 */
export class ScoresView {
  readonly #consumer: Consumer;
  readonly #kafka: Kafka;
  readonly #serde: EventSerde;
  readonly #stream: QuizScoreStream;
  readonly #board: Leaderboard;
  /** Next offset to read, by partition. */
  readonly #positions = new Map<number, bigint>();
  readonly #waiters = new Set<() => void>();

  constructor(kafka: Kafka, serde: EventSerde, stream: QuizScoreStream, board: Leaderboard, groupId: string) {
    this.#kafka = kafka;
    this.#serde = serde;
    this.#stream = stream;
    this.#board = board;
    this.#consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100, sessionTimeout: 10_000 });
  }

  async start(): Promise<void> {
    // Also told of batches holding only transaction markers, which never reach eachBatch: the end
    // of a partition written transactionally is a marker, and catching up means passing it.
    this.#consumer.on(this.#consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      this.#positions.set(payload.partition, BigInt(payload.lastOffset) + 1n);
      for (const wake of this.#waiters) wake();
    });
    await this.#consumer.connect();
    await this.#consumer.subscribe({ topic: this.#stream.topic, fromBeginning: true });
    await this.#consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          if (message.value === null) {
            const [operationId, ...user] = (message.key?.toString() ?? '').split(':');
            this.#board.remove(operationId ?? '', user.join(':'));
          } else {
            this.#board.upsert(toPlayerScore(await this.#serde.decode(this.#stream, message.value)));
          }
        }
      },
    });
  }

  /** Resolves once the view holds every score committed before this call (the topic's stable offsets). */
  async caughtUp(timeoutMs = 60_000): Promise<void> {
    const admin = this.#kafka.admin();
    await admin.connect();
    let targets: { partition: number; offset: bigint }[];
    try {
      // Read-committed end offsets: records of open transactions are not waited for.
      targets = (await admin.fetchTopicOffsets(this.#stream.topic)).map((p) => ({
        partition: p.partition,
        offset: BigInt(p.high),
      }));
    } finally {
      await admin.disconnect();
    }
    const reached = () =>
      targets.every((t) => t.offset === 0n || (this.#positions.get(t.partition) ?? 0n) >= t.offset);
    if (reached()) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`the scores view did not catch up with ${this.#stream.topic} in ${timeoutMs} ms`));
      }, timeoutMs);
      const check = () => {
        if (!reached()) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve();
      };
      this.#waiters.add(check);
    });
  }

  async stop(): Promise<void> {
    await this.#consumer.disconnect();
  }
}

export function toPlayerScore(value: (typeof derivedEvents.quizScore)['example']): PlayerScore {
  return {
    operationId: value.operation_id,
    userId: value.user_id,
    totalPoints: value.total_points,
    correctAnswers: value.correct_answers,
    questionsAnswered: value.questions_answered,
    firstAnswerAt: value.first_answer_at,
    lastAnswerAt: value.last_answer_at,
    questionIds: value.question_ids,
  };
}
