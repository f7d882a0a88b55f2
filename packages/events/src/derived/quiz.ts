import { Type } from '@sinclair/typebox';
import { timestampMillis } from '../codecs.ts';
import { defineDerivedEvent, derivedEnvelope } from './define-derived.ts';

export const quizScore = defineDerivedEvent({
  service: 'quiz-scoring',
  domain: 'quiz',
  name: 'scores',
  recordName: 'QuizScore',
  description:
    "A player's score in a quiz, republished on every change: the topic is compacted, so it keeps each player's latest score.",
  schema: Type.Object(
    {
      ...derivedEnvelope(
        '`<operation_id>:<user_id>:<questions_answered>`: one id per version of a score.',
        'When the answer that made this version was given.',
      ),
      operation_id: Type.String({ description: 'The quiz campaign.' }),
      user_id: Type.String({ description: 'The player.' }),
      total_points: Type.Integer({ description: 'Points won, over the questions counted.' }),
      correct_answers: Type.Integer({ description: 'Questions answered correctly.' }),
      questions_answered: Type.Integer({
        description: 'Distinct questions answered: a question counts once.',
      }),
      first_answer_at: timestampMillis('When the player answered a question first.'),
      last_answer_at: timestampMillis(
        'When the player answered the latest counted question: ties rank by it.',
      ),
      question_ids: Type.Array(Type.String(), {
        description:
          'The questions counted, each once: an answer to one of them again changes nothing. With the score, all a scorer needs to resume.',
      }),
    },
    { description: "A player's score in a quiz." },
  ),
  key: {
    description: '`<operation_id>:<user_id>`: one latest score per player and quiz after compaction.',
    of: (value) => `${value.operation_id}:${value.user_id}`,
  },
  cleanupPolicy: 'compact',
  example: {
    event_id: 'op-2026-quiz:123456:3',
    occurred_at: Date.parse('2026-01-01T00:02:00.000Z'),
    operation_id: 'op-2026-quiz',
    user_id: '123456',
    total_points: 20,
    correct_answers: 2,
    questions_answered: 3,
    first_answer_at: Date.parse('2026-01-01T00:00:00.000Z'),
    last_answer_at: Date.parse('2026-01-01T00:02:00.000Z'),
    question_ids: ['q1', 'q2', 'q3'],
  },
});
