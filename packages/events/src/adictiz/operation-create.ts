import { instant, text } from '../codecs.ts';
import { singleKey } from '../keys.ts';
import { adictizEvent } from './envelope.ts';

export const operationCreate = adictizEvent({
  eventType: 'OperationCreate',
  name: 'operation-create',
  description: 'A new campaign was created on the platform.',
  data: {
    operation_id: { codec: text('Unique campaign id.') },
    name: { codec: text('Campaign name.') },
    timestamp_start: { codec: instant('Start of the campaign.') },
    timestamp_end: { codec: instant('End of the campaign.') },
    time_zone: { codec: text('Time zone of the campaign, e.g. Europe/Brussels.') },
    default_locale: { codec: text('Default language of the campaign, e.g. en_US.') },
  },
  key: singleKey('operation_id'),
});
