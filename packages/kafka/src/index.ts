export { ERROR_CODES, type ErrorCode, RelayError } from './errors.ts';
export {
  type CompatibilityLevel,
  type RegisteredSchema,
  SchemaRegistryAdmin,
} from './schema-registry/admin.ts';
export { createRegistryClient, type RegistryClientOptions } from './schema-registry/client.ts';
export { EventSerde, type ResolvedSchema } from './serde/event-serde.ts';
