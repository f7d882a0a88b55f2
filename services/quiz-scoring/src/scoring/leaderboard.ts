import type { PlayerScore } from './player-score.ts';

/** Higher score first; equal scores: the one who completed them first; then by user id, to be stable. */
function compare(a: PlayerScore, b: PlayerScore): number {
  return (
    b.totalPoints - a.totalPoints ||
    a.lastAnswerAt - b.lastAnswerAt ||
    (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0)
  );
}

/** The first index whose entry does not rank before `score`. */
function positionOf(ranked: readonly PlayerScore[], score: PlayerScore): number {
  let low = 0;
  let high = ranked.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compare(ranked[middle] as PlayerScore, score) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

export interface Ranked {
  readonly rank: number;
  readonly score: PlayerScore;
}

class OperationBoard {
  readonly ranked: PlayerScore[] = [];
  readonly byUser = new Map<string, PlayerScore>();

  upsert(score: PlayerScore): void {
    const previous = this.byUser.get(score.userId);
    if (previous !== undefined) this.ranked.splice(positionOf(this.ranked, previous), 1);
    this.ranked.splice(positionOf(this.ranked, score), 0, score);
    this.byUser.set(score.userId, score);
  }

  remove(userId: string): void {
    const previous = this.byUser.get(userId);
    if (previous === undefined) return;
    this.ranked.splice(positionOf(this.ranked, previous), 1);
    this.byUser.delete(userId);
  }
}

/**
 * Every quiz's players kept in rank order as scores change, so that the top N is a slice and a
 * player's rank a binary search, however many players a quiz has.
 */
export class Leaderboard {
  readonly #operations = new Map<string, OperationBoard>();

  upsert(score: PlayerScore): void {
    let board = this.#operations.get(score.operationId);
    if (board === undefined) {
      board = new OperationBoard();
      this.#operations.set(score.operationId, board);
    }
    board.upsert(score);
  }

  remove(operationId: string, userId: string): void {
    this.#operations.get(operationId)?.remove(userId);
  }

  top(operationId: string, limit: number): Ranked[] {
    const ranked = this.#operations.get(operationId)?.ranked ?? [];
    return ranked.slice(0, limit).map((score, index) => ({ rank: index + 1, score }));
  }

  player(operationId: string, userId: string): Ranked | undefined {
    const board = this.#operations.get(operationId);
    const score = board?.byUser.get(userId);
    if (board === undefined || score === undefined) return undefined;
    return { rank: positionOf(board.ranked, score) + 1, score };
  }

  players(operationId: string): number {
    return this.#operations.get(operationId)?.ranked.length ?? 0;
  }

  /** Every score, for a state to start from. */
  *scores(): Iterable<PlayerScore> {
    for (const board of this.#operations.values()) yield* board.byUser.values();
  }
}
