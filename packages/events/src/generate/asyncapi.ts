import { avroSchemaOf } from '../avro/to-avro.ts';
import { definitions } from '../catalogue.ts';
import type { EventDefinition } from '../definition.ts';
import { CLOUD_EVENT_HEADERS, cloudEventHeaders } from '../headers.ts';
import { exampleEvent } from './examples.ts';

const AVRO_SCHEMA_FORMAT = 'application/vnd.apache.avro+json;version=1.9.0';

function channelId(definition: EventDefinition): string {
  return definition.topic.replaceAll('.', '_');
}

function message(definition: EventDefinition) {
  const example = exampleEvent(definition);
  return {
    name: definition.recordName,
    title: `${definition.source} ${definition.eventType}`,
    summary: definition.spec.description,
    contentType: 'application/avro',
    headers: {
      type: 'object',
      properties: Object.fromEntries(
        Object.entries(CLOUD_EVENT_HEADERS).map(([name, description]) => [
          name,
          { type: 'string', description },
        ]),
      ),
      required: Object.keys(CLOUD_EVENT_HEADERS).filter((name) => name !== 'traceparent'),
    },
    payload: { schemaFormat: AVRO_SCHEMA_FORMAT, schema: avroSchemaOf(definition) },
    bindings: {
      kafka: {
        key: { type: 'string', description: definition.spec.key.description },
        schemaIdLocation: 'payload',
        schemaIdPayloadEncoding: 'confluent',
        bindingVersion: '0.5.0',
      },
    },
    examples: [
      {
        name: 'documented',
        summary: "The sender's documented example",
        headers: cloudEventHeaders(definition, example.event),
        payload: example.event,
      },
    ],
  };
}

/** docs/asyncapi.json: the topics as an AsyncAPI 3 document, for tools and other teams. */
export function asyncApiDocument(): Record<string, unknown> {
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Event relay',
      version: '1.0.0',
      description:
        'Webhooks from Adictiz Box and Komo, checked and published as Avro records (Confluent wire format, ' +
        'subjects `<topic>-value`, TopicNameStrategy), one topic per event type. Generated from packages/events.',
    },
    defaultContentType: 'application/avro',
    servers: {
      kafka: {
        host: 'localhost:9092',
        protocol: 'kafka',
        description: 'The Kafka cluster of the deployment (KAFKA_BROKERS).',
      },
    },
    channels: Object.fromEntries(
      definitions.map((definition) => [
        channelId(definition),
        {
          address: definition.topic,
          description: definition.spec.description,
          messages: { [definition.recordName]: { $ref: `#/components/messages/${channelId(definition)}` } },
          bindings: { kafka: { topic: definition.topic, bindingVersion: '0.5.0' } },
        },
      ]),
    ),
    operations: Object.fromEntries(
      definitions.map((definition) => [
        `consume_${channelId(definition)}`,
        {
          action: 'receive',
          summary: `Consume ${definition.source} ${definition.eventType} events.`,
          channel: { $ref: `#/channels/${channelId(definition)}` },
          messages: [{ $ref: `#/channels/${channelId(definition)}/messages/${definition.recordName}` }],
        },
      ]),
    ),
    components: {
      messages: Object.fromEntries(
        definitions.map((definition) => [channelId(definition), message(definition)]),
      ),
    },
  };
}
