import { describe, expect, test } from 'vitest';
import { events } from './catalogue.ts';
import { toSenderBody } from './definition.ts';
import { brokenExamples, documentedExamples, exampleOf } from './fixtures/index.ts';
import { normalise } from './normalise.ts';

const receivedAt = Date.parse('2026-11-24T10:00:00.000Z');

function accepted(source: string, body: unknown, eventType?: string) {
  const result = normalise({
    source,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    eventType,
    receivedAt,
  });
  if (!result.ok) throw new Error(`rejected: ${result.code} ${JSON.stringify(result.errors)}`);
  return result;
}

function rejected(source: string, body: unknown, eventType?: string) {
  const result = normalise({
    source,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    eventType,
    receivedAt,
  });
  if (result.ok) throw new Error(`accepted as ${result.definition.eventType}`);
  return result;
}

const instantWinBody = JSON.parse(exampleOf(events.instantWin).body) as Record<string, unknown>;

describe('documented examples', () => {
  test.each(documentedExamples.map((f) => [f.name, f] as const))(
    '%s normalises to its event',
    (_, fixture) => {
      const { definition, event } = accepted(fixture.source, fixture.body);
      expect(definition).toBe(fixture.definition);
      expect(event.source).toBe(fixture.source);
      expect(event.event_type).toBe(fixture.definition.eventType);
      expect(event.received_at).toBe(receivedAt);
    },
  );

  test.each(documentedExamples.map((f) => [f.name, f] as const))('%s loses no sender value', (_, fixture) => {
    const { definition, event } = accepted(fixture.source, fixture.body);
    expect(toSenderBody(definition, event)).toEqual(JSON.parse(fixture.body));
  });

  test.each(brokenExamples.map((f) => [`${f.source}/${f.name}`, f] as const))(
    'the broken published form of %s is malformed JSON, with where it breaks',
    (_, fixture) => {
      const result = rejected(fixture.source, fixture.body);
      expect(result.code).toBe('malformed_json');
      expect(result.errors).toEqual([
        { pointer: '', expected: 'a JSON object', got: expect.stringMatching(/position \d+/) },
      ]);
    },
  );
});

