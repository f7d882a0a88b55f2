import { randomBytes } from 'node:crypto';
import type { Admin, ITopicConfig } from '@relay/kafkajs';
import { deleteSubject } from './schema-registry-admin.ts';

/**
 * A name no other test run uses: `<prefix>.<time>-<random>`, valid as a Kafka topic name
 * and as a schema registry subject.
 */
export function uniqueName(prefix = 'test'): string {
  return `${prefix}.${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

export interface TestTopicOptions {
  readonly partitions?: number;
  readonly config?: Readonly<Record<string, string>>;
}

/**
 * Creates uniquely named topics for one test and removes them (and their `-key` / `-value`
 * subjects) afterwards, so tests sharing one cluster never see each other's records.
 */
export class TestTopics {
  readonly #admin: Admin;
  readonly #registryUrl: string | undefined;
  readonly #created: string[] = [];

  constructor(admin: Admin, registryUrl?: string) {
    this.#admin = admin;
    this.#registryUrl = registryUrl;
  }

  get names(): readonly string[] {
    return this.#created;
  }

  async create(prefix = 'test', options: TestTopicOptions = {}): Promise<string> {
    const topic: ITopicConfig = {
      topic: uniqueName(prefix),
      numPartitions: options.partitions ?? 1,
      replicationFactor: 1,
      configEntries: Object.entries(options.config ?? {}).map(([name, value]) => ({ name, value })),
    };
    const created = await this.#admin.createTopics({
      topics: [topic],
      waitForLeaders: true,
      timeout: 30_000,
    });
    if (!created) throw new Error(`topic ${topic.topic} already existed`);
    this.#created.push(topic.topic);
    return topic.topic;
  }

  async cleanup(): Promise<void> {
    const topics = this.#created.splice(0);
    if (topics.length === 0) return;
    await this.#admin.deleteTopics({ topics, timeout: 30_000 });
    const registryUrl = this.#registryUrl;
    if (registryUrl !== undefined) {
      await Promise.all(
        topics.flatMap((topic) =>
          [`${topic}-key`, `${topic}-value`].map((s) => deleteSubject(registryUrl, s)),
        ),
      );
    }
  }
}
