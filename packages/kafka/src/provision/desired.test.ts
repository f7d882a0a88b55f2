import { describe, expect, it } from 'vitest';
import { replicationFor } from './desired.ts';

describe('the replication of the topics the relay creates', () => {
  it('is one copy on a single broker, where nothing else is possible', () => {
    expect(replicationFor(1)).toEqual({ replicationFactor: 1, minInsyncReplicas: 1 });
  });

  it('is three copies needing two in sync on three brokers, so one broker may be down', () => {
    expect(replicationFor(3)).toEqual({ replicationFactor: 3, minInsyncReplicas: 2 });
  });

  it('stays at three copies on larger clusters', () => {
    expect(replicationFor(6)).toEqual({ replicationFactor: 3, minInsyncReplicas: 2 });
  });

  it('is what the configuration says when it says', () => {
    expect(replicationFor(5, { replicationFactor: 5, minInsyncReplicas: 3 })).toEqual({
      replicationFactor: 5,
      minInsyncReplicas: 3,
    });
    expect(replicationFor(5, { replicationFactor: 4 })).toEqual({
      replicationFactor: 4,
      minInsyncReplicas: 3,
    });
  });
});
