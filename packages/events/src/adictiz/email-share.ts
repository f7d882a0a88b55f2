import { record, text, textList } from '../codecs.ts';
import { campaignUserKey } from '../keys.ts';
import { adictizEvent } from './envelope.ts';

export const emailShare = adictizEvent({
  eventType: 'EmailShare',
  name: 'email-share',
  description: 'A user shared the campaign by e-mail with one or more people.',
  data: {
    user: {
      codec: record('EmailShareUser', 'The user who shared.', {
        id: { codec: text('Unique user id (unique per campaign).') },
        firstname: { codec: text('First name.') },
        lastname: { codec: text('Last name.') },
        email: { codec: text('E-mail address.') },
      }),
    },
    receivers: { codec: textList('E-mail addresses of the receivers.') },
    operation_id: { codec: text('Unique campaign id.') },
    operation_name: { codec: text('Campaign name.') },
  },
  key: campaignUserKey('operation_id', 'user.id'),
});
