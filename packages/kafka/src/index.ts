export { parseEnv } from './config/env.ts';
export {
  type ConsumerSettings,
  commaSeparated,
  consumerEnv,
  consumerSettings,
  KAFKA_ENV,
  kafkaClient,
} from './config/kafka-env.ts';
export { CONSUMER_DEAD_LETTER_HEADERS, deadLetterTopicOf } from './consumer/dead-letter.ts';
export {
  type CloudEventAttributes,
  type ConsumedEvent,
  type ConsumerLogger,
  EventConsumer,
  type EventConsumerOptions,
  type EventHandler,
  type HandlerContext,
  type RetryOptions,
} from './consumer/event-consumer.ts';
export { ERROR_CODES, type ErrorCode, RelayError } from './errors.ts';
export { type BatchingOptions, BatchingRecordProducer } from './producer/batching-producer.ts';
export { EventPublisher, type Publishable, type PublishableValue } from './producer/event-publisher.ts';
export { KafkajsRecordProducer } from './producer/kafkajs-producer.ts';
export {
  type PlatformaticProducerOptions,
  PlatformaticRecordProducer,
} from './producer/platformatic-producer.ts';
export type { Delivery, OutgoingRecord, RecordHeaders, RecordProducer } from './producer/record-producer.ts';
export {
  PRODUCER_THREAD_NAME,
  type ThreadedProducerOptions,
  ThreadedRecordProducer,
} from './producer/threaded-producer.ts';
export { type ProvisionConfig, ProvisionEnv, provisionConfigFromEnv } from './provision/config.ts';
export { DEAD_LETTER_TOPIC, desiredState, replicationFor, withTopicPrefix } from './provision/desired.ts';
export { provision } from './provision/provision.ts';
export {
  type CompatibilityLevel,
  type RegisteredSchema,
  SchemaRegistryAdmin,
} from './schema-registry/admin.ts';
export { createRegistryClient, type RegistryClientOptions } from './schema-registry/client.ts';
export { EventSerde, type ResolvedSchema } from './serde/event-serde.ts';
