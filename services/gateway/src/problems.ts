import { type FieldError, NORMALISE_PROBLEMS } from '@relay/events';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

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

/** An HTTPException whose response is the problem document (and Retry-After on 503). */
export function problem(
  code: ProblemCode,
  detail: string,
  extra: { errors?: readonly FieldError[]; instance?: string; retryAfterSeconds?: number } = {},
): HTTPException {
  const { retryAfterSeconds, ...rest } = extra;
  const body = problemDetails(code, detail, rest);
  const headers: Record<string, string> = { 'content-type': 'application/problem+json' };
  if (retryAfterSeconds !== undefined) headers['retry-after'] = String(retryAfterSeconds);
  // The unread rest of a too large body would be taken for the next request on this connection.
  if (code === 'body_too_large') headers['connection'] = 'close';
  return new HTTPException(PROBLEMS[code].status, {
    res: new Response(JSON.stringify(body), { status: body.status, headers }),
  });
}
