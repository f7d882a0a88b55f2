import { integer, required, requiredId, text } from '../codecs.ts';
import { defineEvent } from '../definition.ts';
import { campaignUserKey } from '../keys.ts';
import { isRecord } from '../pointer.ts';

/**
 * The one Adictiz event without the envelope: `{email, moderate, campaignId}`. Recognised by
 * that shape; its id is a hash of the body, and its time the time it was received.
 */
export const mediaGalleryModerated = defineEvent({
  source: 'adictiz',
  eventType: 'MediaGalleryModerated',
  name: 'media-gallery-moderated',
  description: 'A media of a gallery was moderated.',
  eventId: 'content-hash',
  occurredAt: 'received',
  fields: {
    email: { pointer: '/email', codec: text("E-mail address of the media's author.") },
    moderate: { pointer: '/moderate', codec: required(integer('Moderation result, as sent (e.g. 1).')) },
    campaign_id: { pointer: '/campaignId', codec: requiredId('Unique campaign id.') },
  },
  recognise: (body) =>
    isRecord(body) &&
    !('event_type' in body) &&
    'moderate' in body &&
    ('campaignId' in body || 'email' in body),
  key: campaignUserKey('campaign_id', 'email'),
});
