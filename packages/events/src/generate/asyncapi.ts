import { avroSchemaOf } from '../avro/to-avro.ts';
import { definitions, derivedDefinitions } from '../catalogue.ts';
import { CLOUD_EVENT_HEADERS, cloudEventHeaders } from '../headers.ts';
import type { StreamDefinition } from '../stream.ts';
import { exampleEvent } from './examples.ts';

const AVRO_SCHEMA_FORMAT = 'application/vnd.apache.avro+json;version=1.9.0';

function channelId(definition: StreamDefinition): string {
  return definition.topic.replaceAll('.', '_');
}

interface MessageExample {
  readonly title: string;
  readonly summary: string;
  readonly event: { readonly event_id: string; readonly occurred_at: number };
}

/** Each topic of the catalogue, with how to title it and the example it shows. */
function channels(): [StreamDefinition, MessageExample][] {
  return [
    ...definitions.map((definition): [StreamDefinition, MessageExample] => [
      definition,
      {
        title: `${definition.source} ${definition.eventType}`,
        summary: "The sender's documented example",
        event: exampleEvent(definition).event,
      },
    ]),
    ...derivedDefinitions.map((definition): [StreamDefinition, MessageExample] => [
      definition,
      {
        title: `${definition.service} ${definition.recordName}`,
        summary: `As services/${definition.service} publishes it`,
        event: definition.example as MessageExample['event'],
      },
    ]),
  ];
}

function message(definition: StreamDefinition, example: MessageExample) {
  return {
    name: definition.recordName,
    title: example.title,
    summary: definition.description,
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
        key: { type: 'string', description: definition.key.description },
        schemaIdLocation: 'payload',
        schemaIdPayloadEncoding: 'confluent',
        bindingVersion: '0.5.0',
      },
    },
    examples: [
      {
        name: 'example',
        summary: example.summary,
        headers: cloudEventHeaders(definition, example.event),
        payload: example.event,
      },
    ],
  };
}

/** docs/asyncapi.json: the topics as an AsyncAPI 3 document, for tools and other teams. */
export function asyncApiDocument(): Record<string, unknown> {
  const all = channels();
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Event relay',
      version: '1.0.0',
      description:
        'Webhooks from Adictiz Box and Komo, checked and published as Avro records (Confluent wire format, ' +
        'subjects `<topic>-value`, TopicNameStrategy), one topic per event type; and the events the sample services ' +
        'derive from them. Generated from packages/events.',
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
      all.map(([definition]) => [
        channelId(definition),
        {
          address: definition.topic,
          description: definition.description,
          messages: { [definition.recordName]: { $ref: `#/components/messages/${channelId(definition)}` } },
          bindings: { kafka: { topic: definition.topic, bindingVersion: '0.5.0' } },
        },
      ]),
    ),
    operations: Object.fromEntries(
      all.map(([definition, example]) => [
        `consume_${channelId(definition)}`,
        {
          action: 'receive',
          summary: `Consume ${example.title} events.`,
          channel: { $ref: `#/channels/${channelId(definition)}` },
          messages: [{ $ref: `#/channels/${channelId(definition)}/messages/${definition.recordName}` }],
        },
      ]),
    ),
    components: {
      messages: Object.fromEntries(
        all.map(([definition, example]) => [channelId(definition), message(definition, example)]),
      ),
    },
  };
}
