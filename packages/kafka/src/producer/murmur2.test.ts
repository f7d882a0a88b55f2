import { randomBytes } from 'node:crypto';
import { murmur2 as clientMurmur2 } from '@platformatic/kafka';
import { describe, expect, test } from 'vitest';
import { murmur2 } from './murmur2.ts';

describe('murmur2', () => {
  // The values Kafka's own UtilsTest.testMurmur2 expects.
  test.each([
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ])('hashes %j as the Java client does', (text, expected) => {
    expect(murmur2(Buffer.from(text))).toBe(expected);
  });

  test('agrees with the client library on every length and on high bytes', () => {
    for (let length = 0; length <= 70; length++) {
      for (let round = 0; round < 20; round++) {
        const data = randomBytes(length);
        expect(murmur2(data), data.toString('hex')).toBe(clientMurmur2(data));
      }
    }
    const high = Buffer.alloc(13, 0xff);
    expect(murmur2(high)).toBe(clientMurmur2(high));
  });
});
