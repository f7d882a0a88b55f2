import { eventTypeName, type NestedField, requiredId, requiredInstant } from '../codecs.ts';
import { defineEvent, type EventDefinition, type EventSpec, type FieldSpec } from '../definition.ts';

export interface AdictizEventSpec {
  readonly eventType: string;
  /** Other names the documentation uses for this event type. */
  readonly aliases?: readonly string[];
  readonly name: string;
  readonly description: string;
  /** Fields of the envelope's `data` object. */
  readonly data: Readonly<Record<string, NestedField & { readonly when?: FieldSpec['when'] }>>;
  readonly key: EventSpec['key'];
}

/**
 * An Adictiz Box event in its documented envelope:
 * `{ timestamp (unix seconds), request_id, event_type, data: {…} }`.
 */
export function adictizEvent(spec: AdictizEventSpec): EventDefinition {
  return defineEvent({
    source: 'adictiz',
    eventType: spec.eventType,
    name: spec.name,
    description: spec.description,
    eventId: { pointer: '/request_id', codec: requiredId('Unique request id of the delivery.') },
    eventTypeField: { pointer: '/event_type', codec: eventTypeName(spec.eventType, spec.aliases) },
    occurredAt: {
      pointer: '/timestamp',
      codec: requiredInstant('Sending date, unix seconds.', 'unix-seconds'),
    },
    fields: Object.fromEntries(
      Object.entries(spec.data).map(([name, field]) => [
        name,
        {
          pointer: `/data/${field.from ?? name}`,
          codec: field.codec,
          ...(field.when === undefined ? {} : { when: field.when }),
        },
      ]),
    ),
    key: spec.key,
  });
}
