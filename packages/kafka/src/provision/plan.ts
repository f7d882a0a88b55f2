import type { AvroRecord } from '@relay/events';
import type { CompatibilityLevel } from '../schema-registry/admin.ts';
import type { DesiredState, TopicSpec } from './desired.ts';

export interface CurrentTopic {
  readonly partitions: number;
  readonly replicationFactor: number;
  /** Effective value of every config the relay manages. */
  readonly config: Readonly<Record<string, string>>;
  /** Every config set on the topic itself (kept when the relay changes one of them). */
  readonly overrides: Readonly<Record<string, string>>;
}

export interface CurrentSubject {
  readonly compatibility: CompatibilityLevel | undefined;
  readonly registered: boolean;
  /** Whether the registry would accept the schema; undefined when it is registered already. */
  readonly compatible?: { readonly ok: boolean; readonly messages: readonly string[] };
}

export type Action =
  | { readonly kind: 'create-topic'; readonly topic: TopicSpec }
  | {
      readonly kind: 'alter-topic-config';
      readonly topic: string;
      readonly changes: readonly {
        readonly name: string;
        readonly from: string | undefined;
        readonly to: string;
      }[];
      readonly config: Readonly<Record<string, string>>;
    }
  | {
      readonly kind: 'set-compatibility';
      readonly subject: string;
      readonly from: string | undefined;
      readonly to: CompatibilityLevel;
    }
  | { readonly kind: 'register-schema'; readonly subject: string; readonly schema: AvroRecord };

export interface Plan {
  readonly actions: readonly Action[];
  /** Differences the provisioning will not change by itself (they need a decision). */
  readonly warnings: readonly string[];
  /** Differences that stop the provisioning: nothing is applied while there is one. */
  readonly errors: readonly string[];
}

/** What to change so the cluster holds the desired state. Pure: reading and applying are elsewhere. */
export function planProvisioning(
  desired: DesiredState,
  topics: ReadonlyMap<string, CurrentTopic>,
  subjects: ReadonlyMap<string, CurrentSubject>,
): Plan {
  const actions: Action[] = [];
  const warnings: string[] = [];
  const errors: string[] = [];
  for (const topic of desired.topics) {
    const current = topics.get(topic.name);
    if (current === undefined) {
      actions.push({ kind: 'create-topic', topic });
      continue;
    }
    if (current.partitions !== topic.partitions) {
      warnings.push(
        `${topic.name}: ${current.partitions} partitions, configured ${topic.partitions}; not changed (more partitions move keys, fewer are impossible)`,
      );
    }
    if (current.replicationFactor !== topic.replicationFactor) {
      warnings.push(
        `${topic.name}: replication factor ${current.replicationFactor}, configured ${topic.replicationFactor}; not changed (needs a partition reassignment)`,
      );
    }
    const changes = Object.entries(topic.config)
      .filter(([name, value]) => current.config[name] !== value)
      .map(([name, to]) => ({ name, from: current.config[name], to }));
    if (changes.length > 0) {
      actions.push({
        kind: 'alter-topic-config',
        topic: topic.name,
        changes,
        config: { ...current.overrides, ...topic.config },
      });
    }
  }
  for (const subject of desired.subjects) {
    const current = subjects.get(subject.subject);
    if (current?.compatibility !== subject.compatibility) {
      actions.push({
        kind: 'set-compatibility',
        subject: subject.subject,
        from: current?.compatibility,
        to: subject.compatibility,
      });
    }
    if (current?.registered === true) continue;
    if (current?.compatible?.ok === false) {
      errors.push(
        `${subject.subject}: the schema is not compatible with the registered versions: ${current.compatible.messages.join('; ')}`,
      );
    } else {
      actions.push({ kind: 'register-schema', subject: subject.subject, schema: subject.schema });
    }
  }
  return { actions, warnings, errors };
}

export function describeAction(action: Action): string {
  switch (action.kind) {
    case 'create-topic':
      return `create topic ${action.topic.name} (${action.topic.partitions} partitions, replication factor ${action.topic.replicationFactor}, ${Object.entries(
        action.topic.config,
      )
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')})`;
    case 'alter-topic-config':
      return `alter topic ${action.topic}: ${action.changes.map((c) => `${c.name} ${c.from ?? '(unset)'} -> ${c.to}`).join(', ')}`;
    case 'set-compatibility':
      return `set compatibility of ${action.subject}: ${action.from ?? '(unset)'} -> ${action.to}`;
    case 'register-schema':
      return `register schema ${action.schema.namespace ?? ''}.${action.schema.name} under ${action.subject}`;
  }
}
