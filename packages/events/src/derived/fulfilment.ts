import { Type } from '@sinclair/typebox';
import { nullable, timestampMillis } from '../codecs.ts';
import { defineDerivedEvent, derivedEnvelope } from './define-derived.ts';

const SERVICE = 'prize-fulfilment';

const envelope = derivedEnvelope(
  "The InstantWin's event_id: one outcome per prize won, whatever the redeliveries.",
  'When the outcome was reached.',
);

const prize = {
  user_id: nullable(Type.String(), 'The winner (InstantWin user_id).'),
  prize_id: nullable(Type.String(), 'Reward id.'),
  prize_type: nullable(Type.String(), 'Reward type as sent: code, ifg or normal.'),
  prize_name: nullable(Type.String(), 'Reward name.'),
  won_at: nullable(
    timestampMillis('When the prize was won (InstantWin gain_date).'),
    'When the prize was won.',
  ),
  attempts: Type.Integer({ description: 'Fulfilment attempts made, the last one included.' }),
};

/** The InstantWin record's key, so one winner's outcomes stay in order with their wins. */
const key = {
  description: "`<user_id>`; `<event_id>` when the prize names no user (the InstantWin record's key).",
  of: (value: { readonly user_id: string | null; readonly event_id: string }) =>
    value.user_id !== null && value.user_id !== '' ? value.user_id : value.event_id,
};

export const prizeFulfilled = defineDerivedEvent({
  service: SERVICE,
  domain: 'fulfilment',
  name: 'prize-fulfilled',
  recordName: 'PrizeFulfilled',
  description: 'A prize won through an Instant Win was delivered to its winner, once.',
  schema: Type.Object(
    {
      ...envelope,
      ...prize,
      method: Type.String({
        description:
          '`code`: the code from the prize data was delivered; `endpoint`: the fulfilment endpoint accepted it.',
      }),
      code: nullable(Type.String(), 'The code delivered, for `code` prizes.'),
      reference: nullable(
        Type.String(),
        "The fulfilment endpoint's reference for the delivery, when it gives one.",
      ),
    },
    { description: 'A prize delivered.' },
  ),
  key,
  example: {
    event_id: 'IW-5f1c2d0e',
    occurred_at: Date.parse('2026-01-01T00:00:01.000Z'),
    user_id: '123456',
    prize_id: '42',
    prize_type: 'code',
    prize_name: '10 € voucher',
    won_at: Date.parse('2026-01-01T00:00:00.000Z'),
    attempts: 1,
    method: 'code',
    code: 'WIN-2026-XYZ',
    reference: null,
  },
});

export const prizeFailed = defineDerivedEvent({
  service: SERVICE,
  domain: 'fulfilment',
  name: 'prize-failed',
  recordName: 'PrizeFailed',
  description:
    'A prize won through an Instant Win could not be delivered, after the retries a transient failure gets; someone must look at it.',
  schema: Type.Object(
    {
      ...envelope,
      ...prize,
      reason: Type.String({
        description:
          'UNSUPPORTED_PRIZE_TYPE, MISSING_CODE, ENDPOINT_REJECTED (the endpoint refused it) or ENDPOINT_UNAVAILABLE (it kept failing or timing out).',
      }),
      detail: Type.String({ description: 'What went wrong, for a person.' }),
    },
    { description: 'A prize that could not be delivered.' },
  ),
  key,
  example: {
    event_id: 'IW-7a3b9c11',
    occurred_at: Date.parse('2026-01-01T00:00:09.000Z'),
    user_id: '123456',
    prize_id: '43',
    prize_type: 'ifg',
    prize_name: 'Gift card',
    won_at: Date.parse('2026-01-01T00:00:00.000Z'),
    attempts: 4,
    reason: 'ENDPOINT_UNAVAILABLE',
    detail: 'POST http://fulfilment.internal/prizes answered 503 four times',
  },
});
