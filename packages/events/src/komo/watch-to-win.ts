import { eventTypeName, requiredId, requiredInstant, text } from '../codecs.ts';
import { defineEvent } from '../definition.ts';
import { campaignUserKey } from '../keys.ts';

const USER_ATTRIBUTES =
  'User attributes captured for the profile (or, without one, the session): every top-level text field of the body the document does not name.';

/**
 * Komo's Watch to Win card events: a flat body. The document's examples name them
 * InstantWinStarted / InstantWinFinished while `card_type` is WatchToWin; both names are accepted.
 */
function watchToWin(phase: 'Started' | 'Finished', description: string) {
  return defineEvent({
    source: 'komo',
    eventType: `WatchToWin${phase}`,
    name: `watch-to-win-${phase.toLowerCase()}`,
    description,
    eventId: { pointer: '/id', codec: requiredId('Unique GUID of the event.') },
    eventTypeField: { pointer: '/event', codec: eventTypeName(`WatchToWin${phase}`, [`InstantWin${phase}`]) },
    occurredAt: {
      pointer: '/timestamp',
      codec: requiredInstant('When the event was raised, ISO 8601.', 'iso-8601'),
    },
    fields: {
      site_id: { pointer: '/site_id', codec: text('GUID of the active site.') },
      site_name: { pointer: '/site_name', codec: text('Name of the site.') },
      user_session_id: { pointer: '/user_session_id', codec: text('GUID of the user session.') },
      user_profile_id: {
        pointer: '/user_profile_id',
        codec: text('GUID of the user profile; only when profiles are enabled and the user signed in.'),
      },
      card_id: { pointer: '/card_id', codec: text('GUID of the card.') },
      card_name: { pointer: '/card_name', codec: text('Internal name of the card.') },
      card_type: { pointer: '/card_type', codec: text('Type of the card, e.g. WatchToWin.') },
    },
    rest: { field: 'user_attributes', description: USER_ATTRIBUTES },
    key: campaignUserKey('site_id', 'user_profile_id', 'user_session_id'),
  });
}

export const watchToWinStarted = watchToWin('Started', 'A user started a Watch to Win card.');
export const watchToWinFinished = watchToWin('Finished', 'A user finished a Watch to Win card.');
