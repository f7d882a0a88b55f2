export {
  type ClusterAddresses,
  ClusterStartError,
  parseBrokers,
  type RelayCluster,
  type StartClusterOptions,
  startCluster,
} from './cluster.ts';
export { type EngineState, ensureContainerEngine, useAvailableContainerEngine } from './container-engine.ts';
export {
  containerOwnerArgs,
  containerOwnerLabels,
  isOrphaned,
  RUN_LABEL,
  removeOrphanedContainers,
} from './container-owner.ts';
export { APICURIO_VERSION, type Images, imagesFromEnv, KAFKA_VERSION } from './images.ts';
export { type KafkaClusterOptions, type StartedKafkaCluster, startKafkaCluster } from './kafka-cluster.ts';
export { type KafkaContainerOptions, type StartedKafka, startKafkaContainer } from './kafka-container.ts';
export { listeningSockets } from './listening-sockets.ts';
export {
  type LosableRequest,
  losingRequests,
  losingResponses,
  losingResponsesOnEveryConnection,
} from './lost-responses.ts';
export { getOver, openConnection } from './raw-connection.ts';
export {
  type CompatibilityLevel,
  deleteSubject,
  getSubjectCompatibility,
  setSubjectCompatibility,
} from './schema-registry-admin.ts';
export {
  CONFLUENT_API_PATH,
  type SchemaRegistryContainerOptions,
  type StartedSchemaRegistry,
  startSchemaRegistryContainer,
} from './schema-registry-container.ts';
export { type TestTopicOptions, TestTopics, uniqueName } from './topics.ts';
