import { derivedEvents, streams } from '@relay/events';
import { type Admin, ConfigResourceTypes } from '@relay/kafkajs';
import { uniqueName } from '@relay/testkit';
import { describe, expect, test } from '@relay/testkit/vitest';
import { SchemaRegistryAdmin } from '../schema-registry/admin.ts';
import type { ProvisionConfig } from './config.ts';
import { DEAD_LETTER_TOPIC } from './desired.ts';
import { provision } from './provision.ts';

function configFor(cluster: { brokers: readonly string[]; schemaRegistryUrl: string }): ProvisionConfig {
  return {
    brokers: [...cluster.brokers],
    schemaRegistryUrl: cluster.schemaRegistryUrl,
    partitions: 2,
    replicationFactor: undefined,
    minInsyncReplicas: undefined,
    retentionMs: 86_400_000,
    deadLetterRetentionMs: 172_800_000,
    // A unique prefix keeps this run's topics and subjects apart from every other test's.
    prefix: `${uniqueName('prov')}.`,
  };
}

async function topicConfig(admin: Admin, topic: string, name: string): Promise<string | undefined> {
  const { resources } = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: [name] }],
  });
  return resources[0]?.configEntries[0]?.configValue;
}

async function removeAll(
  admin: Admin,
  registry: SchemaRegistryAdmin,
  config: ProvisionConfig,
): Promise<void> {
  const topics = (await admin.listTopics()).filter((t) => t.startsWith(config.prefix));
  if (topics.length > 0) await admin.deleteTopics({ topics });
  const subjects = (await registry.subjects()).filter((s) => s.startsWith(config.prefix));
  await Promise.all(
    subjects.map(async (subject) => {
      for (const query of ['', '?permanent=true']) {
        await fetch(`${config.schemaRegistryUrl}/subjects/${encodeURIComponent(subject)}${query}`, {
          method: 'DELETE',
          signal: AbortSignal.timeout(5_000),
        });
      }
    }),
  );
}

/** A unique provisioning configuration; its topics and subjects are removed after the test. */
const it = test.extend<{ config: ProvisionConfig; registry: SchemaRegistryAdmin }>({
  registry: async ({ cluster }, use) => {
    await use(new SchemaRegistryAdmin(cluster.schemaRegistryUrl));
  },
  config: async ({ cluster, admin, registry }, use) => {
    const config = configFor(cluster);
    await use(config);
    await removeAll(admin, registry, config);
  },
});

describe('provisioning against real Kafka and registry', () => {
  it('creates every topic and subject, then a second run changes nothing', async ({
    admin,
    config,
    registry,
  }) => {
    const first = await provision(config, admin, registry);
    const second = await provision(config, admin, registry);

    const created = first.plan.actions.filter((a) => a.kind === 'create-topic').map((a) => a.topic.name);
    expect(created.sort()).toEqual(
      [...streams.map((d) => d.topic), DEAD_LETTER_TOPIC].map((t) => config.prefix + t).sort(),
    );
    expect(first.plan.actions.filter((a) => a.kind === 'register-schema')).toHaveLength(streams.length);
    expect(second.plan).toEqual({ actions: [], warnings: [], errors: [] });

    const instantWin = `${config.prefix}adictiz.instant-win.v1`;
    const [metadata] = (await admin.fetchTopicMetadata({ topics: [instantWin] })).topics;
    expect(metadata?.partitions).toHaveLength(2);
    expect(await topicConfig(admin, instantWin, 'retention.ms')).toBe('86400000');
    expect(await topicConfig(admin, instantWin, 'min.insync.replicas')).toBe('1');
    expect(await topicConfig(admin, `${config.prefix}${DEAD_LETTER_TOPIC}`, 'retention.ms')).toBe(
      '172800000',
    );
    expect(
      await topicConfig(admin, `${config.prefix}${derivedEvents.quizScore.topic}`, 'cleanup.policy'),
    ).toBe('compact');
    expect(await registry.compatibility(`${config.prefix}adictiz.instant-win.v1-value`)).toBe(
      'BACKWARD_TRANSITIVE',
    );
  });

  it('a dry run plans the changes and makes none', async ({ admin, config, registry }) => {
    const { plan, applied } = await provision(config, admin, registry, { dryRun: true });

    expect(applied).toBe(false);
    expect(plan.actions.length).toBeGreaterThan(0);
    expect((await admin.listTopics()).filter((t) => t.startsWith(config.prefix))).toEqual([]);
    expect((await registry.subjects()).filter((s) => s.startsWith(config.prefix))).toEqual([]);
  });

  it('a config changed by hand is set back, keeping the other overrides', async ({
    admin,
    config,
    registry,
  }) => {
    await provision(config, admin, registry);
    const topic = `${config.prefix}komo.watch-to-win-started.v1`;
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: topic,
          configEntries: [
            { name: 'retention.ms', value: '1000' },
            { name: 'min.insync.replicas', value: '1' },
            { name: 'cleanup.policy', value: 'delete' },
            { name: 'max.message.bytes', value: '2000000' },
          ],
        },
      ],
    });

    const repair = await provision(config, admin, registry);

    expect(repair.plan.actions).toEqual([
      expect.objectContaining({
        kind: 'alter-topic-config',
        topic,
        changes: [{ name: 'retention.ms', from: '1000', to: '86400000' }],
      }),
    ]);
    expect(await topicConfig(admin, topic, 'retention.ms')).toBe('86400000');
    expect(await topicConfig(admin, topic, 'max.message.bytes')).toBe('2000000');
    expect((await provision(config, admin, registry)).plan.actions).toEqual([]);
  });

  it('a partition count that differs is reported, not changed', async ({ admin, config, registry }) => {
    await provision(config, admin, registry);

    const { plan } = await provision({ ...config, partitions: 3 }, admin, registry);

    expect(plan.actions).toEqual([]);
    expect(plan.warnings).toHaveLength(streams.length + 1);
    expect(plan.warnings[0]).toMatch(/2 partitions, configured 3; not changed/);
  });
});
