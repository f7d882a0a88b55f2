import { Counter, collectDefaultMetrics, Registry } from 'prom-client';

export interface ScoringMetrics {
  /** Also holds the consumer library's metrics (records processed, dead-lettered, lag…). */
  readonly registry: Registry;
  readonly answers: Counter<'outcome'>;
}

export function createMetrics(): ScoringMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    answers: new Counter({
      name: 'relay_quiz_answers_total',
      help: 'Answers handled: `counted` changed a score, `repeat` named only questions already counted.',
      labelNames: ['outcome'],
      registers: [registry],
    }),
  };
}
