import type { Outcome } from '../ledger/ledger.ts';
import type { DeliveryRequest, FulfilmentEndpoint } from './endpoint.ts';
import { codeOf } from './prize-code.ts';

/**
 * Delivers one prize by its type: `code` gives the code from its data, `ifg` and `normal` go
 * to the fulfilment endpoint; anything else cannot be delivered here. Throws only when stopping.
 */
export async function fulfilPrize(
  request: DeliveryRequest,
  endpoint: FulfilmentEndpoint,
  signal: AbortSignal,
): Promise<Outcome> {
  const type = request.prizeType?.trim().toLowerCase() ?? '';
  switch (type) {
    case 'code': {
      const code = codeOf(request.prizeData);
      return code === undefined
        ? {
            status: 'failed',
            reason: 'MISSING_CODE',
            detail: 'a code prize whose data holds no code',
            attempts: 1,
          }
        : { status: 'fulfilled', method: 'code', code, reference: null, attempts: 1 };
    }
    case 'ifg':
    case 'normal': {
      const result = await endpoint.deliver(request, signal);
      return result.ok
        ? {
            status: 'fulfilled',
            method: 'endpoint',
            code: null,
            reference: result.reference,
            attempts: result.attempts,
          }
        : { status: 'failed', reason: result.reason, detail: result.detail, attempts: result.attempts };
    }
    default:
      return {
        status: 'failed',
        reason: 'UNSUPPORTED_PRIZE_TYPE',
        detail: `prize type ${JSON.stringify(request.prizeType)} is not code, ifg or normal`,
        attempts: 0,
      };
  }
}
