/**
 * Why a body could not be normalised. The gateway answers each with its status (400 for
 * malformed JSON, 422 for the others) and keeps the body on the dead-letter topic.
 */
export const NORMALISE_PROBLEMS = {
  malformed_json: { status: 400, title: 'The body is not valid JSON' },
  unknown_source: { status: 404, title: 'No such webhook source' },
  unknown_event_type: { status: 422, title: 'Unknown event type' },
  event_type_mismatch: { status: 422, title: 'The URL and the body name different event types' },
  schema_violation: { status: 422, title: 'The body does not match the event schema' },
} as const;

export type NormaliseProblemCode = keyof typeof NORMALISE_PROBLEMS;

/** One failing field: where it is (RFC 6901 pointer), what was expected, what came. */
export interface FieldError {
  readonly pointer: string;
  readonly expected: string;
  readonly got: string;
}
