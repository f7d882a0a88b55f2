import { probeRoutes } from '@relay/service';
import { type Context, Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { jsonResponse, REQUEST_ID_HEADER } from './json-response.ts';
import type { GatewayMetrics } from './metrics.ts';
import { ProblemException, problemResponse } from './problems.ts';
import { openApiDocument } from './routes/openapi.ts';
import { type WebhookDeps, webhookRoutes } from './routes/webhooks.ts';

export interface GatewayDeps extends WebhookDeps {
  readonly notReadyBecause: () => string[];
  readonly metrics: GatewayMetrics;
}

/** A caller's own request id is kept when it is one by hono/request-id's rule; otherwise a new UUID. */
const CALLERS_REQUEST_ID = /^[\w\-=]{1,255}$/;

function requestIdOf(c: Context): string {
  const given = c.req.header(REQUEST_ID_HEADER);
  return given !== undefined && CALLERS_REQUEST_ID.test(given) ? given : crypto.randomUUID();
}

/** The gateway's HTTP application; `main.ts` wires it to real Kafka, tests call `app.request()`. */
export function createApp(deps: GatewayDeps): Hono {
  const app = new Hono();
  const openApi = openApiDocument();
  // No header name: the gateway's webhook, problem and error answers carry the id themselves (see
  // json-response.ts); the probes and documents go without.
  app.use(requestId({ headerName: '', generator: requestIdOf }));
  app.use('/webhooks/*', function countRequests(c, next) {
    const started = performance.now();
    // Chained, not awaited: see "Middleware" in routes/webhooks.ts.
    return next().then(() => {
      const source = c.req.param('source') ?? c.req.path.split('/')[2] ?? 'unknown';
      deps.metrics.requests.inc({
        source,
        event_type: c.req.param('eventType') ?? 'body',
        status: String(c.res.status),
      });
      // Asked first: the log line's object would be built for nothing on every request otherwise.
      if (deps.logger.isLevelEnabled('info')) {
        deps.logger.info(
          {
            requestId: c.get('requestId'),
            method: c.req.method,
            path: c.req.path,
            status: c.res.status,
            ms: Math.round(performance.now() - started),
          },
          'request',
        );
      }
    });
  });
  app.route('/webhooks', webhookRoutes(deps));
  app.route('/', probeRoutes({ notReadyBecause: deps.notReadyBecause, registry: deps.metrics.registry }));
  app.get('/openapi.json', (c) => c.json(openApi));
  app.onError((error, c) => {
    // The problem response is built apart from the context: give it the request id too.
    if (error instanceof ProblemException) return error.getResponse(c.get('requestId'));
    if (error instanceof HTTPException) {
      const response = error.getResponse();
      response.headers.set(REQUEST_ID_HEADER, c.get('requestId'));
      return response;
    }
    deps.logger.error({ err: error, requestId: c.get('requestId') }, 'unexpected error');
    return jsonResponse(
      {
        type: 'about:blank',
        title: 'Internal error',
        status: 500,
        detail: 'See the gateway logs.',
        instance: c.get('requestId'),
      },
      500,
      c.get('requestId'),
      {},
      'application/problem+json',
    );
  });
  app.notFound((c) =>
    problemResponse('unknown_source', `No route ${c.req.method} ${c.req.path}.`, {}, c.get('requestId')),
  );
  return app;
}
