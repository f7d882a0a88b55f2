import { describe, expect, test } from 'vitest';
import type { PlayerScore } from './player-score.ts';
import { ScoringState } from './scoring-state.ts';

const score = (userId: string, totalPoints: number): PlayerScore => ({
  operationId: 'quiz',
  userId,
  totalPoints,
  correctAnswers: 1,
  questionsAnswered: 1,
  firstAnswerAt: 1,
  lastAnswerAt: 1,
  questionIds: ['q1'],
});

describe('ScoringState', () => {
  test('a staged score is seen at once, and kept when its transaction commits', () => {
    const state = new ScoringState();
    state.stage(score('ada', 10));
    expect(state.get('quiz:ada')?.totalPoints).toBe(10);
    state.commit();
    state.abort();
    expect(state.get('quiz:ada')?.totalPoints).toBe(10);
  });

  test('an aborted transaction takes its staged scores away, back to the committed ones', () => {
    const state = new ScoringState();
    state.reset([score('ada', 10)]);
    state.stage(score('ada', 30));
    state.stage(score('grace', 5));
    state.abort();
    expect(state.get('quiz:ada')?.totalPoints).toBe(10);
    expect(state.get('quiz:grace')).toBeUndefined();
  });

  test('a reset forgets everything else', () => {
    const state = new ScoringState();
    state.stage(score('ada', 10));
    state.commit();
    state.reset([score('grace', 5)]);
    expect(state.get('quiz:ada')).toBeUndefined();
    expect(state.get('quiz:grace')?.totalPoints).toBe(5);
  });
});
