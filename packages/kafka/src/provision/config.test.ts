import { describe, expect, test } from 'vitest';
import { RelayError } from '../errors.ts';
import { provisionConfigFromEnv } from './config.ts';

describe('provisionConfigFromEnv', () => {
  test('reads the addresses and fills the defaults', () => {
    const config = provisionConfigFromEnv({
      KAFKA_BROKERS: 'a:9092, b:9092',
      SCHEMA_REGISTRY_URL: 'http://r:8081',
    });
    expect(config).toEqual({
      brokers: ['a:9092', 'b:9092'],
      schemaRegistryUrl: 'http://r:8081',
      partitions: 6,
      replicationFactor: undefined,
      minInsyncReplicas: undefined,
      retentionMs: 604_800_000,
      deadLetterRetentionMs: 2_592_000_000,
      prefix: '',
    });
  });

  test('converts numbers given as text', () => {
    const config = provisionConfigFromEnv({
      KAFKA_BROKERS: 'a:9092',
      SCHEMA_REGISTRY_URL: 'http://r',
      RELAY_TOPIC_PARTITIONS: '12',
      RELAY_TOPIC_REPLICATION_FACTOR: '3',
    });
    expect(config).toMatchObject({ partitions: 12, replicationFactor: 3 });
  });

  test('names every wrong or missing variable in one error', () => {
    let error: unknown;
    try {
      provisionConfigFromEnv({ SCHEMA_REGISTRY_URL: 'r:8081', RELAY_TOPIC_PARTITIONS: 'many' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(RelayError);
    expect(error).toMatchObject({ code: 'INVALID_CONFIGURATION', retriable: false });
    const message = (error as Error).message;
    expect(message).toMatch(/KAFKA_BROKERS: .*it is not set/);
    expect(message).toMatch(/SCHEMA_REGISTRY_URL: .*got "r:8081"/);
    expect(message).toMatch(/RELAY_TOPIC_PARTITIONS: .*got "many"/);
  });
});
