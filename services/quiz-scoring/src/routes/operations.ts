import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Leaderboard, Ranked } from '../scoring/leaderboard.ts';

const iso = (ms: number) => new Date(ms).toISOString();

function view({ rank, score }: Ranked) {
  return {
    rank,
    user_id: score.userId,
    total_points: score.totalPoints,
    correct_answers: score.correctAnswers,
    questions_answered: score.questionsAnswered,
    first_answer_at: iso(score.firstAnswerAt),
    last_answer_at: iso(score.lastAnswerAt),
  };
}

function problem(status: 400 | 404, title: string, detail: string): HTTPException {
  return new HTTPException(status, {
    res: Response.json(
      { type: 'about:blank', title, status, detail },
      { status, headers: { 'content-type': 'application/problem+json' } },
    ),
  });
}

/** The leaderboard and players of a quiz, from the scores topic as this instance has read it. */
export function operationRoutes(board: Leaderboard, maxLimit = 1_000): Hono {
  const app = new Hono();
  app.get('/operations/:operationId/leaderboard', (c) => {
    const raw = c.req.query('limit') ?? '10';
    const limit = Number(raw);
    if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit)
      throw problem(
        400,
        'Invalid limit',
        `limit must be an integer from 1 to ${maxLimit}, got ${JSON.stringify(raw)}`,
      );
    const operationId = c.req.param('operationId');
    return c.json({
      operation_id: operationId,
      players: board.players(operationId),
      leaderboard: board.top(operationId, limit).map(view),
    });
  });
  app.get('/operations/:operationId/players/:userId', (c) => {
    const { operationId, userId } = c.req.param();
    const ranked = board.player(operationId, userId);
    if (ranked === undefined)
      throw problem(404, 'No such player', `no score for ${userId} in operation ${operationId}`);
    return c.json({ operation_id: operationId, ...view(ranked) });
  });
  return app;
}
