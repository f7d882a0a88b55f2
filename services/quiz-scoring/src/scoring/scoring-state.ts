import type { PlayerScore } from './player-score.ts';
import { scoreKey } from './player-score.ts';

/**
 * The scores the scorer works from: those committed to the scores topic, and those staged by
 * the transaction in progress, which become committed with it or vanish if it is aborted (the
 * records behind them are then handled again).
 */
export class ScoringState {
  #committed = new Map<string, PlayerScore>();
  #staged = new Map<string, PlayerScore>();

  /** Starts again from these committed scores (after a rebalance). */
  reset(scores: Iterable<PlayerScore>): void {
    this.#committed = new Map([...scores].map((score) => [scoreKey(score.operationId, score.userId), score]));
    this.#staged.clear();
  }

  get(key: string): PlayerScore | undefined {
    return this.#staged.get(key) ?? this.#committed.get(key);
  }

  stage(score: PlayerScore): void {
    this.#staged.set(scoreKey(score.operationId, score.userId), score);
  }

  commit(): void {
    for (const [key, score] of this.#staged) this.#committed.set(key, score);
    this.#staged.clear();
  }

  abort(): void {
    this.#staged.clear();
  }
}
