import { emailShare } from './adictiz/email-share.ts';
import { fileUpload } from './adictiz/file-upload.ts';
import { formSubscribe } from './adictiz/form-subscribe.ts';
import { gameParticipation } from './adictiz/game-participation.ts';
import { instantWin } from './adictiz/instant-win.ts';
import { jwtConnection } from './adictiz/jwt-connection.ts';
import { mediaGalleryModerated } from './adictiz/media-gallery-moderated.ts';
import { operationCreate } from './adictiz/operation-create.ts';
import { questionParticipation } from './adictiz/question-participation.ts';
import { ssoConnection } from './adictiz/sso-connection.ts';
import { transaction } from './adictiz/transaction.ts';
import type { EventDefinition, Source } from './definition.ts';
import type { DerivedEventDefinition } from './derived/define-derived.ts';
import { prizeFailed, prizeFulfilled } from './derived/fulfilment.ts';
import { quizScore } from './derived/quiz.ts';
import { watchToWinFinished, watchToWinStarted } from './komo/watch-to-win.ts';
import type { StreamDefinition } from './stream.ts';

export const events = {
  formSubscribe,
  instantWin,
  operationCreate,
  gameParticipation,
  ssoConnection,
  jwtConnection,
  mediaGalleryModerated,
  emailShare,
  questionParticipation,
  transaction,
  fileUpload,
  watchToWinStarted,
  watchToWinFinished,
} as const;

export const definitions: readonly EventDefinition[] = Object.values(events);

/** The events the sample services derive from the webhook events. */
export const derivedEvents = { prizeFulfilled, prizeFailed, quizScore } as const;

export const derivedDefinitions: readonly DerivedEventDefinition[] = Object.values(derivedEvents);

/** Every topic of the catalogue with a schema: webhook events, then derived events. */
export const streams: readonly StreamDefinition[] = [...definitions, ...derivedDefinitions];

/** The event type names a sender may use in the body; none for events recognised by shape. */
export function acceptedNames(definition: EventDefinition): string[] {
  const field = definition.spec.eventTypeField;
  if (field === undefined) return [];
  const input = field.codec.input as { anyOf?: { const: string }[]; const?: string };
  return input.anyOf?.map((literal) => literal.const) ?? (input.const === undefined ? [] : [input.const]);
}

function namesOf(definition: EventDefinition): string[] {
  return [...new Set([definition.eventType, ...acceptedNames(definition)])];
}

const byName = new Map<string, EventDefinition>();
for (const definition of definitions) {
  for (const name of namesOf(definition))
    byName.set(`${definition.source}/${name.toLowerCase()}`, definition);
}

/** The definition for an event type under any name its sender uses (case-insensitive). */
export function definitionByType(source: Source, eventType: string): EventDefinition | undefined {
  return byName.get(`${source}/${eventType.toLowerCase()}`);
}

export function eventTypeNames(source: Source): string[] {
  return definitions.filter((d) => d.source === source).flatMap(namesOf);
}

const byTopic = new Map(definitions.map((definition) => [definition.topic, definition]));

export function definitionByTopic(topic: string): EventDefinition | undefined {
  return byTopic.get(topic);
}

/** Events without an event type in the body, recognised by their shape. */
export function recogniseByShape(
  source: Source,
  body: Readonly<Record<string, unknown>>,
): EventDefinition | undefined {
  return definitions.find((d) => d.source === source && d.spec.recognise?.(body) === true);
}
