import { type AvroRecord, avroSchemaOf, type StreamDefinition, streams } from '@relay/events';
import type { CompatibilityLevel } from '../schema-registry/admin.ts';
import type { ProvisionConfig } from './config.ts';

/** Where the gateway keeps every body it rejected, as received (raw bytes + error headers). */
export const DEAD_LETTER_TOPIC = 'relay.dead-letter.v1';
export const SUBJECT_COMPATIBILITY: CompatibilityLevel = 'BACKWARD_TRANSITIVE';

/**
 * The definition as provisioned under a prefix (RELAY_TOPIC_PREFIX): its topic and its subject
 * both prefixed, so several copies of the catalogue can share one cluster and one registry.
 */
export function withTopicPrefix<D extends StreamDefinition<unknown>>(definition: D, prefix: string): D {
  return prefix === ''
    ? definition
    : { ...definition, topic: `${prefix}${definition.topic}`, subject: `${prefix}${definition.subject}` };
}

export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly config: Readonly<Record<string, string>>;
}

export interface SubjectSpec {
  readonly subject: string;
  readonly schema: AvroRecord;
  readonly compatibility: CompatibilityLevel;
}

export interface DesiredState {
  readonly topics: readonly TopicSpec[];
  readonly subjects: readonly SubjectSpec[];
}

/**
 * The replication of every topic the relay creates, unless configured: three copies where the
 * cluster has three brokers, and `acks=all` writes needing all but one, so one broker may be down.
 */
export function replicationFor(
  brokerCount: number,
  config: {
    readonly replicationFactor?: number | undefined;
    readonly minInsyncReplicas?: number | undefined;
  } = {},
): { readonly replicationFactor: number; readonly minInsyncReplicas: number } {
  const replicationFactor = config.replicationFactor ?? Math.min(3, brokerCount);
  return {
    replicationFactor,
    minInsyncReplicas: config.minInsyncReplicas ?? Math.max(1, replicationFactor - 1),
  };
}

/** What the cluster should hold: every topic and subject of the catalogue, and the dead-letter topic. */
export function desiredState(config: ProvisionConfig, brokerCount: number): DesiredState {
  const { replicationFactor, minInsyncReplicas } = replicationFor(brokerCount, config);
  const minInsync = String(minInsyncReplicas);
  const topic = (name: string, settings: Record<string, string>): TopicSpec => ({
    name,
    partitions: config.partitions,
    replicationFactor,
    config: { 'min.insync.replicas': minInsync, ...settings },
  });
  return {
    topics: [
      ...streams.map((d) =>
        topic(
          withTopicPrefix(d, config.prefix).topic,
          d.cleanupPolicy === 'compact'
            ? { 'cleanup.policy': 'compact' }
            : { 'cleanup.policy': 'delete', 'retention.ms': String(config.retentionMs) },
        ),
      ),
      topic(`${config.prefix}${DEAD_LETTER_TOPIC}`, {
        'cleanup.policy': 'delete',
        'retention.ms': String(config.deadLetterRetentionMs),
      }),
    ],
    subjects: streams.map((d) => ({
      subject: withTopicPrefix(d, config.prefix).subject,
      schema: avroSchemaOf(d),
      compatibility: SUBJECT_COMPATIBILITY,
    })),
  };
}
