/**
 * Broker settings every test cluster shares, as the official image's KAFKA_* variables: the
 * internal topics replicated as the cluster allows, rebalances and compaction at a test's pace,
 * no topic created by accident.
 */
export function sharedBrokerSettings(options: {
  readonly replicationFactor: number;
  readonly minInsyncReplicas: number;
  readonly heap?: string;
}): Record<string, string> {
  const replicas = String(options.replicationFactor);
  const minIsr = String(options.minInsyncReplicas);
  return {
    KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: replicas,
    KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS: '1',
    KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: replicas,
    KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: minIsr,
    KAFKA_TRANSACTION_STATE_LOG_NUM_PARTITIONS: '1',
    KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: replicas,
    KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR: minIsr,
    KAFKA_MIN_INSYNC_REPLICAS: minIsr,
    KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
    KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
    // Compaction within a test's time: the cleaner looks for work every second, not every 15.
    KAFKA_LOG_CLEANER_BACKOFF_MS: '1000',
    KAFKA_HEAP_OPTS: `-Xms256m -Xmx${options.heap ?? '768m'}`,
  };
}

/** Logged by a KRaft node, broker or controller, once it serves. */
export const KAFKA_STARTED = /Kafka Server started/;
