import type { StreamDefinition } from './stream.ts';

/** CloudEvents Kafka binary mode: the attributes every relay record carries as headers. */
export const CLOUD_EVENT_HEADERS = {
  ce_specversion: 'CloudEvents version: 1.0.',
  ce_id: 'The event id (event_id).',
  ce_source: 'Where the event came from: /webhooks/<source>, or /services/<service> for derived events.',
  ce_type: 'The event type, qualified: <namespace>.<record name>, e.g. relay.adictiz.v1.InstantWin.',
  ce_time: 'When the event happened (occurred_at), RFC 3339.',
  'content-type': 'application/avro: the value is Avro in the Confluent wire format.',
  traceparent: 'W3C trace context of the webhook request, when it had one.',
} as const;

export function cloudEventType(definition: StreamDefinition<unknown>): string {
  return `${definition.namespace}.${definition.recordName}`;
}

export function cloudEventHeaders(
  definition: StreamDefinition<unknown>,
  event: { readonly event_id: string; readonly occurred_at: number },
  traceparent?: string,
):
  | Record<keyof typeof CLOUD_EVENT_HEADERS, string>
  | Omit<Record<keyof typeof CLOUD_EVENT_HEADERS, string>, 'traceparent'> {
  const headers = {
    ce_specversion: '1.0',
    ce_id: event.event_id,
    ce_source: definition.cloudEventSource,
    ce_type: cloudEventType(definition),
    ce_time: new Date(event.occurred_at).toISOString(),
    'content-type': 'application/avro',
  };
  return traceparent === undefined ? headers : { ...headers, traceparent };
}
