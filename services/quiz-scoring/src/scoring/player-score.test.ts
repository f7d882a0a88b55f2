import { describe, expect, test } from 'vitest';
import { applyAnswer, type QuestionParticipation, UnscorableAnswer } from './player-score.ts';

function answer(
  question: string,
  points: number,
  correct: boolean,
  at: number,
  extra: Partial<QuestionParticipation> = {},
) {
  return {
    event_id: `${question}@${at}`,
    operation_id: 'quiz-1',
    user_id: 'ada',
    occurred_at: at,
    questions: [{ id_question: question, label_question: null, answers: [], is_correct: correct, points }],
    ...extra,
  } as unknown as QuestionParticipation;
}

describe('applyAnswer', () => {
  test('a first answer starts the score', () => {
    expect(applyAnswer(undefined, answer('q1', 10, true, 1_000))).toEqual({
      operationId: 'quiz-1',
      userId: 'ada',
      totalPoints: 10,
      correctAnswers: 1,
      questionsAnswered: 1,
      firstAnswerAt: 1_000,
      lastAnswerAt: 1_000,
      questionIds: ['q1'],
    });
  });

  test('answers to other questions add up, a wrong one counting as answered but not correct', () => {
    const one = applyAnswer(undefined, answer('q1', 10, true, 1_000));
    const two = applyAnswer(one, answer('q2', 0, false, 3_000));
    expect(two).toMatchObject({
      totalPoints: 10,
      correctAnswers: 1,
      questionsAnswered: 2,
      lastAnswerAt: 3_000,
    });
  });

  test('an answer to a question already counted changes nothing', () => {
    const one = applyAnswer(undefined, answer('q1', 10, true, 1_000));
    expect(applyAnswer(one, answer('q1', 10, true, 1_000))).toBeUndefined();
    expect(applyAnswer(one, answer('q1', 50, true, 9_000))).toBeUndefined();
  });

  test('answers arriving out of order keep the earliest first and the latest last time', () => {
    const late = applyAnswer(undefined, answer('q2', 5, true, 5_000));
    expect(applyAnswer(late, answer('q1', 5, true, 2_000))).toMatchObject({
      firstAnswerAt: 2_000,
      lastAnswerAt: 5_000,
    });
  });

  test('an answer that names no player or no quiz cannot be scored', () => {
    expect(() => applyAnswer(undefined, answer('q1', 1, true, 1, { user_id: null }))).toThrow(
      UnscorableAnswer,
    );
    expect(() => applyAnswer(undefined, answer('q1', 1, true, 1, { operation_id: '' }))).toThrow(
      UnscorableAnswer,
    );
  });

  test('a question without an id cannot be scored: it could not be told from a repeat', () => {
    expect(() => applyAnswer(undefined, answer('', 1, true, 1))).toThrow(/without id_question/);
  });
});
