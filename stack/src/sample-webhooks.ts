import { events, exampleOf } from '@relay/events';

/**
 * Webhook bodies as Adictiz sends them, made from the documented examples with the fields a
 * demonstration needs filled in (the documented InstantWin has every prize field empty).
 */

export interface PrizeWon {
  readonly eventId: string;
  readonly userId: string;
  readonly prizeType: 'code' | 'ifg' | 'normal';
  readonly prizeId: string;
  readonly prizeName: string;
  /** The code delivered for a `code` prize. */
  readonly code?: string;
}

export function prizeWonBody(win: PrizeWon): string {
  const body = JSON.parse(exampleOf(events.instantWin).body);
  body.request_id = win.eventId;
  Object.assign(body.data, {
    prize_id: win.prizeId,
    prize_type: win.prizeType,
    prize_name: win.prizeName,
    user_id: win.userId,
    data: win.code ?? '',
  });
  return JSON.stringify(body);
}

export interface QuizAnswer {
  readonly eventId: string;
  readonly operationId: string;
  readonly userId: string;
  readonly questionId: string;
  readonly correct: boolean;
  readonly points: number;
  /** Seconds since the epoch, as Adictiz sends `timestamp`. */
  readonly answeredAt: number;
}

export function quizAnswerBody(answer: QuizAnswer): string {
  const body = JSON.parse(exampleOf(events.questionParticipation).body);
  body.request_id = answer.eventId;
  body.timestamp = answer.answeredAt;
  body.data.user_id = answer.userId;
  body.data.operation_id = answer.operationId;
  body.data.questions = [
    {
      ...body.data.questions[0],
      id_question: answer.questionId,
      is_correct: answer.correct,
      points: answer.points,
    },
  ];
  return JSON.stringify(body);
}
