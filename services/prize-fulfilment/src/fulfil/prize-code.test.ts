import { describe, expect, test } from 'vitest';
import { codeOf } from './prize-code.ts';

describe('codeOf', () => {
  test('the data as sent is the code', () => {
    expect(codeOf('WIN-42')).toBe('WIN-42');
  });

  test('surrounding spaces are not part of the code', () => {
    expect(codeOf('  WIN-42\n')).toBe('WIN-42');
  });

  test('a JSON object gives its code field', () => {
    expect(codeOf('{"code":"WIN-42","url":"https://example.test/redeem"}')).toBe('WIN-42');
  });

  test('a JSON object without a code gives none', () => {
    expect(codeOf('{"url":"https://example.test/redeem"}')).toBeUndefined();
  });

  test('empty or absent data gives none', () => {
    expect(codeOf('')).toBeUndefined();
    expect(codeOf('   ')).toBeUndefined();
    expect(codeOf(null)).toBeUndefined();
  });

  test('text that only looks like JSON is a code', () => {
    expect(codeOf('{WIN-42')).toBe('{WIN-42');
  });
});
