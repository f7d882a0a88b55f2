import { derivedEvents, type events, type ValueOf } from '@relay/events';
import type { EventHandler } from '@relay/kafka';
import type { FulfilmentEndpoint } from './fulfil/endpoint.ts';
import { fulfilPrize } from './fulfil/fulfil-prize.ts';
import type { Entry, Ledger, Source } from './ledger/ledger.ts';
import type { FulfilmentMetrics } from './metrics.ts';

export type InstantWin = ValueOf<typeof events.instantWin>;

export interface FulfilmentStreams {
  readonly prizeFulfilled: typeof derivedEvents.prizeFulfilled;
  readonly prizeFailed: typeof derivedEvents.prizeFailed;
}

export interface HandlerDeps {
  readonly ledger: Ledger;
  readonly endpoint: FulfilmentEndpoint;
  readonly metrics: FulfilmentMetrics;
  readonly streams?: FulfilmentStreams;
}

function sameRecord(a: Source, b: Source): boolean {
  return a.topic === b.topic && a.partition === b.partition && a.offset === b.offset;
}

/**
 * Fulfils each InstantWin's prize once per event_id. The ledger remembers which record decided
 * an outcome: that record (redelivered after a crash, its transaction never committed) publishes
 * the outcome again; any other record with the same event_id is a duplicate and changes nothing.
 */
export function fulfilmentHandler(deps: HandlerDeps): EventHandler<InstantWin> {
  const streams = deps.streams ?? derivedEvents;
  return async ({ value, topic, partition, offset }, { publish, signal }) => {
    const source = { topic, partition, offset };
    const claimed = deps.ledger.claim(
      {
        eventId: value.event_id,
        userId: value.user_id,
        prizeId: value.prize_id,
        prizeType: value.prize_type,
        prizeName: value.prize_name,
        wonAt: value.gain_date,
      },
      source,
    );
    if (claimed.status !== 'pending' && !sameRecord(claimed.source, source)) {
      deps.metrics.duplicates.inc();
      return;
    }
    let entry: Entry = claimed;
    if (entry.status === 'pending') {
      const outcome = await fulfilPrize(
        { ...entry, prizeValue: value.prize_value, prizeData: value.prize_data },
        deps.endpoint,
        signal,
      );
      entry = deps.ledger.decide(value.event_id, outcome, Date.now(), source);
      deps.metrics.outcomes.inc({ status: outcome.status, prize_type: entry.prizeType ?? '' });
    }
    const prize = {
      event_id: entry.eventId,
      user_id: entry.userId,
      prize_id: entry.prizeId,
      prize_type: entry.prizeType,
      prize_name: entry.prizeName,
      won_at: entry.wonAt,
    };
    if (entry.status === 'fulfilled') {
      await publish(streams.prizeFulfilled, {
        ...prize,
        occurred_at: entry.decidedAt,
        attempts: entry.attempts,
        method: entry.method,
        code: entry.code,
        reference: entry.reference,
      });
    } else if (entry.status === 'failed') {
      await publish(streams.prizeFailed, {
        ...prize,
        occurred_at: entry.decidedAt,
        attempts: entry.attempts,
        reason: entry.reason,
        detail: entry.detail,
      });
    }
  };
}
