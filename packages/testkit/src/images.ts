/**
 * Image names, overridable per machine. The defaults are the official images; on machines
 * without a registry `infra/build-images.sh` builds equivalents under the same names.
 */
export const KAFKA_VERSION = '4.4.0';
export const APICURIO_VERSION = '3.0.9';

export interface Images {
  readonly kafka: string;
  readonly schemaRegistry: string;
}

export function imagesFromEnv(env: NodeJS.ProcessEnv = process.env): Images {
  return {
    kafka: env['KAFKA_IMAGE'] ?? `apache/kafka:${KAFKA_VERSION}`,
    schemaRegistry: env['SCHEMA_REGISTRY_IMAGE'] ?? `apicurio/apicurio-registry:${APICURIO_VERSION}`,
  };
}
