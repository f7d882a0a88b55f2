import { flag, instant, integer, objectId, record, text } from '../codecs.ts';
import type { FieldSpec } from '../definition.ts';
import { campaignUserKey } from '../keys.ts';
import { isRecord } from '../pointer.ts';
import { adictizEvent } from './envelope.ts';

const participationType =
  (type: string): NonNullable<FieldSpec['when']> =>
  (body) =>
    isRecord(body['data']) && body['data']['gameParticipationType'] === type;

/**
 * One topic for both documented shapes: `gameData` is read into `user_content` or `user_game`
 * according to `gameParticipationType`; the other one is null. A shape the documents do not
 * describe keeps its `gameData` as sent in `extras`.
 */
export const gameParticipation = adictizEvent({
  eventType: 'GameParticipation',
  name: 'game-participation',
  description:
    'A new participation in a live campaign: a user content (e.g. a video upload) or a game played.',
  data: {
    operation_id: { from: 'operationId', codec: text('Unique campaign id.') },
    page_id: { from: 'pageId', codec: text('Page id.') },
    page_type: { from: 'pageType', codec: text('Page type, e.g. videoUpload, flappy.') },
    user_id: { from: 'userId', codec: text('Unique user id (unique per campaign).') },
    game_participation_type: {
      from: 'gameParticipationType',
      codec: text('Kind of participation: UserContent or UserGame.'),
    },
    user_content: {
      from: 'gameData',
      when: participationType('UserContent'),
      codec: record(
        'UserContentGameData',
        'The game data of a UserContent participation; null for other kinds.',
        {
          mediacontest_id: { codec: objectId('Id of the media contest entry.') },
          datetime: { codec: instant('When the content was submitted.') },
          timestamp: { codec: instant('When the content was submitted, unix seconds.') },
        },
      ),
    },
    user_game: {
      from: 'gameData',
      when: participationType('UserGame'),
      codec: record('UserGameGameData', 'The game data of a UserGame participation; null for other kinds.', {
        date: { codec: instant('When the game was played.') },
        datetime: { codec: instant('When the game was played, unix seconds.') },
        score: { codec: integer('Score.') },
        score_type: { codec: text('Unit of the score, e.g. pts.') },
        duration: { codec: integer('Duration of the game, in seconds.') },
        status: { codec: flag('Whether the game was won.') },
        data: { codec: text('Additional game data, as sent.', { anyJson: true }) },
      }),
    },
  },
  key: campaignUserKey('operation_id', 'user_id'),
});
