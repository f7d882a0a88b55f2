import { Type } from '@sinclair/typebox';
import { describe, expect, test } from 'vitest';
import { settingsTable } from './settings-table.ts';

describe('settingsTable', () => {
  test('one row per setting: its default, what it accepts and what it does', () => {
    const table = settingsTable(
      Type.Object({
        PORT: Type.Integer({ minimum: 0, maximum: 65_535, default: 8080, description: 'HTTP port' }),
        KAFKA_BROKERS: Type.String({ minLength: 1, description: 'the brokers' }),
        TOKEN: Type.Optional(Type.String({ minLength: 16, description: 'a token' })),
        MODE: Type.Union([Type.Literal('header'), Type.Literal('query')], {
          default: 'header',
          description: 'where | how',
        }),
        PREFIX: Type.String({ default: '', pattern: '^[a-z]*$', description: 'a prefix' }),
      }),
    );

    expect(table.split('\n').slice(2)).toEqual([
      '| `PORT` | `8080` | integer, ≥ 0, ≤ 65535 | HTTP port |',
      '| `KAFKA_BROKERS` | **required** | string, not empty | the brokers |',
      '| `TOKEN` | unset | string, at least 16 characters | a token |',
      '| `MODE` | `header` | `header` or `query` | where \\| how |',
      '| `PREFIX` | empty | string, matching `^[a-z]*$` | a prefix |',
    ]);
  });

  test('refuses a setting without a description', () => {
    expect(() => settingsTable(Type.Object({ SECRET: Type.String() }))).toThrow(/SECRET has no description/);
  });
});
