import type { EventDefinition, NormalisedEvent } from '../definition.ts';
import { exampleOf } from '../fixtures/index.ts';
import { normalise } from '../normalise.ts';

/** A fixed reception time, so generated examples are the same on every run. */
export const EXAMPLE_RECEIVED_AT = Date.parse('2026-01-01T00:00:00.000Z');

export interface Example {
  readonly body: unknown;
  readonly event: NormalisedEvent;
  readonly key: string;
}

export function exampleEvent(definition: EventDefinition): Example {
  const fixture = exampleOf(definition);
  const result = normalise({ source: fixture.source, body: fixture.body, receivedAt: EXAMPLE_RECEIVED_AT });
  if (!result.ok)
    throw new Error(`the documented example of ${definition.eventType} does not normalise: ${result.detail}`);
  return { body: JSON.parse(fixture.body), event: result.event, key: result.key };
}
