import { hostname } from 'node:os';
import { type ConsumerSettings, consumerEnv, consumerSettings, KAFKA_ENV, parseEnv } from '@relay/kafka';
import { type ServiceProcessConfig, serviceEnv, serviceSettings } from '@relay/service';
import { Type } from '@sinclair/typebox';

export const QuizScoringEnv = Type.Object({
  ...serviceEnv(8082),
  ...KAFKA_ENV,
  ...consumerEnv('quiz-scoring'),
  TRANSACTIONAL_ID: Type.Optional(
    Type.String({
      minLength: 1,
      description:
        'Kafka transactional id, unique per instance and stable across its restarts; default <GROUP_ID>-<hostname>',
    }),
  ),
  EXACTLY_ONCE: Type.Boolean({
    default: true,
    description:
      "scores written in the transaction of the answers' offsets; false: at least once (a crash may republish a score, never count an answer twice)",
  }),
});

export interface QuizScoringConfig extends ServiceProcessConfig, ConsumerSettings {
  readonly transactionalId: string;
  readonly exactlyOnce: boolean;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): QuizScoringConfig {
  const e = parseEnv(QuizScoringEnv, env);
  return {
    ...serviceSettings(e),
    ...consumerSettings(e),
    transactionalId: e.TRANSACTIONAL_ID ?? `${e.GROUP_ID}-${hostname()}`,
    exactlyOnce: e.EXACTLY_ONCE,
  };
}
