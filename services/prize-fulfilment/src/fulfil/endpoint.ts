import pRetry, { AbortError } from 'p-retry';
import type { Prize } from '../ledger/ledger.ts';

export interface EndpointOptions {
  readonly url: string;
  /** One call, at most. */
  readonly timeoutMs: number;
  /** Calls after the first one, for failures a retry can help (5xx, 408, 429, timeouts, network). */
  readonly retries: number;
  readonly retryDelayMs: number;
}

export type EndpointResult =
  | { readonly ok: true; readonly reference: string | null; readonly attempts: number }
  | {
      readonly ok: false;
      readonly reason: 'ENDPOINT_REJECTED' | 'ENDPOINT_UNAVAILABLE';
      readonly detail: string;
      readonly attempts: number;
    };

/** What is POSTed for one prize. */
export interface DeliveryRequest extends Prize {
  readonly prizeValue: string | null;
  readonly prizeData: string | null;
}

class Rejected extends Error {}

function retryHelps(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

async function referenceOf(response: Response): Promise<string | null> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { reference?: unknown; id?: unknown } | null;
    const reference = body?.reference ?? body?.id;
    return typeof reference === 'string' || typeof reference === 'number' ? String(reference) : null;
  } catch {
    return null;
  }
}

/**
 * The fulfilment endpoint that delivers ifg and normal prizes. Every call carries
 * `Idempotency-Key: <event_id>`, so an endpoint that honours it delivers once even if this
 * service is killed between its call and recording the answer.
 */
export class FulfilmentEndpoint {
  readonly #options: EndpointOptions;

  constructor(options: EndpointOptions) {
    this.#options = options;
  }

  /** Never throws for the endpoint's failures; throws only when `signal` aborts (the service stops). */
  async deliver(request: DeliveryRequest, signal: AbortSignal): Promise<EndpointResult> {
    let attempts = 0;
    let lastFailure = '';
    try {
      const reference = await pRetry(
        async (attempt) => {
          attempts = attempt;
          let response: Response;
          try {
            response = await fetch(this.#options.url, {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'idempotency-key': request.eventId },
              body: JSON.stringify({
                event_id: request.eventId,
                user_id: request.userId,
                prize_id: request.prizeId,
                prize_type: request.prizeType,
                prize_name: request.prizeName,
                prize_value: request.prizeValue,
                data: request.prizeData,
              }),
              signal: AbortSignal.any([signal, AbortSignal.timeout(this.#options.timeoutMs)]),
            });
          } catch (error) {
            if (signal.aborted) throw new AbortError(error instanceof Error ? error : String(error));
            lastFailure =
              error instanceof Error && error.name === 'TimeoutError'
                ? `no answer within ${this.#options.timeoutMs} ms`
                : `${error instanceof Error ? error.message : String(error)}`;
            throw new Error(lastFailure);
          }
          if (response.ok) return referenceOf(response);
          await response.body?.cancel();
          lastFailure = `answered ${response.status}`;
          if (!retryHelps(response.status)) throw new AbortError(new Rejected(lastFailure));
          throw new Error(lastFailure);
        },
        {
          retries: this.#options.retries,
          minTimeout: this.#options.retryDelayMs,
          factor: 2,
          signal,
        },
      );
      return { ok: true, reference, attempts };
    } catch (error) {
      if (signal.aborted) throw error;
      const rejected = error instanceof Rejected;
      return {
        ok: false,
        reason: rejected ? 'ENDPOINT_REJECTED' : 'ENDPOINT_UNAVAILABLE',
        detail: `POST ${this.#options.url} ${lastFailure}${rejected ? '' : ` (${attempts} attempts)`}`,
        attempts,
      };
    }
  }
}
