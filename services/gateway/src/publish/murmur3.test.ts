import { describe, expect, test } from '@relay/testkit/vitest';
import { murmur3x86x128 } from './murmur3.ts';

// From the Python mmh3 package (5.3.1, a binding of the reference C code):
// mmh3.hash128(text.encode('utf-16-le'), seed, x64arch=False, signed=False), split into 32-bit words h1..h4.
const REFERENCE: [string, number, [number, number, number, number]][] = [
  ['', 0, [0x0, 0x0, 0x0, 0x0]],
  ['a', 0, [0x33bb196, 0xccef4fe1, 0xccef4fe1, 0xccef4fe1]],
  ['ab', 1, [0xf148eba8, 0x14059052, 0x14059052, 0x14059052]],
  ['evt-1', 0, [0x1765a4df, 0x4ebfe3e5, 0x1dab36f7, 0x7b9aec72]],
  ['0123456', 0, [0xb486d475, 0x587c4a63, 0xfcf88868, 0x2d417688]],
  ['01234567', 0, [0x6dfcf55b, 0x9db5fbd5, 0x9f65185f, 0xa018ca2d]],
  ['012345678', 3, [0x4e17876d, 0x85ff32b2, 0x36955a79, 0xfe45d6d3]],
  ['00000000-0000-4000-8000-000000000042', 0, [0x3661eb76, 0x98bf33d, 0x9261eaa7, 0x92609192]],
  ['été 🎉 prize', 7, [0xc10f9287, 0x893cafea, 0x7410e1b1, 0x46f84e3b]],
];

describe('murmur3x86x128', () => {
  test.each(REFERENCE)('%j with seed %i matches the reference implementation', (text, seed, words) => {
    const { h1, h2, h3, h4 } = murmur3x86x128(text, seed);
    expect([h1, h2, h3, h4].map((h) => h >>> 0)).toEqual(words);
  });
});
