import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { Ledger, type Prize } from './ledger.ts';

const prize: Prize = {
  eventId: 'IW-1',
  userId: 'u-1',
  prizeId: 'p-1',
  prizeType: 'code',
  prizeName: 'Voucher',
  wonAt: 1_700_000_000_000,
};
const first = { topic: 'adictiz.instant-win.v1', partition: 0, offset: '7' };
const second = { ...first, offset: '9' };
const fulfilled = { status: 'fulfilled', method: 'code', code: 'C-1', reference: null, attempts: 1 } as const;

const dirs: string[] = [];
function tempLedgerPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-'));
  dirs.push(dir);
  return join(dir, 'nested', 'ledger.sqlite');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('Ledger', () => {
  test('a prize claimed twice stays with the record that claimed it first', () => {
    const ledger = new Ledger(':memory:');
    ledger.claim(prize, first);
    const again = ledger.claim({ ...prize, prizeName: 'changed' }, second);
    expect(again).toMatchObject({ status: 'pending', source: first, prizeName: 'Voucher' });
  });

  test('an outcome is recorded with the record that decided it, and never changed afterwards', () => {
    const ledger = new Ledger(':memory:');
    ledger.claim(prize, first);
    ledger.decide('IW-1', fulfilled, 1_000, second);
    const later = ledger.decide(
      'IW-1',
      { status: 'failed', reason: 'X', detail: 'x', attempts: 2 },
      2_000,
      first,
    );
    expect(later).toMatchObject({ status: 'fulfilled', code: 'C-1', decidedAt: 1_000, source: second });
  });

  test('what was written survives closing and opening the file again', () => {
    const path = tempLedgerPath();
    const ledger = new Ledger(path);
    ledger.claim(prize, first);
    ledger.decide('IW-1', fulfilled, 1_000, first);
    ledger.close();

    const reopened = new Ledger(path);
    expect(reopened.get('IW-1')).toMatchObject({ status: 'fulfilled', method: 'code', code: 'C-1' });
    reopened.close();
  });

  test("a user's prizes are listed in the order they were taken on", () => {
    const ledger = new Ledger(':memory:');
    ledger.claim({ ...prize, eventId: 'IW-2' }, first, 2_000);
    ledger.claim({ ...prize, eventId: 'IW-1' }, first, 1_000);
    ledger.claim({ ...prize, eventId: 'IW-3', userId: 'someone else' }, first, 3_000);
    expect(ledger.byUser('u-1').map((e) => e.eventId)).toEqual(['IW-1', 'IW-2']);
  });
});
