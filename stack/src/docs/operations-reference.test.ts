import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import {
  operationsReference,
  REFERENCE_END,
  REFERENCE_START,
  withReference,
} from './operations-reference.ts';

const document = readFileSync(new URL('../../../docs/operations.md', import.meta.url), 'utf8');

describe('docs/operations.md', () => {
  test('holds the settings and metrics the code defines (`npm run docs:generate` after a change)', async () => {
    expect(withReference(document, await operationsReference())).toBe(document);
  });

  test('lists every setting a service reads, with its default', async () => {
    const reference = await operationsReference();

    expect(reference).toContain('| `FULFILMENT_ENDPOINT_URL` | **required** |');
    expect(reference).toContain('| `EXACTLY_ONCE` | `true` |');
    expect(reference).toContain('| `RELAY_TOPIC_PARTITIONS` | `6` |');
    expect(reference).toContain('`relay_quiz_answers_total`');
  });
});

describe('withReference', () => {
  test('replaces only the part between the markers', () => {
    const before = `intro\n${REFERENCE_START}\nold\n${REFERENCE_END}\noutro\n`;

    expect(withReference(before, `${REFERENCE_START}\nnew\n${REFERENCE_END}`)).toBe(
      `intro\n${REFERENCE_START}\nnew\n${REFERENCE_END}\noutro\n`,
    );
  });

  test('says so when the document has lost its markers', () => {
    expect(() => withReference('no markers', 'x')).toThrow(/no reference part/);
  });
});
