import { text, textList } from '../codecs.ts';
import { campaignUserKey } from '../keys.ts';
import { adictizEvent } from './envelope.ts';

/** The body names the campaign twice (`operationId` and `operation_id`); both are typed. */
export const jwtConnection = adictizEvent({
  eventType: 'JWTConnection',
  name: 'jwt-connection',
  description: 'A user logged in with a JWT token.',
  data: {
    email: { codec: text('E-mail address.') },
    firstname: { codec: text('First name.') },
    lastname: { codec: text('Last name.') },
    civility: { codec: text('Civility.') },
    optin_partner: { codec: text('Partner opt-in, as sent.') },
    optin_tierce: { codec: text('Third-party opt-in, as sent.') },
    operation_id: { codec: text('Unique campaign id.') },
    operation_id_camel: { from: 'operationId', codec: text('Unique campaign id, as sent in operationId.') },
    user_id: { from: 'userId', codec: text('Unique user id (unique per campaign).') },
    partner_user_id: { from: 'partnerUserID', codec: text("The partner's unique user id.") },
    session_id: { codec: text('Session id.') },
    ip_address: { codec: text("The user's IP address.") },
    source_ids: { codec: textList('Source ids.') },
    operation_name: { codec: text('Campaign name.') },
  },
  key: campaignUserKey('operation_id', 'user_id'),
});
