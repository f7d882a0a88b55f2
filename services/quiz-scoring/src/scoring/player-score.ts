import type { events, ValueOf } from '@relay/events';

export type QuestionParticipation = ValueOf<typeof events.questionParticipation>;

/** One player's score in one quiz, and the questions it counts (so that none counts twice). */
export interface PlayerScore {
  readonly operationId: string;
  readonly userId: string;
  readonly totalPoints: number;
  readonly correctAnswers: number;
  readonly questionsAnswered: number;
  readonly firstAnswerAt: number;
  readonly lastAnswerAt: number;
  readonly questionIds: readonly string[];
}

/** An answer that cannot be scored: retrying will not help, so it goes to the dead letters. */
export class UnscorableAnswer extends Error {
  override readonly name = 'UnscorableAnswer';
  readonly retriable = false;
}

export function scoreKey(operationId: string, userId: string): string {
  return `${operationId}:${userId}`;
}

/**
 * The player's score with this answer counted: each question it names that the score does not
 * count yet adds its points, and 1 to the questions answered (and to the correct answers if it
 * was right). `undefined` when every question was counted already: nothing changes.
 */
export function applyAnswer(
  current: PlayerScore | undefined,
  answer: QuestionParticipation,
): PlayerScore | undefined {
  const operationId = answer.operation_id ?? '';
  const userId = answer.user_id ?? '';
  if (operationId === '' || userId === '')
    throw new UnscorableAnswer(`participation ${answer.event_id} names no operation_id or no user_id`);
  const questions = answer.questions ?? [];
  if (questions.length === 0)
    throw new UnscorableAnswer(`participation ${answer.event_id} answers no question`);
  const counted = new Set(current?.questionIds);
  let next: PlayerScore = current ?? {
    operationId,
    userId,
    totalPoints: 0,
    correctAnswers: 0,
    questionsAnswered: 0,
    firstAnswerAt: answer.occurred_at,
    lastAnswerAt: answer.occurred_at,
    questionIds: [],
  };
  let changed = false;
  for (const question of questions) {
    const id = question.id_question ?? '';
    if (id === '')
      throw new UnscorableAnswer(`participation ${answer.event_id} has a question without id_question`);
    if (counted.has(id)) continue;
    counted.add(id);
    changed = true;
    next = {
      ...next,
      totalPoints: next.totalPoints + (question.points ?? 0),
      correctAnswers: next.correctAnswers + (question.is_correct === true ? 1 : 0),
      questionsAnswered: next.questionsAnswered + 1,
      firstAnswerAt: Math.min(next.firstAnswerAt, answer.occurred_at),
      lastAnswerAt: Math.max(next.lastAnswerAt, answer.occurred_at),
      questionIds: [...next.questionIds, id],
    };
  }
  return changed ? next : undefined;
}
