import { cloudEventHeaders, type FieldError, normalise } from '@relay/events';
import { type EventSerde, type RecordProducer, RelayError } from '@relay/kafka';
import { Hono } from 'hono';
import type { RequestIdVariables } from 'hono/request-id';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config.ts';
import { jsonResponse } from '../json-response.ts';
import type { GatewayMetrics } from '../metrics.ts';
import { authenticate } from '../middleware/authenticate.ts';
import { type ClientAddressVariables, clientAddress } from '../middleware/client-address.ts';
import { type RawBodyVariables, rawBody } from '../middleware/raw-body.ts';
import { verifySignature } from '../middleware/verify-signature.ts';
import { type ProblemCode, problem, problemResponse } from '../problems.ts';
import type { DeadLetterWriter } from '../publish/dead-letters.ts';
import { withDeadline } from '../publish/deadline.ts';
import type { Deduplicator } from '../publish/dedupe.ts';
import type { PublishedCatalogue } from '../publish/published-catalogue.ts';

export interface WebhookDeps {
  readonly config: GatewayConfig;
  readonly producer: RecordProducer;
  /** Undefined until the schema ids are resolved: the gateway is not ready. */
  readonly serde: () => EventSerde | undefined;
  readonly catalogue: PublishedCatalogue;
  readonly deadLetters: DeadLetterWriter;
  readonly dedupe: Deduplicator;
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
}

type Env = { Variables: ClientAddressVariables & RawBodyVariables & RequestIdVariables };

const ignoreFailure = (): void => {};

const JSON_CONTENT_TYPE = /^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i;

export function webhookRoutes(deps: WebhookDeps): Hono<Env> {
  const { config, metrics } = deps;
  let inFlight = 0;
  const app = new Hono<Env>();

  const release = () => {
    inFlight -= 1;
    metrics.inFlight.set(inFlight);
  };
  // Admission first: under overload a request is refused before any work is spent on it.
  app.use(function admit(c, next) {
    // Answered, not thrown: refusing has to cost less than serving, and an exception's stack trace
    // was a tenth of a refused request's CPU.
    if (inFlight >= config.maxInFlight) {
      return Promise.resolve(
        problemResponse(
          'overloaded',
          `${inFlight} requests in progress.`,
          { retryAfterSeconds: config.retryAfterSeconds },
          c.get('requestId'),
        ),
      );
    }
    inFlight += 1;
    metrics.inFlight.set(inFlight);
    // Chained, not awaited: see "Middleware" below.
    return next().finally(release);
  });
  app.use(clientAddress({ trustedProxies: config.trustedProxies }));

  const readBody = rawBody({
    maxBytes: config.bodyLimitBytes,
    tooLarge: () =>
      problem('body_too_large', `The body is larger than ${config.bodyLimitBytes} bytes; it was not kept.`),
  });

  // Sender checks first: an unauthenticated body is never read.
  //
  // Middleware: the ones with nothing to do after the handler return `next()` rather than await
  // it, and the handler chains its publish rather than awaiting it. An async function suspended on
  // an await keeps its frame on the heap until it resumes: with each request's whole publish in
  // between, that was ≈ 0.8 KB a layer of every request in flight, copied by each young-generation
  // garbage collection (at 200 requests in flight the collector took a fifth of the HTTP thread).
  app.post(
    '/:source/:eventType?',
    authenticate({ sources: config.auth }),
    readBody,
    verifySignature({ sources: config.auth }),
    (c) => {
      const receivedAt = Date.now();
      const source = c.req.param('source');
      const eventTypeFromUrl = c.req.param('eventType');
      const contentType = c.req.header('content-type');
      const requestId = c.get('requestId');

      const reject = async (
        code: ProblemCode,
        detail: string,
        errors?: readonly FieldError[],
        eventType?: string,
      ) => {
        try {
          await withDeadline(
            deps.deadLetters.write({
              body: c.get('rawBody'),
              code,
              detail,
              source,
              path: c.req.path,
              receivedAt,
              senderAddress: c.get('clientAddress'),
              contentType,
              requestId,
              ...(eventType === undefined ? {} : { eventType }),
            }),
            config.publishDeadlineMs,
            () => new RelayError('KAFKA_UNAVAILABLE', 'the dead letter was not acknowledged in time'),
          );
        } catch (error) {
          deps.logger.warn({ err: error, requestId }, 'a rejected body could not be kept');
          throw problem('unavailable', 'The body was rejected but could not be kept; send it again later.', {
            retryAfterSeconds: config.retryAfterSeconds,
          });
        }
        metrics.deadLetters.inc({ source, code });
        throw problem(code, detail, { instance: requestId, ...(errors === undefined ? {} : { errors }) });
      };

      if (contentType === undefined || !JSON_CONTENT_TYPE.test(contentType)) {
        return reject('unsupported_media_type', `Content-Type ${contentType ?? '(none)'} is not JSON.`);
      }
      const result = normalise({ source, body: c.get('rawBody'), eventType: eventTypeFromUrl, receivedAt });
      if (!result.ok) {
        return reject(result.code as ProblemCode, result.detail, result.errors, result.definition?.eventType);
      }
      const serde = deps.serde();
      if (serde === undefined) {
        throw problem('not_ready', 'The schema ids are not resolved yet.', {
          retryAfterSeconds: config.retryAfterSeconds,
        });
      }
      const { event, key } = result;
      const definition = deps.catalogue.as(result.definition);
      const { topic } = definition;
      const stopTimer = metrics.publishSeconds.startTimer({ topic });
      // Chained, not awaited: see "Middleware" above.
      return deps.dedupe
        .once(topic, event.event_id, (remember) => {
          const sending = deps.producer.send({
            topic,
            key,
            value: serde.encode(definition, event),
            headers: cloudEventHeaders(definition, event, c.req.header('traceparent')),
          });
          // An acknowledgement after the deadline still counts; a failure is the deadline's to report.
          sending.then(remember, ignoreFailure);
          return withDeadline(
            sending,
            config.publishDeadlineMs,
            () =>
              new RelayError('KAFKA_UNAVAILABLE', `not acknowledged within ${config.publishDeadlineMs} ms`),
          );
        })
        .then(
          ({ delivery, duplicate }) => {
            if (!duplicate) stopTimer();
            return jsonResponse(
              {
                event_id: event.event_id,
                duplicate,
                topic: delivery.topic,
                partition: delivery.partition,
                offset: delivery.offset,
              },
              duplicate ? 200 : 202,
              requestId,
            );
          },
          (error: unknown) => {
            if (error instanceof RelayError && error.retriable) {
              deps.logger.warn({ err: error, requestId, eventId: event.event_id }, 'publish failed');
              throw problem('unavailable', error.message, { retryAfterSeconds: config.retryAfterSeconds });
            }
            throw error;
          },
        );
    },
  );
  return app;
}
