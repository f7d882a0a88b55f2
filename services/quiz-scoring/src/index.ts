export { configFromEnv, type QuizScoringConfig, QuizScoringEnv } from './config.ts';
export { operationRoutes } from './routes/operations.ts';
export { Leaderboard, type Ranked } from './scoring/leaderboard.ts';
export {
  applyAnswer,
  type PlayerScore,
  type QuestionParticipation,
  UnscorableAnswer,
} from './scoring/player-score.ts';
export { ScoringState } from './scoring/scoring-state.ts';
export { type QuizScore, scoringHandler, toQuizScore } from './scoring-handler.ts';
export { catalogueStreams, createQuizScoring, type QuizScoring, type QuizScoringStreams } from './service.ts';
