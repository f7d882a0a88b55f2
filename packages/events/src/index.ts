export { cannotRead } from './avro/compatibility.ts';
export { type AvroField, type AvroRecord, type AvroType, avroSchemaOf } from './avro/to-avro.ts';
export {
  acceptedNames,
  definitionByTopic,
  definitionByType,
  definitions,
  derivedDefinitions,
  derivedEvents,
  events,
  eventTypeNames,
  streams,
} from './catalogue.ts';
export { type Codec, nullable, parseInstant, timestampMillis } from './codecs.ts';
export {
  contentHash,
  type Envelope,
  type EventDefinition,
  type EventOf,
  type EventSpec,
  type NormalisedEvent,
  SOURCES,
  type Source,
  toSenderBody,
} from './definition.ts';
export {
  type DerivedEventDefinition,
  type DerivedEventSpec,
  defineDerivedEvent,
  derivedEnvelope,
} from './derived/define-derived.ts';
export {
  type BrokenFixture,
  brokenExamples,
  documentedExamples,
  exampleOf,
  type Fixture,
} from './fixtures/index.ts';
export { CLOUD_EVENT_HEADERS, cloudEventHeaders, cloudEventType } from './headers.ts';
export { type NormaliseInput, type NormaliseResult, normalise } from './normalise.ts';
export { type FieldError, NORMALISE_PROBLEMS, type NormaliseProblemCode } from './problems.ts';
export type { StreamDefinition, ValueOf } from './stream.ts';
