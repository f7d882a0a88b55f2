import { randomUUID } from 'node:crypto';
import { derivedEvents, events } from '@relay/events';
import {
  createRegistryClient,
  EventConsumer,
  EventSerde,
  kafkaClient,
  SchemaRegistryAdmin,
  withTopicPrefix,
} from '@relay/kafka';
import { keepTrying, probeRoutes, type RunnableService } from '@relay/service';
import { Hono } from 'hono';
import type { Logger } from 'pino';
import type { QuizScoringConfig } from './config.ts';
import { createMetrics } from './metrics.ts';
import { operationRoutes } from './routes/operations.ts';
import { ScoresView } from './scores-view.ts';
import { Leaderboard } from './scoring/leaderboard.ts';
import { ScoringState } from './scoring/scoring-state.ts';
import { scoringHandler } from './scoring-handler.ts';

export interface QuizScoringStreams {
  readonly questionParticipation: typeof events.questionParticipation;
  readonly quizScore: typeof derivedEvents.quizScore;
}

/** The catalogue's topics, under the prefix they were provisioned with. */
export function catalogueStreams(prefix: string): QuizScoringStreams {
  return {
    questionParticipation: withTopicPrefix(events.questionParticipation, prefix),
    quizScore: withTopicPrefix(derivedEvents.quizScore, prefix),
  };
}

export interface QuizScoring extends RunnableService {
  readonly app: Hono;
  readonly leaderboard: Leaderboard;
}

/**
 * Scores quiz answers exactly once: each new score is written to the compacted scores topic in
 * the same Kafka transaction as the consumer offset of the answer. The scorer's state is rebuilt
 * from that topic whenever partitions are assigned, so any instance can take over from another.
 */
export function createQuizScoring(
  config: QuizScoringConfig,
  logger: Logger,
  streams: QuizScoringStreams = catalogueStreams(config.topicPrefix),
): QuizScoring {
  const metrics = createMetrics();
  const kafka = kafkaClient('quiz-scoring', config.brokers);
  const leaderboard = new Leaderboard();
  const state = new ScoringState();
  let view: ScoresView | undefined;
  let consumer: EventConsumer | undefined;
  let stopping = false;

  const app = new Hono();
  app.route('/', operationRoutes(leaderboard));
  app.route(
    '/',
    probeRoutes({
      registry: metrics.registry,
      notReadyBecause: () => [
        ...(stopping ? ['shutting down'] : []),
        ...(consumer?.notReadyBecause() ?? ['the consumer is not running']),
      ],
    }),
  );

  async function startOnce(): Promise<void> {
    const serde = await EventSerde.resolve(
      createRegistryClient(config.schemaRegistryUrl),
      new SchemaRegistryAdmin(config.schemaRegistryUrl),
      [streams.questionParticipation, streams.quizScore],
    );
    // A group of its own per process: every instance reads every score.
    view ??= new ScoresView(
      kafka,
      serde,
      streams.quizScore,
      leaderboard,
      `${config.groupId}.view.${randomUUID()}`,
    );
    await view.start();
    consumer = new EventConsumer({
      kafka,
      serde,
      groupId: config.groupId,
      sessionTimeoutMs: config.sessionTimeoutMs,
      ...(config.exactlyOnce
        ? {
            transactional: {
              transactionalId: config.transactionalId,
              onCommitted: () => state.commit(),
              onAborted: () => state.abort(),
            },
          }
        : {}),
      publishes: [streams.quizScore],
      onAssigned: async () => {
        // Every committed score, the latest transactions of a previous owner included.
        await view?.caughtUp();
        state.reset(leaderboard.scores());
      },
      metrics: metrics.registry,
      logger,
    }).on(
      streams.questionParticipation,
      scoringHandler({
        state,
        scores: streams.quizScore,
        metrics,
        // Without a transaction, a score is final once the broker acknowledged it.
        commitAfterPublish: !config.exactlyOnce,
      }),
    );
    await consumer.start();
  }

  return {
    app,
    leaderboard,
    async start() {
      await keepTrying(
        'starting',
        async () => {
          try {
            await startOnce();
          } catch (error) {
            await view?.stop().catch(() => {});
            view = undefined;
            throw error;
          }
        },
        { logger, stopped: () => stopping },
      );
    },
    async stop() {
      stopping = true;
      await consumer?.stop();
      await view?.stop();
    },
  };
}
