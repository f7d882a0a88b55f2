import { type FieldError, NORMALISE_PROBLEMS } from '@relay/events';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { jsonResponse } from './json-response.ts';

/**
 * Every problem the gateway answers with, in one place: RFC 9457 problem details, typed by a
 * stable URI that clients can switch on.
 */
export const PROBLEMS = {
  // Why a body could not be normalised: listed once, by packages/events.
  ...NORMALISE_PROBLEMS,
  unauthenticated: { status: 401, title: 'Authentication failed' },
  forbidden_address: { status: 403, title: 'The sender address is not allowed' },
  body_too_large: { status: 413, title: 'The body is larger than allowed' },
  unsupported_media_type: { status: 415, title: 'The body must be JSON' },
  overloaded: { status: 503, title: 'Too many requests in progress' },
  unavailable: { status: 503, title: 'Kafka or the schema registry is unavailable' },
  not_ready: { status: 503, title: 'The gateway is starting' },
} as const satisfies Record<string, { status: ContentfulStatusCode; title: string }>;

export type ProblemCode = keyof typeof PROBLEMS;

export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance?: string;
  readonly errors?: readonly FieldError[];
}

export function problemType(code: ProblemCode): string {
  return `urn:relay:problem:${code.replaceAll('_', '-')}`;
}

export function problemDetails(
  code: ProblemCode,
  detail: string,
  extra: { errors?: readonly FieldError[]; instance?: string } = {},
): ProblemDetails {
  const { status, title } = PROBLEMS[code];
  return { type: problemType(code), title, status, detail, ...extra };
}

type ProblemExtra = { errors?: readonly FieldError[]; instance?: string; retryAfterSeconds?: number };

/**
 * The problem document as a response (and Retry-After on 503), the request id among its headers:
 * made whole at once, because a response changed after it was made (as HTTPException's own
 * `getResponse` does, reading its body again) leaves @hono/node-server's fast path for a web stream,
 * which made a refused request cost more CPU than an accepted one (278–312 µs for a 503 against
 * 253–275 µs for a 202 in the benchmark's closed loop; 193–200 µs made at once).
 */
export function problemResponse(
  code: ProblemCode,
  detail: string,
  extra: ProblemExtra = {},
  requestId?: string,
): Response {
  const { retryAfterSeconds, ...rest } = extra;
  const headers: Record<string, string> = {};
  if (retryAfterSeconds !== undefined) headers['retry-after'] = String(retryAfterSeconds);
  // The unread rest of a too large body would be taken for the next request on this connection.
  if (code === 'body_too_large') headers['connection'] = 'close';
  return jsonResponse(
    problemDetails(code, detail, rest),
    PROBLEMS[code].status,
    requestId,
    headers,
    'application/problem+json',
  );
}

/** An HTTPException whose response is the problem document. */
export class ProblemException extends HTTPException {
  readonly code: ProblemCode;
  readonly #extra: ProblemExtra;

  constructor(code: ProblemCode, detail: string, extra: ProblemExtra = {}) {
    super(PROBLEMS[code].status, { message: detail });
    this.code = code;
    this.#extra = extra;
  }

  override getResponse(requestId?: string): Response {
    return problemResponse(this.code, this.message, this.#extra, requestId);
  }
}

export function problem(code: ProblemCode, detail: string, extra: ProblemExtra = {}): ProblemException {
  return new ProblemException(code, detail, extra);
}
