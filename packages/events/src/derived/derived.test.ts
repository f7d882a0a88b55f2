import { Value } from '@sinclair/typebox/value';
import avsc from 'avsc';
import { describe, expect, test } from 'vitest';
import { avroSchemaOf } from '../avro/to-avro.ts';
import { derivedDefinitions, derivedEvents } from '../catalogue.ts';
import { cloudEventHeaders } from '../headers.ts';

describe.each(derivedDefinitions.map((d) => [d.topic, d] as const))('derived event %s', (_, definition) => {
  test('its example is a valid value of its schema', () => {
    expect([...Value.Errors(definition.eventSchema, definition.example)]).toEqual([]);
  });

  test('its example survives its Avro schema', () => {
    const type = avsc.Type.forSchema(avroSchemaOf(definition) as avsc.Schema);
    expect(type.fromBuffer(type.toBuffer(definition.example))).toEqual(definition.example);
  });

  test('its records say which service published them', () => {
    const headers = cloudEventHeaders(definition, definition.example as never);
    expect(headers.ce_source).toBe(`/services/${definition.service}`);
    expect(headers.ce_type).toBe(`${definition.namespace}.${definition.recordName}`);
  });
});

test('fulfilment outcomes are keyed like the InstantWin they answer: by user, by event when there is none', () => {
  const { prizeFulfilled } = derivedEvents;
  expect(prizeFulfilled.key.of({ ...prizeFulfilled.example, user_id: 'u-1' })).toBe('u-1');
  expect(prizeFulfilled.key.of({ ...prizeFulfilled.example, user_id: null, event_id: 'e-1' })).toBe('e-1');
  expect(prizeFulfilled.key.of({ ...prizeFulfilled.example, user_id: '', event_id: 'e-1' })).toBe('e-1');
});

test('a quiz score is keyed by campaign and player, and its topic is compacted', () => {
  const { quizScore } = derivedEvents;
  expect(quizScore.key.of({ ...quizScore.example, operation_id: 'op', user_id: 'u' })).toBe('op:u');
  expect(quizScore.topic).toBe('quiz.scores.v1');
  expect(quizScore.cleanupPolicy).toBe('compact');
});
