import { instant, text } from '../codecs.ts';
import { campaignUserKey } from '../keys.ts';
import { adictizEvent } from './envelope.ts';

export const fileUpload = adictizEvent({
  eventType: 'FileUpload',
  name: 'file-upload',
  description: 'A user uploaded a media to a campaign: one event per media.',
  data: {
    user_id: { codec: text('Unique user id (unique per campaign).') },
    upload_id: { codec: text('Upload id.') },
    upload_type: { codec: text('MIME type of the media.') },
    upload_name: { codec: text('File name.') },
    upload_url: { codec: text('URL of the media.') },
    upload_date: { codec: instant('When the media was uploaded.') },
    operation_id: { codec: text('Unique campaign id.') },
    operation_name: { codec: text('Campaign name.') },
    upload_description: { codec: text('Description.') },
    upload_short_description: { codec: text('Short description.') },
  },
  key: campaignUserKey('operation_id', 'user_id'),
});
