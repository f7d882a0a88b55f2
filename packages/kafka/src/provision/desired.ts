import { type AvroRecord, avroSchemaOf, streams } from '@relay/events';
import type { CompatibilityLevel } from '../schema-registry/admin.ts';
import type { ProvisionConfig } from './config.ts';

/** Where the gateway keeps every body it rejected, as received (raw bytes + error headers). */
export const DEAD_LETTER_TOPIC = 'relay.dead-letter.v1';
export const SUBJECT_COMPATIBILITY: CompatibilityLevel = 'BACKWARD_TRANSITIVE';

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

/** What the cluster should hold: every topic and subject of the catalogue, and the dead-letter topic. */
export function desiredState(config: ProvisionConfig, brokerCount: number): DesiredState {
  const replicationFactor = config.replicationFactor ?? Math.min(3, brokerCount);
  const minInsync = String(config.minInsyncReplicas ?? Math.max(1, replicationFactor - 1));
  const topic = (name: string, settings: Record<string, string>): TopicSpec => ({
    name: `${config.prefix}${name}`,
    partitions: config.partitions,
    replicationFactor,
    config: { 'min.insync.replicas': minInsync, ...settings },
  });
  return {
    topics: [
      ...streams.map((d) =>
        topic(
          d.topic,
          d.cleanupPolicy === 'compact'
            ? { 'cleanup.policy': 'compact' }
            : { 'cleanup.policy': 'delete', 'retention.ms': String(config.retentionMs) },
        ),
      ),
      topic(DEAD_LETTER_TOPIC, {
        'cleanup.policy': 'delete',
        'retention.ms': String(config.deadLetterRetentionMs),
      }),
    ],
    subjects: streams.map((d) => ({
      subject: `${config.prefix}${d.subject}`,
      schema: avroSchemaOf(d),
      compatibility: SUBJECT_COMPATIBILITY,
    })),
  };
}
