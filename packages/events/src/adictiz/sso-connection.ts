import { integer, text } from '../codecs.ts';
import { campaignUserKey } from '../keys.ts';
import { adictizEvent } from './envelope.ts';

/** The document's heading says SSOConnection, its event_type SSOConnexion: both are accepted. */
export const ssoConnection = adictizEvent({
  eventType: 'SSOConnexion',
  aliases: ['SSOConnection'],
  name: 'sso-connection',
  description:
    "A user signed up or logged in through an SSO connector. The connector's API data beyond the typed fields is in extras.",
  data: {
    operation_id: { from: 'operationId', codec: text('Unique campaign id.') },
    user_id: { from: 'userId', codec: text('Unique user id (unique per campaign).') },
    partner_id: { from: 'partnerId', codec: text("The partner's unique user id.") },
    firstname: { codec: text('First name.') },
    lastname: { codec: text('Last name.') },
    email: { codec: text('E-mail address.') },
    rules: { codec: integer('Acceptance of the rules, as sent (1 = accepted).') },
  },
  key: campaignUserKey('operation_id', 'user_id'),
});
