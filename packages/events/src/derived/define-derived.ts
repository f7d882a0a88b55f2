import {
  type Static,
  type TInteger,
  type TObject,
  type TSchema,
  type TString,
  Type,
} from '@sinclair/typebox';
import { timestampMillis } from '../codecs.ts';
import type { StreamDefinition } from '../stream.ts';

/** What every derived event carries, like every webhook event: its id and when it happened. */
type DerivedEnvelope = { event_id: TString; occurred_at: TInteger };

export interface DerivedEventSpec<S extends TObject<DerivedEnvelope & Record<string, TSchema>>> {
  /** The service that publishes it: the topic's first part, and its CloudEvents source. */
  readonly service: string;
  /** The topic's first part, when it is not the service's name. */
  readonly domain: string;
  /** Kebab-case name in the topic: `<domain>.<name>.v<version>`. */
  readonly name: string;
  readonly version?: number;
  readonly recordName: string;
  readonly description: string;
  readonly schema: S;
  readonly key: { readonly description: string; readonly of: (value: Static<S>) => string };
  readonly cleanupPolicy?: 'delete' | 'compact';
  /** A value as the service would publish it: the catalogue's example, checked against the schema. */
  readonly example: Static<S>;
}

export interface DerivedEventDefinition<T = Readonly<Record<string, unknown>>> extends StreamDefinition<T> {
  readonly service: string;
  // A method, so a definition of a precise value type is also a definition of any value.
  readonly key: { readonly description: string; of(value: T): string };
  readonly example: T;
}

/** An event a service derives from the webhook events and publishes on its own topic. */
export function defineDerivedEvent<S extends TObject<DerivedEnvelope & Record<string, TSchema>>>(
  spec: DerivedEventSpec<S>,
): DerivedEventDefinition<Static<S>> {
  const version = spec.version ?? 1;
  const topic = `${spec.domain}.${spec.name}.v${version}`;
  return {
    topic,
    subject: `${topic}-value`,
    recordName: spec.recordName,
    namespace: `relay.${spec.domain}.v${version}`,
    description: spec.description,
    eventSchema: spec.schema,
    cloudEventSource: `/services/${spec.service}`,
    key: spec.key,
    cleanupPolicy: spec.cleanupPolicy ?? 'delete',
    service: spec.service,
    example: spec.example,
  };
}

/** The envelope fields of a derived event. */
export function derivedEnvelope(id: string, time: string): DerivedEnvelope {
  return {
    event_id: Type.String({ description: id }),
    occurred_at: timestampMillis(time),
  };
}
