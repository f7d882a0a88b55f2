import type { Admin, ITopicConfig } from '@relay/kafkajs';
import pRetry from 'p-retry';
import { RelayError } from '../errors.ts';

/**
 * Creates topics and waits until every partition has a leader. kafkajs's own `waitForLeaders`
 * gives up as soon as a broker answers that it does not know the topic yet, which is what the
 * brokers of a multi-broker cluster say until the new metadata reaches them; here that answer
 * means "not yet", until `timeoutMs`.
 */
export async function createTopicsAndWait(
  admin: Admin,
  topics: readonly ITopicConfig[],
  timeoutMs = 30_000,
): Promise<void> {
  await admin.createTopics({ topics: [...topics], waitForLeaders: false, timeout: timeoutMs });
  const names = topics.map((topic) => topic.topic);
  await pRetry(
    async () => {
      const { topics: found } = await admin.fetchTopicMetadata({ topics: names });
      const leaderless = found.filter(
        (t) => t.partitions.length === 0 || t.partitions.some((p) => p.leader < 0),
      );
      if (found.length < names.length || leaderless.length > 0)
        throw new Error('partitions without a leader');
    },
    {
      retries: Number.POSITIVE_INFINITY,
      maxRetryTime: timeoutMs,
      minTimeout: 100,
      maxTimeout: 1_000,
    },
  ).catch((error: unknown) => {
    throw new RelayError('KAFKA_UNAVAILABLE', `${names.join(', ')}: no leader after ${timeoutMs} ms`, {
      cause: error,
    });
  });
}
