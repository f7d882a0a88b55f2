export { parseEnv } from './config/env.ts';
export { ERROR_CODES, type ErrorCode, RelayError } from './errors.ts';
export { type BatchingOptions, KafkajsRecordProducer } from './producer/kafkajs-producer.ts';
export type { Delivery, OutgoingRecord, RecordProducer } from './producer/record-producer.ts';
export { type ProvisionConfig, provisionConfigFromEnv } from './provision/config.ts';
export { DEAD_LETTER_TOPIC, desiredState, QUIZ_SCORES_TOPIC } from './provision/desired.ts';
export { provision } from './provision/provision.ts';
export {
  type CompatibilityLevel,
  type RegisteredSchema,
  SchemaRegistryAdmin,
} from './schema-registry/admin.ts';
export { createRegistryClient, type RegistryClientOptions } from './schema-registry/client.ts';
export { EventSerde, type ResolvedSchema } from './serde/event-serde.ts';
