import { isProtocolError, type ProtocolErrorCode } from '../errors.js'

/** Problem type URIs are this base followed by the error code. */
export const PROBLEM_TYPE_BASE = 'https://w3id.org/cta/errors#'

/**
 * The HTTP status each code is answered with. `satisfies` makes the compiler refuse a code without
 * one: a missing entry once sent intent errors with status 200, which a sender takes as delivered.
 */
export const PROBLEM_STATUS: Readonly<Record<ProtocolErrorCode, number>> = Object.freeze({
  ERR_SCHEMA_INVALID: 422,
  ERR_JSONLD_UNSAFE: 422,
  ERR_JSONLD_CONTEXT_UNKNOWN: 422,
  ERR_TOO_LARGE: 413,
  ERR_JWS_MALFORMED: 400,
  ERR_HEADER_NOT_ALLOWED: 401,
  ERR_TYP_MISMATCH: 401,
  ERR_ALG_NOT_ALLOWED: 401,
  ERR_KEY_UNRESOLVED: 401,
  ERR_KEY_REVOKED: 401,
  ERR_SIGNATURE_INVALID: 401,
  ERR_JSON_INVALID: 400,
  ERR_SOURCE_MISMATCH: 401,
  ERR_EVENT_INCONSISTENT: 422,
  ERR_EVENT_STALE: 422,
  ERR_EVENT_FUTURE: 422,
  ERR_DUPLICATE: 200,
  ERR_IN_PROGRESS: 503,
  ERR_FETCH_FAILED: 503,
  ERR_ADDRESS_NOT_ALLOWED: 422,
  ERR_MANIFEST_INVALID: 422,
  ERR_UNAUTHORIZED: 401,
  ERR_INSUFFICIENT_SCOPE: 403,
  ERR_NOT_INSTALLED: 403,
  ERR_HANDSHAKE_FAILED: 422,
  ERR_REQUEST_INVALID: 400,
  ERR_NOT_FOUND: 404,
  ERR_STORE_CORRUPT: 500,
  ERR_ASSERTION_EXPIRED: 401,
  ERR_ASSERTION_NOT_YET_VALID: 401,
  ERR_ASSERTION_LIFETIME: 401,
  ERR_AUDIENCE_MISMATCH: 401,
  ERR_GROUP_MISMATCH: 401,
  ERR_ISSUER_NOT_AUTHORITY: 401,
  ERR_REPLAYED: 401,
  ERR_MEMBERSHIP_ENDED: 403,
  ERR_MEMBERSHIP_UNCONFIRMED: 403,
  ERR_SIGN_IN_FAILED: 401,
  ERR_EXCHANGE_REFUSED: 403,
  ERR_CURSOR_EXPIRED: 410,
  ERR_ROSTER_HIDDEN: 403,
  ERR_EXPORT_INCONSISTENT: 422,
  ERR_EVENT_PRIVACY: 422,
  ERR_STATEMENT_INVALID: 400,
  ERR_STATEMENT_REPLAYED: 400,
  ERR_REDIRECT_URI: 400,
  ERR_SCOPE_NOT_ALLOWED: 400,
  ERR_GROUP_UNKNOWN: 400,
  ERR_INSTALL_REFUSED: 403,
  ERR_INSTALL_DECIDED: 409,
  ERR_NOT_ADMIN: 403,
  ERR_AMOUNT_INVALID: 422,
  ERR_AMOUNT_PRECISION: 422,
  ERR_CURRENCY_UNKNOWN: 422,
  ERR_RATE_UNKNOWN: 422,
  ERR_PROPOSAL_EXPIRED: 422,
  ERR_PROPOSAL_CONFLICT: 422,
  ERR_PROPOSAL_NOT_EXPORTABLE: 422,
  ERR_POLL_INVALID: 422,
  ERR_STANCE_INVALID: 422,
  ERR_POLL_CLOSED: 422,
  ERR_DECISION_PRIVACY: 422,
  ERR_BUDGET_OVERDRAWN: 422,
  ERR_BUDGET_OVER_MAX: 422,
  ERR_ROUND_NOT_OPEN: 422,
  ERR_BUCKET_NOT_OPEN: 422,
  ERR_BUDGET_INVALID: 422,
  ERR_CREDIT_INVALID: 422,
  ERR_DEBIT_LIMIT: 422,
  ERR_CREDIT_LIMIT: 422,
  ERR_TASK_INVALID: 422,
  ERR_TASK_TRANSITION: 422,
} satisfies Record<ProtocolErrorCode, number>)

/** An RFC 9457 problem document, with the CTA error code and, for schema errors, the issues. */
export interface Problem {
  readonly type: string
  readonly title: string
  readonly status: number
  readonly code: ProtocolErrorCode | 'ERR_INTERNAL'
  readonly detail?: string
  readonly issues?: readonly unknown[]
}

/**
 * The problem document for an error: a {@link ProtocolError} keeps its code and message; anything
 * else becomes an opaque 500 `ERR_INTERNAL` that reveals nothing about the server.
 *
 * @param error What was thrown.
 * @returns The RFC 9457 problem document.
 * @example
 * ```ts
 * declare const err: unknown // what was thrown
 * const problem = problemFor(err) // { type: 'https://w3id.org/cta/errors#ERR_SIGNATURE_INVALID', … }
 * ```
 * @see {@link https://w3id.org/cta/spec/errors Spec: error registry}
 */
export function problemFor(error: unknown): Problem {
  if (!isProtocolError(error)) {
    return {
      type: `${PROBLEM_TYPE_BASE}ERR_INTERNAL`,
      title: 'Internal error',
      status: 500,
      code: 'ERR_INTERNAL',
    }
  }
  const status = PROBLEM_STATUS[error.code]
  return {
    type: `${PROBLEM_TYPE_BASE}${error.code}`,
    title: error.code,
    status,
    code: error.code,
    detail: error.message,
    ...(error.code === 'ERR_SCHEMA_INVALID' ? { issues: error.issues } : {}),
  }
}

/**
 * An `application/problem+json` response for an error (see {@link problemFor}).
 *
 * @param error What was thrown.
 * @param headers Extra response headers (for example `Retry-After`).
 * @returns The Fetch API response.
 * @example
 * ```ts
 * const handler = async (request: Request): Promise<Response> => {
 *   try { return await inbox(request) } catch (err) { return problemResponse(err) }
 * }
 * ```
 * @see {@link https://w3id.org/cta/spec/errors Spec: error registry}
 */
export function problemResponse(error: unknown, headers: Record<string, string> = {}): Response {
  const problem = problemFor(error)
  return new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: { 'content-type': 'application/problem+json', ...headers },
  })
}