describe('envelope fields', () => {
  test('an Adictiz event takes its id from request_id and its time from the unix timestamp', () => {
    const { event } = accepted('adictiz', instantWinBody);
    expect(event.event_id).toBe('575ebc220c0080.14860437');
    expect(event.occurred_at).toBe(1465826338_000);
  });

  test('a Komo event takes its id from id and its time from the ISO timestamp', () => {
    const { event } = accepted('komo', exampleOf(events.watchToWinStarted).body);
    expect(event.event_id).toBe('54e635de-92f5-4419-a498-5f69323db34c');
    expect(event.occurred_at).toBe(Date.parse('2000-01-01T00:00:00.000Z'));
  });

  test('MediaGalleryModerated, without an envelope, is recognised by its shape and gets a content hash as id', () => {
    const body = { email: 'a@example.com', moderate: 1, campaignId: '5bc5922f4be94bb2516f61c7' };
    const first = accepted('adictiz', body);
    const reordered = accepted('adictiz', { campaignId: body.campaignId, moderate: 1, email: body.email });

    expect(first.definition).toBe(events.mediaGalleryModerated);
    expect(first.event.event_id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(reordered.event.event_id).toBe(first.event.event_id);
    expect(accepted('adictiz', { ...body, moderate: 0 }).event.event_id).not.toBe(first.event.event_id);
    expect(first.event.occurred_at).toBe(receivedAt);
  });

  test('a timestamp sent as numeric text is read, and kept as sent', () => {
    const { event, definition } = accepted('adictiz', { ...instantWinBody, timestamp: '1465826338' });
    expect(event.occurred_at).toBe(1465826338_000);
    expect(event.extras['/timestamp']).toBe('"1465826338"');
    expect(toSenderBody(definition, event)['timestamp']).toBe('1465826338');
  });
});

describe('event types', () => {
  test.each([
    ['SSOConnexion', events.ssoConnection],
    ['SSOConnection', events.ssoConnection],
    ['Transaction', events.transaction],
    ['Transactions', events.transaction],
  ])('Adictiz event_type %s is accepted', (name, definition) => {
    const body = { ...JSON.parse(exampleOf(definition).body), event_type: name };
    const { event, definition: found } = accepted('adictiz', body);
    expect(found).toBe(definition);
    expect(event.event_type).toBe(definition.eventType);
  });

  test.each([
    ['InstantWinStarted', events.watchToWinStarted],
    ['WatchToWinStarted', events.watchToWinStarted],
    ['InstantWinFinished', events.watchToWinFinished],
    ['WatchToWinFinished', events.watchToWinFinished],
  ])('Komo event %s is accepted', (name, definition) => {
    const body = { ...JSON.parse(exampleOf(definition).body), event: name };
    expect(accepted('komo', body).definition).toBe(definition);
  });

  test('the event type may come from the URL', () => {
    expect(accepted('adictiz', instantWinBody, 'instantwin').definition).toBe(events.instantWin);
  });

  test('a URL and a body naming different event types are rejected', () => {
    const result = rejected('adictiz', instantWinBody, 'FileUpload');
    expect(result.code).toBe('event_type_mismatch');
    expect(result.errors).toEqual([
      { pointer: '/event_type', expected: '"FileUpload"', got: 'string "InstantWin"' },
    ]);
  });

  test('an unknown event type is rejected, listing the known ones', () => {
    const result = rejected('adictiz', { ...instantWinBody, event_type: 'Teleport' });
    expect(result.code).toBe('unknown_event_type');
    expect(result.errors[0]).toMatchObject({ pointer: '/event_type', got: 'string "Teleport"' });
    expect(result.errors[0]?.expected).toContain('InstantWin');
  });

  test('a body with neither an event type nor a known shape is rejected', () => {
    expect(rejected('adictiz', { hello: 'world' }).code).toBe('unknown_event_type');
  });

  test('an unknown source is rejected', () => {
    expect(rejected('acme', instantWinBody).code).toBe('unknown_source');
  });
});

describe('schema violations', () => {
  test('every failing field is named with what was expected and what came', () => {
    const result = rejected('adictiz', {
      timestamp: 'yesterday',
      request_id: '',
      event_type: 'InstantWin',
      data: { user_id: { nested: true }, gainDate: [] },
    });
    expect(result.code).toBe('schema_violation');
    expect(result.definition).toBe(events.instantWin);
    expect(result.errors).toEqual([
      { pointer: '/request_id', expected: 'non-empty string', got: 'string ""' },
      { pointer: '/timestamp', expected: expect.stringContaining('integer'), got: 'string "yesterday"' },
      { pointer: '/data/user_id', expected: 'string or number or boolean or null', got: 'object' },
      { pointer: '/data/gainDate', expected: 'string or number or null', got: 'array of 0' },
    ]);
  });

  test('a missing required field is named', () => {
    const { request_id: _, ...body } = instantWinBody;
    expect(rejected('adictiz', body).errors).toEqual([
      { pointer: '/request_id', expected: 'non-empty string', got: 'missing' },
    ]);
  });

  test('a body that is JSON but not an object is rejected', () => {
    expect(rejected('adictiz', '[1,2]').errors).toEqual([
      { pointer: '', expected: 'object', got: 'array of 2' },
    ]);
  });

  test('bytes that are not UTF-8 are malformed', () => {
    const result = normalise({ source: 'komo', body: new Uint8Array([0x7b, 0xff, 0x7d]) });
    expect(result.ok === false && result.code).toBe('malformed_json');
  });
});

describe('tolerance and losslessness', () => {
  test('numbers sent as text, and empty values, are read', () => {
    const body = JSON.parse(exampleOf(events.gameParticipation).body);
    body.data.gameParticipationType = 'UserGame';
    body.data.gameData = {
      date: '',
      datetime: '1494595169',
      score: '12',
      score_type: 'pts',
      duration: '',
      status: '1',
    };
    const { event, definition } = accepted('adictiz', body);
    expect(event['user_game']).toEqual({
      date: null,
      datetime: 1494595169_000,
      score: 12,
      score_type: 'pts',
      duration: null,
      status: true,
      data: null,
    });
    expect(event['user_content']).toBeNull();
    expect(toSenderBody(definition, event)).toEqual(body);
  });

  test('unknown fields, at any depth, are kept', () => {
    const body = structuredClone(instantWinBody) as { data: Record<string, unknown> } & Record<
      string,
      unknown
    >;
    body['signature'] = { v: 1 };
    body.data['operation_id'] = 'op-1';
    const { event, definition } = accepted('adictiz', body);
    expect(event.extras).toMatchObject({ '/signature': '{"v":1}', '/data/operation_id': '"op-1"' });
    expect(toSenderBody(definition, event)).toEqual(body);
  });

  test('an empty data object is given back as sent', () => {
    const body = { request_id: 'r', event_type: 'SSOConnection', timestamp: 0, data: {} };
    const { event, definition } = accepted('adictiz', body);
    expect(toSenderBody(definition, event)).toEqual(body);
  });

  test('"-0" reads as 0, as an Avro long gives it back, and is kept as sent', () => {
    const { event, definition } = accepted('adictiz', { moderate: '-0', campaignId: 'c' });
    expect(Object.is(event['moderate'], 0)).toBe(true);
    expect(toSenderBody(definition, event)).toEqual({ moderate: '-0', campaignId: 'c' });
  });

  test("Komo user attributes become the event's user_attributes", () => {
    const body = {
      ...JSON.parse(exampleOf(events.watchToWinFinished).body),
      favourite_colour: 'green',
      age: 42,
    };
    const { event, definition } = accepted('komo', body);
    expect(event['user_attributes']).toEqual({ favourite_colour: 'green' });
    expect(event.extras['/age']).toBe('42');
    expect(toSenderBody(definition, event)).toEqual(body);
  });

  test('a GameParticipation of an undocumented kind keeps its gameData as sent', () => {
    const body = JSON.parse(exampleOf(events.gameParticipation).body);
    body.data.gameParticipationType = 'UserVote';
    const { event } = accepted('adictiz', body);
    expect(event['user_content']).toBeNull();
    expect(event['user_game']).toBeNull();
    expect(JSON.parse(event.extras['/data/gameData'] ?? 'null')).toEqual(body.data.gameData);
  });
});

describe('keys', () => {
  test('<operation_id>:<user_id> where both exist', () => {
    expect(accepted('adictiz', exampleOf(events.fileUpload).body).key).toBe(
      '614896c3c9eae0424276a116:6148982a30b1ba64f53184ef',
    );
  });

  test('the user alone when the campaign is empty, the event id when both are', () => {
    const body = JSON.parse(exampleOf(events.fileUpload).body);
    body.data.operation_id = '';
    expect(accepted('adictiz', body).key).toBe('6148982a30b1ba64f53184ef');
    body.data.user_id = '';
    expect(accepted('adictiz', body).key).toBe('d97dapgzie');
  });

  test('Komo: the site and the profile, or the session without a profile', () => {
    const body = JSON.parse(exampleOf(events.watchToWinStarted).body);
    expect(accepted('komo', body).key).toBe(`${body.site_id}:${body.user_profile_id}`);
    delete body.user_profile_id;
    expect(accepted('komo', body).key).toBe(`${body.site_id}:${body.user_session_id}`);
  });
});
