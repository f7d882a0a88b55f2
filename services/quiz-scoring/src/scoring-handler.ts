import type { derivedEvents } from '@relay/events';
import type { EventHandler } from '@relay/kafka';
import type { ScoringMetrics } from './metrics.ts';
import {
  applyAnswer,
  type PlayerScore,
  type QuestionParticipation,
  scoreKey,
} from './scoring/player-score.ts';
import type { ScoringState } from './scoring/scoring-state.ts';

export type QuizScore = (typeof derivedEvents.quizScore)['example'];

export function toQuizScore(score: PlayerScore, occurredAt: number): QuizScore {
  return {
    event_id: `${scoreKey(score.operationId, score.userId)}:${score.questionsAnswered}`,
    occurred_at: occurredAt,
    operation_id: score.operationId,
    user_id: score.userId,
    total_points: score.totalPoints,
    correct_answers: score.correctAnswers,
    questions_answered: score.questionsAnswered,
    first_answer_at: score.firstAnswerAt,
    last_answer_at: score.lastAnswerAt,
    question_ids: [...score.questionIds],
  };
}

/**
 * Scores each answer against the player's current score and publishes the new score in the
 * consumer's transaction; an answer that counts nothing new publishes nothing.
 */
export function scoringHandler(deps: {
  readonly state: ScoringState;
  readonly scores: typeof derivedEvents.quizScore;
  readonly metrics: ScoringMetrics;
  readonly commitAfterPublish: boolean;
}): EventHandler<QuestionParticipation> {
  return async ({ value }, { publish }) => {
    const current = deps.state.get(scoreKey(value.operation_id ?? '', value.user_id ?? ''));
    const next = applyAnswer(current, value);
    if (next === undefined) {
      deps.metrics.answers.inc({ outcome: 'repeat' });
      return;
    }
    // Staged only once published (or, in a transaction, queued with it): a failed try leaves no trace.
    await publish(deps.scores, toQuizScore(next, value.occurred_at));
    deps.state.stage(next);
    if (deps.commitAfterPublish) deps.state.commit();
    deps.metrics.answers.inc({ outcome: 'counted' });
  };
}
