import { instant, text } from '../codecs.ts';
import { campaignUserKey } from '../keys.ts';
import { adictizEvent } from './envelope.ts';

/** The document's heading says Transactions, its event_type Transaction: both are accepted. */
export const transaction = adictizEvent({
  eventType: 'Transaction',
  aliases: ['Transactions'],
  name: 'transaction',
  description: 'A transaction detected by the conversion pixel on an e-commerce site.',
  data: {
    operation_id: { codec: text('Unique campaign id.') },
    name: { codec: text('Campaign name.') },
    user_id: { codec: text('Unique user id (unique per campaign).') },
    command_date: { codec: instant('Date and time of the transaction.') },
    command_number: { codec: text('Transaction number.') },
    command_amount: { codec: text('Transaction amount, as sent (a decimal text keeps its precision).') },
    command_currency: { codec: text('Currency of the transaction.') },
  },
  key: campaignUserKey('operation_id', 'user_id'),
});
