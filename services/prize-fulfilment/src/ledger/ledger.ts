import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

/** Where a prize came from: the InstantWin record that first asked for it. */
export interface Source {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

export interface Prize {
  readonly eventId: string;
  readonly userId: string | null;
  readonly prizeId: string | null;
  readonly prizeType: string | null;
  readonly prizeName: string | null;
  readonly wonAt: number | null;
}

export type Outcome =
  | {
      readonly status: 'fulfilled';
      readonly method: 'code' | 'endpoint';
      readonly code: string | null;
      readonly reference: string | null;
      readonly attempts: number;
    }
  | {
      readonly status: 'failed';
      readonly reason: string;
      readonly detail: string;
      readonly attempts: number;
    };

export type Entry = Prize & {
  readonly source: Source;
  readonly createdAt: number;
} & ({ readonly status: 'pending' } | (Outcome & { readonly decidedAt: number }));

interface Row {
  event_id: string;
  user_id: string | null;
  prize_id: string | null;
  prize_type: string | null;
  prize_name: string | null;
  won_at: number | null;
  source_topic: string;
  source_partition: number;
  source_offset: string;
  status: 'pending' | 'fulfilled' | 'failed';
  method: 'code' | 'endpoint' | null;
  code: string | null;
  reference: string | null;
  reason: string | null;
  detail: string | null;
  attempts: number;
  created_at: number;
  decided_at: number | null;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS fulfilments (
    event_id TEXT PRIMARY KEY,
    user_id TEXT,
    prize_id TEXT,
    prize_type TEXT,
    prize_name TEXT,
    won_at INTEGER,
    source_topic TEXT NOT NULL,
    source_partition INTEGER NOT NULL,
    source_offset TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'fulfilled', 'failed')),
    method TEXT,
    code TEXT,
    reference TEXT,
    reason TEXT,
    detail TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    decided_at INTEGER
  ) STRICT;
  CREATE INDEX IF NOT EXISTS fulfilments_by_user ON fulfilments (user_id, created_at);
`;

function entryOf(row: Row): Entry {
  const base = {
    eventId: row.event_id,
    userId: row.user_id,
    prizeId: row.prize_id,
    prizeType: row.prize_type,
    prizeName: row.prize_name,
    wonAt: row.won_at,
    source: { topic: row.source_topic, partition: row.source_partition, offset: row.source_offset },
    createdAt: row.created_at,
  };
  if (row.status === 'pending') return { ...base, status: 'pending' };
  const decidedAt = row.decided_at ?? row.created_at;
  if (row.status === 'fulfilled') {
    return {
      ...base,
      status: 'fulfilled',
      method: row.method ?? 'endpoint',
      code: row.code,
      reference: row.reference,
      attempts: row.attempts,
      decidedAt,
    };
  }
  return {
    ...base,
    status: 'failed',
    reason: row.reason ?? '',
    detail: row.detail ?? '',
    attempts: row.attempts,
    decidedAt,
  };
}

/**
 * The durable record of every prize this service took on, and what became of it: the reason a
 * prize is delivered once however often its InstantWin arrives. An embedded SQLite file (WAL,
 * synchronous FULL), so an outcome written survives a crash the moment the call returns.
 */
export class Ledger {
  readonly #db: DatabaseSync;
  readonly #get;
  readonly #claim;
  readonly #decide;
  readonly #byUser;

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.#db = new DatabaseSync(path);
    this.#db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;');
    this.#db.exec(SCHEMA);
    this.#get = this.#db.prepare('SELECT * FROM fulfilments WHERE event_id = ?');
    this.#claim = this.#db.prepare(
      `INSERT INTO fulfilments (event_id, user_id, prize_id, prize_type, prize_name, won_at,
         source_topic, source_partition, source_offset, status, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)
       ON CONFLICT (event_id) DO NOTHING`,
    );
    this.#decide = this.#db.prepare(
      `UPDATE fulfilments SET status = ?, method = ?, code = ?, reference = ?, reason = ?, detail = ?,
         attempts = ?, decided_at = ?, source_topic = ?, source_partition = ?, source_offset = ?
       WHERE event_id = ? AND status = 'pending'`,
    );
    this.#byUser = this.#db.prepare(
      'SELECT * FROM fulfilments WHERE user_id = ? ORDER BY created_at, event_id LIMIT ?',
    );
  }

  get(eventId: string): Entry | undefined {
    const row = this.#get.get(eventId) as Row | undefined;
    return row === undefined ? undefined : entryOf(row);
  }

  /** Takes the prize on, unless it already was: the entry as it stands afterwards. */
  claim(prize: Prize, source: Source, now = Date.now()): Entry {
    this.#claim.run(
      prize.eventId,
      prize.userId,
      prize.prizeId,
      prize.prizeType,
      prize.prizeName,
      prize.wonAt,
      source.topic,
      source.partition,
      source.offset,
      now,
    );
    const entry = this.get(prize.eventId);
    if (entry === undefined) throw new Error(`ledger lost ${prize.eventId}`);
    return entry;
  }

  /**
   * Records the outcome of a pending prize, and the record that decided it; an outcome, once
   * written, is never changed.
   */
  decide(eventId: string, outcome: Outcome, now: number, source: Source): Entry {
    const fulfilled = outcome.status === 'fulfilled' ? outcome : undefined;
    const failed = outcome.status === 'failed' ? outcome : undefined;
    this.#decide.run(
      outcome.status,
      fulfilled?.method ?? null,
      fulfilled?.code ?? null,
      fulfilled?.reference ?? null,
      failed?.reason ?? null,
      failed?.detail ?? null,
      outcome.attempts,
      now,
      source.topic,
      source.partition,
      source.offset,
      eventId,
    );
    const entry = this.get(eventId);
    if (entry === undefined) throw new Error(`ledger lost ${eventId}`);
    return entry;
  }

  byUser(userId: string, limit = 100): Entry[] {
    return (this.#byUser.all(userId, limit) as unknown as Row[]).map(entryOf);
  }

  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }
}
