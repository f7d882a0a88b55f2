import { describe, expect, test } from 'vitest';
import { Leaderboard } from './leaderboard.ts';
import type { PlayerScore } from './player-score.ts';

function score(
  userId: string,
  totalPoints: number,
  lastAnswerAt: number,
  operationId = 'quiz-1',
): PlayerScore {
  return {
    operationId,
    userId,
    totalPoints,
    correctAnswers: 0,
    questionsAnswered: 1,
    firstAnswerAt: 0,
    lastAnswerAt,
    questionIds: ['q1'],
  };
}

const users = (board: Leaderboard, limit = 10) => board.top('quiz-1', limit).map((r) => r.score.userId);

describe('Leaderboard', () => {
  test('players rank by points, highest first', () => {
    const board = new Leaderboard();
    board.upsert(score('ada', 10, 5));
    board.upsert(score('grace', 30, 5));
    board.upsert(score('linus', 20, 5));
    expect(users(board)).toEqual(['grace', 'linus', 'ada']);
  });

  test('equal points: the player who completed them first ranks first', () => {
    const board = new Leaderboard();
    board.upsert(score('late', 10, 9_000));
    board.upsert(score('early', 10, 1_000));
    expect(users(board)).toEqual(['early', 'late']);
  });

  test("a player's new score moves them, and they appear once", () => {
    const board = new Leaderboard();
    board.upsert(score('ada', 10, 1));
    board.upsert(score('grace', 20, 1));
    board.upsert(score('ada', 40, 2));
    expect(users(board)).toEqual(['ada', 'grace']);
    expect(board.players('quiz-1')).toBe(2);
  });

  test('the limit cuts the top, and a player is found with their rank', () => {
    const board = new Leaderboard();
    for (let i = 0; i < 50; i++) board.upsert(score(`p${i}`, i, 1));
    expect(users(board, 3)).toEqual(['p49', 'p48', 'p47']);
    expect(board.player('quiz-1', 'p40')?.rank).toBe(10);
    expect(board.player('quiz-1', 'nobody')).toBeUndefined();
  });

  test('quizzes are ranked apart', () => {
    const board = new Leaderboard();
    board.upsert(score('ada', 10, 1, 'quiz-1'));
    board.upsert(score('ada', 99, 1, 'quiz-2'));
    expect(board.top('quiz-1', 10)).toEqual([{ rank: 1, score: score('ada', 10, 1, 'quiz-1') }]);
  });

  test('a removed player leaves the board', () => {
    const board = new Leaderboard();
    board.upsert(score('ada', 10, 1));
    board.upsert(score('grace', 5, 1));
    board.remove('quiz-1', 'ada');
    expect(users(board)).toEqual(['grace']);
  });
});
