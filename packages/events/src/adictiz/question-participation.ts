import { flag, integer, recordList, text } from '../codecs.ts';
import { campaignUserKey } from '../keys.ts';
import { adictizEvent } from './envelope.ts';

export const questionParticipation = adictizEvent({
  eventType: 'QuestionParticipation',
  name: 'question-participation',
  description:
    'A user answered a question of a quiz: one event per question, so a quiz of 3 questions gives 3 events.',
  data: {
    user_id: { codec: text('Unique user id (unique per campaign).') },
    questions: {
      codec: recordList('Question', 'The question answered (the sender sends a list of one).', {
        id_question: { codec: text('Question id.') },
        label_question: { codec: text('Question label.') },
        answers: {
          codec: recordList('Answer', 'The answers given.', {
            id: { codec: text('Answer id.') },
            label: { codec: text('Answer label.') },
          }),
        },
        is_correct: { codec: flag('Whether the answer is correct.') },
        points: { codec: integer('Points won.') },
      }),
    },
    lang: { codec: text('Language, e.g. fr.') },
    operation_id: { codec: text('Unique campaign id.') },
    operation_name: { codec: text('Campaign name.') },
  },
  key: campaignUserKey('operation_id', 'user_id'),
});
