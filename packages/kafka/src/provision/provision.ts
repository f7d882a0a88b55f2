import { type Admin, ConfigResourceTypes } from '@relay/kafkajs';
import { RelayError } from '../errors.ts';
import type { SchemaRegistryAdmin } from '../schema-registry/admin.ts';
import { readSubjects, readTopics } from './cluster-state.ts';
import type { ProvisionConfig } from './config.ts';
import { createTopicsAndWait } from './create-topic.ts';
import { desiredState } from './desired.ts';
import { type Action, type Plan, planProvisioning } from './plan.ts';

export interface ProvisionResult {
  readonly plan: Plan;
  readonly applied: boolean;
}

async function apply(action: Action, admin: Admin, registry: SchemaRegistryAdmin): Promise<void> {
  switch (action.kind) {
    case 'create-topic': {
      const { topic } = action;
      await createTopicsAndWait(admin, [
        {
          topic: topic.name,
          numPartitions: topic.partitions,
          replicationFactor: topic.replicationFactor,
          configEntries: Object.entries(topic.config).map(([name, value]) => ({ name, value })),
        },
      ]);
      return;
    }
    case 'alter-topic-config':
      // AlterConfigs replaces the topic's whole set of overrides, so the ones already there are sent too.
      await admin.alterConfigs({
        validateOnly: false,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: action.topic,
            configEntries: Object.entries(action.config).map(([name, value]) => ({ name, value })),
          },
        ],
      });
      return;
    case 'set-compatibility':
      await registry.setCompatibility(action.subject, action.to);
      return;
    case 'register-schema':
      await registry.register(action.subject, action.schema);
      return;
  }
}

/**
 * Makes the cluster hold every topic and subject of the catalogue, as configured. Idempotent:
 * a second run finds nothing to do. With `dryRun`, only plans.
 */
export async function provision(
  config: ProvisionConfig,
  admin: Admin,
  registry: SchemaRegistryAdmin,
  options: { dryRun?: boolean; onAction?: (action: Action) => void } = {},
): Promise<ProvisionResult> {
  const { brokers } = await admin.describeCluster();
  const desired = desiredState(config, brokers.length);
  const [topics, subjects] = await Promise.all([readTopics(admin, desired), readSubjects(registry, desired)]);
  const plan = planProvisioning(desired, topics, subjects);
  if (options.dryRun === true || plan.errors.length > 0) return { plan, applied: false };
  for (const action of plan.actions) {
    try {
      await apply(action, admin, registry);
    } catch (error) {
      throw new RelayError('PROVISIONING_FAILED', `${action.kind} failed`, { cause: error });
    }
    options.onAction?.(action);
  }
  return { plan, applied: true };
}
