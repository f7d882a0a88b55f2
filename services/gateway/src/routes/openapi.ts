import { definitions, eventTypeNames, SOURCES } from '@relay/events';
import { PROBLEMS, problemType } from '../problems.ts';

const problemSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: { type: 'string', description: 'urn:relay:problem:<code>' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string', description: 'The request id' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['pointer', 'expected', 'got'],
        properties: {
          pointer: { type: 'string', description: 'RFC 6901 pointer into the body' },
          expected: { type: 'string' },
          got: { type: 'string' },
        },
      },
    },
  },
};

const accepted = {
  type: 'object',
  required: ['event_id', 'duplicate', 'topic', 'partition', 'offset'],
  properties: {
    event_id: { type: 'string' },
    duplicate: {
      type: 'boolean',
      description: 'true: this event was published before and was not published again',
    },
    topic: { type: 'string' },
    partition: { type: 'integer' },
    offset: { type: 'string' },
  },
};

function problemResponse(description: string) {
  return {
    description,
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
  };
}

function operation(summary: string, sourceNames: string) {
  return {
    summary,
    description: `Event types: ${sourceNames}. A 2xx means the event is on Kafka (acks=all).`,
    security: [{ bearer: [] }, { token: [] }, {}],
    requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } },
    responses: {
      '202': { description: 'Published', content: { 'application/json': { schema: accepted } } },
      '200': {
        description: 'Already published (same event_id)',
        content: { 'application/json': { schema: accepted } },
      },
      ...Object.fromEntries(
        [...new Set(Object.values(PROBLEMS).map((p) => p.status))].map((status) => [
          String(status),
          problemResponse(
            Object.entries(PROBLEMS)
              .filter(([, p]) => p.status === status)
              .map(([code, p]) => `${p.title} (${problemType(code as keyof typeof PROBLEMS)})`)
              .join('; '),
          ),
        ]),
      ),
    },
  };
}

/** The gateway's HTTP API as OpenAPI 3.1, built from the event catalogue and the problem list. */
export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const source of SOURCES) {
    paths[`/webhooks/${source}`] = {
      post: operation(`Receive a ${source} webhook`, eventTypeNames(source).join(', ')),
    };
  }
  paths['/webhooks/adictiz/{eventType}'] = {
    post: {
      ...operation(
        'Receive an Adictiz webhook on a URL configured for one event type',
        eventTypeNames('adictiz').join(', '),
      ),
      parameters: [
        {
          name: 'eventType',
          in: 'path',
          required: true,
          schema: { type: 'string', enum: eventTypeNames('adictiz') },
        },
      ],
    },
  };
  paths['/healthz'] = {
    get: { summary: 'Liveness', responses: { '200': { description: 'The process runs' } } },
  };
  paths['/readyz'] = {
    get: {
      summary: 'Readiness',
      responses: { '200': { description: 'Ready' }, '503': { description: 'Not ready, with reasons' } },
    },
  };
  paths['/metrics'] = {
    get: { summary: 'Prometheus metrics', responses: { '200': { description: 'text/plain' } } },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Event relay gateway',
      version: '1.0.0',
      description: `Webhooks in, Avro records on Kafka out (${definitions.length} event types; see docs/events.md).`,
    },
    paths,
    components: {
      schemas: { Problem: problemSchema },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        token: { type: 'apiKey', in: 'header', name: 'X-Webhook-Token' },
      },
    },
  };
}
