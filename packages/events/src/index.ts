export { cannotRead } from './avro/compatibility.ts';
export { type AvroField, type AvroRecord, type AvroType, avroSchemaOf } from './avro/to-avro.ts';
export {
  acceptedNames,
  definitionByTopic,
  definitionByType,
  definitions,
  events,
  eventTypeNames,
} from './catalogue.ts';
export { type Codec, parseInstant } from './codecs.ts';
export {
  contentHash,
  type Envelope,
  type EventDefinition,
  type EventSpec,
  type NormalisedEvent,
  SOURCES,
  type Source,
  toSenderBody,
} from './definition.ts';
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
