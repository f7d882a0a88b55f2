import { type Admin, ConfigResourceTypes } from '@relay/kafkajs';
import type { SchemaRegistryAdmin } from '../schema-registry/admin.ts';
import type { DesiredState } from './desired.ts';
import type { CurrentSubject, CurrentTopic } from './plan.ts';

/** kafkajs' ConfigSource for a value set on the topic itself. */
const DYNAMIC_TOPIC_CONFIG = 1;

export async function readTopics(admin: Admin, desired: DesiredState): Promise<Map<string, CurrentTopic>> {
  const existing = new Set(await admin.listTopics());
  const names = desired.topics.map((t) => t.name).filter((name) => existing.has(name));
  if (names.length === 0) return new Map();
  const [{ topics: metadata }, { resources }] = await Promise.all([
    admin.fetchTopicMetadata({ topics: names }),
    admin.describeConfigs({
      includeSynonyms: false,
      resources: names.map((name) => ({ type: ConfigResourceTypes.TOPIC, name })),
    }),
  ]);
  const managed = new Set(desired.topics.flatMap((t) => Object.keys(t.config)));
  return new Map(
    names.map((name) => {
      const partitions = metadata.find((t) => t.name === name)?.partitions ?? [];
      const entries = resources.find((r) => r.resourceName === name)?.configEntries ?? [];
      const topic: CurrentTopic = {
        partitions: partitions.length,
        replicationFactor: partitions[0]?.replicas.length ?? 0,
        config: Object.fromEntries(
          entries.filter((e) => managed.has(e.configName)).map((e) => [e.configName, e.configValue]),
        ),
        overrides: Object.fromEntries(
          entries
            .filter((e) => (e as { configSource?: number }).configSource === DYNAMIC_TOPIC_CONFIG)
            .map((e) => [e.configName, e.configValue]),
        ),
      };
      return [name, topic];
    }),
  );
}

export async function readSubjects(
  registry: SchemaRegistryAdmin,
  desired: DesiredState,
): Promise<Map<string, CurrentSubject>> {
  const entries = await Promise.all(
    desired.subjects.map(async (spec): Promise<[string, CurrentSubject]> => {
      const [compatibility, registered] = await Promise.all([
        registry.compatibility(spec.subject),
        registry.lookup(spec.subject, spec.schema),
      ]);
      if (registered !== undefined) return [spec.subject, { compatibility, registered: true }];
      const verdict = await registry.testCompatibility(spec.subject, spec.schema);
      return [
        spec.subject,
        {
          compatibility,
          registered: false,
          compatible: { ok: verdict.compatible, messages: verdict.messages },
        },
      ];
    }),
  );
  return new Map(entries);
}
