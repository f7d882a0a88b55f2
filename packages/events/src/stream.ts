import type { TObject } from '@sinclair/typebox';

/**
 * What every topic of the catalogue has, whoever publishes it: the gateway's webhook events and
 * the events the sample services derive from them. `T` is the decoded value's type.
 */
export interface StreamDefinition<T = Readonly<Record<string, unknown>>> {
  readonly topic: string;
  /** Schema registry subject (TopicNameStrategy). */
  readonly subject: string;
  /** Avro record name and namespace. */
  readonly recordName: string;
  readonly namespace: string;
  readonly description: string;
  /** The value: the source of the Avro schema. */
  readonly eventSchema: TObject;
  /** CloudEvents `ce_source` of its records. */
  readonly cloudEventSource: string;
  readonly key: { readonly description: string };
  readonly cleanupPolicy: 'delete' | 'compact';
  /** Never set: carries the value type to the serde, consumer and producer. */
  readonly '~value'?: T;
}

/** The decoded value type of a stream's records. */
export type ValueOf<D> = D extends StreamDefinition<infer T> ? T : never;
