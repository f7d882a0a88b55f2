import { DEAD_LETTER_TOPIC, KAFKA_ENV } from '@relay/kafka';
import { Type } from '@sinclair/typebox';

/** The settings of `npm run replay`. */
export const ReplayEnv = Type.Object({
  KAFKA_BROKERS: KAFKA_ENV.KAFKA_BROKERS,
  SCHEMA_REGISTRY_URL: KAFKA_ENV.SCHEMA_REGISTRY_URL,
  DEAD_LETTER_TOPIC: Type.String({ default: DEAD_LETTER_TOPIC, description: 'the topic to replay' }),
});
