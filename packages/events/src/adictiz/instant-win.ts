import { instant, text } from '../codecs.ts';
import { singleKey } from '../keys.ts';
import { adictizEvent } from './envelope.ts';

export const instantWin = adictizEvent({
  eventType: 'InstantWin',
  name: 'instant-win',
  description: 'A user won a reward through an Instant Win module of a live campaign.',
  data: {
    prize_id: { codec: text('Reward id.') },
    prize_type: { codec: text('Reward type: normal, ifg (ifeelgoods) or code.') },
    prize_name: { codec: text('Reward name.') },
    prize_description: { codec: text('Reward description.') },
    prize_picture: { codec: text('Picture URL.') },
    prize_value: { codec: text('Reward price, as sent.') },
    user_id: { codec: text('Unique user id (unique per campaign).') },
    distribution_date: { from: 'distributionDate', codec: instant('Availability date of the reward.') },
    gain_date: { from: 'gainDate', codec: instant('Winning date of the reward.') },
    prize_data: {
      from: 'data',
      codec: text(
        'Additional data that depends on the reward type (ifeelgoods, URL, code…): the text as sent, or the JSON text of a structured value.',
        { anyJson: true },
      ),
    },
  },
  key: singleKey('user_id', 'unique per campaign; the event names no campaign'),
});
