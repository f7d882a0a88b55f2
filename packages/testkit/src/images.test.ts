import { describe, expect, test } from 'vitest';
import { APICURIO_VERSION, imagesFromEnv, KAFKA_VERSION } from './images.ts';

describe('imagesFromEnv', () => {
  test('defaults to the official images at the pinned versions', () => {
    expect(imagesFromEnv({})).toEqual({
      kafka: `apache/kafka:${KAFKA_VERSION}`,
      schemaRegistry: `apicurio/apicurio-registry:${APICURIO_VERSION}`,
    });
  });

  test('takes KAFKA_IMAGE and SCHEMA_REGISTRY_IMAGE when set', () => {
    expect(imagesFromEnv({ KAFKA_IMAGE: 'k:1', SCHEMA_REGISTRY_IMAGE: 'r:2' })).toEqual({
      kafka: 'k:1',
      schemaRegistry: 'r:2',
    });
  });
});
