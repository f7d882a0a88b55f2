/**
 * Every error code the relay's Kafka and registry building blocks raise, in one place. Each
 * error says whether trying again can help, so callers choose between retrying (503) and
 * giving up (a dead letter, a failed start).
 */
export const ERROR_CODES = {
  SCHEMA_REGISTRY_UNAVAILABLE: {
    retriable: true,
    message: 'The schema registry did not answer in time or failed',
  },
  SCHEMA_REGISTRY_REJECTED: { retriable: false, message: 'The schema registry rejected the request' },
  SCHEMA_NOT_REGISTERED: {
    retriable: false,
    message: 'The event schema is not registered under its subject',
  },
  SCHEMA_INCOMPATIBLE: {
    retriable: false,
    message: 'The schema is not compatible with the registered versions',
  },
  UNKNOWN_SCHEMA_ID: {
    retriable: false,
    message: 'The record names a schema id this consumer does not know',
  },
  NOT_AN_EVENT_RECORD: { retriable: false, message: 'The record is not a Confluent-framed Avro event' },
  UNDECODABLE_RECORD: { retriable: false, message: 'The record cannot be decoded with its schema' },
  INVALID_VALUE: { retriable: false, message: 'The value does not match its schema' },
  TOPIC_NOT_FOUND: { retriable: false, message: 'A topic does not exist' },
  HANDLER_FAILED: { retriable: true, message: 'The record handler failed' },
  KAFKA_UNAVAILABLE: { retriable: true, message: 'Kafka did not answer in time or failed' },
  PROVISIONING_FAILED: { retriable: true, message: 'Topics or subjects could not be provisioned' },
  INVALID_CONFIGURATION: { retriable: false, message: 'The configuration is not valid' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class RelayError extends Error {
  override readonly name = 'RelayError';
  readonly code: ErrorCode;
  readonly retriable: boolean;
  /** What this case adds to the code's message. */
  readonly detail: string | undefined;

  constructor(code: ErrorCode, detail?: string, options?: { cause?: unknown }) {
    super(
      detail === undefined ? ERROR_CODES[code].message : `${ERROR_CODES[code].message}: ${detail}`,
      options,
    );
    this.code = code;
    this.retriable = ERROR_CODES[code].retriable;
    this.detail = detail;
  }
}
