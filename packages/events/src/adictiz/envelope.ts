import { eventTypeName, type NestedField, requiredId, requiredInstant } from '../codecs.ts';
import {
  type DecodedFields,
  defineEvent,
  type Envelope,
  type EventDefinition,
  type EventSpec,
  type FieldSpec,
} from '../definition.ts';

type DataFields = Readonly<Record<string, NestedField & { readonly when?: FieldSpec['when'] }>>;

export interface AdictizEventSpec<D extends DataFields> {
  readonly eventType: string;
  /** Other names the documentation uses for this event type. */
  readonly aliases?: readonly string[];
  readonly name: string;
  readonly description: string;
  /** Fields of the envelope's `data` object. */
  readonly data: D;
  readonly key: EventSpec['key'];
}

/**
 * An Adictiz Box event in its documented envelope:
 * `{ timestamp (unix seconds), request_id, event_type, data: {…} }`.
 */
export function adictizEvent<D extends DataFields>(
  spec: AdictizEventSpec<D>,
): EventDefinition<Envelope & DecodedFields<D>> {
  // The fields are rebuilt from `data` under /data pointers, so their types are `data`'s.
  const definition = defineEvent({
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
  return definition as unknown as EventDefinition<Envelope & DecodedFields<D>>;
}
