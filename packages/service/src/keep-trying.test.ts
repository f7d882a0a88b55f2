import { pino } from 'pino';
import { describe, expect, test } from 'vitest';
import { keepTrying } from './keep-trying.ts';

const logger = pino({ level: 'silent' });

describe('keepTrying', () => {
  test('tries again until the attempt succeeds', async () => {
    let tries = 0;
    await keepTrying(
      'connecting',
      async () => {
        if (++tries < 3) throw new Error('not yet');
      },
      { logger, stopped: () => false, delayMs: 1 },
    );
    expect(tries).toBe(3);
  });

  test('gives up once stopped, without another try', async () => {
    let tries = 0;
    let stopped = false;
    await keepTrying(
      'connecting',
      async () => {
        tries++;
        stopped = true;
        throw new Error('down');
      },
      { logger, stopped: () => stopped, delayMs: 1 },
    );
    expect(tries).toBe(1);
  });
});
