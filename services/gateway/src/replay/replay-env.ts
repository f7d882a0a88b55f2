import { KAFKA_ENV } from '@relay/kafka';
import { Type } from '@sinclair/typebox';

/** The settings of `npm run replay`. */
export const ReplayEnv = Type.Object({
  KAFKA_BROKERS: KAFKA_ENV.KAFKA_BROKERS,
  SCHEMA_REGISTRY_URL: KAFKA_ENV.SCHEMA_REGISTRY_URL,
  RELAY_TOPIC_PREFIX: KAFKA_ENV.RELAY_TOPIC_PREFIX,
  DEAD_LETTER_TOPIC: Type.Optional(
    Type.String({
      minLength: 1,
      description: 'the topic to replay; default `<RELAY_TOPIC_PREFIX>relay.dead-letter.v1`',
    }),
  ),
});
