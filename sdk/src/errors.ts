/** Error codes of the documents chapter. */
export type DocumentErrorCode =
  'ERR_SCHEMA_INVALID' | 'ERR_JSONLD_UNSAFE' | 'ERR_JSONLD_CONTEXT_UNKNOWN'

/** Error codes of the events and delivery chapters. */
export type EventErrorCode =
  | 'ERR_TOO_LARGE'
  | 'ERR_JWS_MALFORMED'
  | 'ERR_HEADER_NOT_ALLOWED'
  | 'ERR_TYP_MISMATCH'
  | 'ERR_ALG_NOT_ALLOWED'
  | 'ERR_KEY_UNRESOLVED'
  | 'ERR_KEY_REVOKED'
  | 'ERR_SIGNATURE_INVALID'
  | 'ERR_JSON_INVALID'
  | 'ERR_SOURCE_MISMATCH'
  | 'ERR_EVENT_INCONSISTENT'
  | 'ERR_EVENT_STALE'
  | 'ERR_EVENT_FUTURE'
  | 'ERR_DUPLICATE'
  | 'ERR_IN_PROGRESS'
  | 'ERR_FETCH_FAILED'
  | 'ERR_ADDRESS_NOT_ALLOWED'
  | 'ERR_MANIFEST_INVALID'
  | 'ERR_UNAUTHORIZED'
  | 'ERR_INSUFFICIENT_SCOPE'
  | 'ERR_NOT_INSTALLED'
  | 'ERR_HANDSHAKE_FAILED'
  | 'ERR_REQUEST_INVALID'
  | 'ERR_NOT_FOUND'
  | 'ERR_STORE_CORRUPT'

/** Error codes of the intents chapter. */
export type IntentErrorCode =
  | 'ERR_AMOUNT_INVALID'
  | 'ERR_AMOUNT_PRECISION'
  | 'ERR_CURRENCY_UNKNOWN'
  | 'ERR_RATE_UNKNOWN'
  | 'ERR_PROPOSAL_EXPIRED'
  | 'ERR_PROPOSAL_CONFLICT'
  | 'ERR_PROPOSAL_NOT_EXPORTABLE'

/** Error codes of the participatory budgeting chapter. */
export type BudgetErrorCode =
  | 'ERR_BUDGET_OVERDRAWN'
  | 'ERR_BUDGET_OVER_MAX'
  | 'ERR_ROUND_NOT_OPEN'
  | 'ERR_BUCKET_NOT_OPEN'
  | 'ERR_BUDGET_INVALID'

/** Error codes of the decisions chapter. */
export type DecisionErrorCode =
  'ERR_POLL_INVALID' | 'ERR_STANCE_INVALID' | 'ERR_POLL_CLOSED' | 'ERR_DECISION_PRIVACY'

/** Error codes of the mutual credit chapter. */
export type CreditErrorCode = 'ERR_CREDIT_INVALID' | 'ERR_DEBIT_LIMIT' | 'ERR_CREDIT_LIMIT'

/** Error codes of the tasks chapter. */
export type TaskErrorCode = 'ERR_TASK_INVALID' | 'ERR_TASK_TRANSITION'

/** Error codes of the membership and group auth chapters. */
export type AuthErrorCode =
  | 'ERR_ASSERTION_EXPIRED'
  | 'ERR_ASSERTION_NOT_YET_VALID'
  | 'ERR_ASSERTION_LIFETIME'
  | 'ERR_AUDIENCE_MISMATCH'
  | 'ERR_GROUP_MISMATCH'
  | 'ERR_ISSUER_NOT_AUTHORITY'
  | 'ERR_REPLAYED'
  | 'ERR_MEMBERSHIP_ENDED'
  | 'ERR_MEMBERSHIP_UNCONFIRMED'
  | 'ERR_SIGN_IN_FAILED'
  | 'ERR_EXCHANGE_REFUSED'
  | 'ERR_CURSOR_EXPIRED'
  | 'ERR_ROSTER_HIDDEN'
  | 'ERR_EVENT_PRIVACY'
  | 'ERR_EXPORT_INCONSISTENT'
  | InstallErrorCode

/** Codes of installing a tool in a group (the install statement and the admin's decision). */
export type InstallErrorCode =
  | 'ERR_STATEMENT_INVALID'
  | 'ERR_STATEMENT_REPLAYED'
  | 'ERR_REDIRECT_URI'
  | 'ERR_SCOPE_NOT_ALLOWED'
  | 'ERR_GROUP_UNKNOWN'
  | 'ERR_INSTALL_REFUSED'
  | 'ERR_INSTALL_DECIDED'
  | 'ERR_NOT_ADMIN'

/**
 * Every stable error code the SDK throws for bad input from a peer. Switch on `err.code`; messages
 * are not part of the API. Each code has an entry in the spec's error registry.
 * @see {@link https://w3id.org/cta/spec/errors Spec: error registry}
 */
export type ProtocolErrorCode =
  | DocumentErrorCode
  | EventErrorCode
  | IntentErrorCode
  | AuthErrorCode
  | BudgetErrorCode
  | DecisionErrorCode
  | CreditErrorCode
  | TaskErrorCode

/** One reason a document does not match its schema. */
export interface ValidationIssue {
  /** JSON Pointer (RFC 6901) to the offending value; `''` is the document itself. */
  readonly instancePath: string
  /** The JSON Schema keyword that failed, e.g. `required`, `maxLength`, `format`. */
  readonly keyword: string
  /** A human-readable explanation. Not API: do not match on it. */
  readonly message: string
}

const BRAND: unique symbol = Symbol.for('@cta-interop/sdk.ProtocolError') as never

/**
 * Base class of every failure caused by the input (a peer's document, token or signature), as
 * opposed to a bug in the calling code, which throws `TypeError`.
 * @see {@link https://w3id.org/cta/spec/errors Spec: error registry}
 */
export class ProtocolError extends Error {
  override name = 'ProtocolError'
  /** The stable code, e.g. `ERR_SCHEMA_INVALID`. */
  readonly code: ProtocolErrorCode
  readonly [BRAND] = true
  /**
   * @param code The stable code.
   * @param message What went wrong, for people.
   * @param options `cause`: the underlying error, if any.
   */
  constructor(code: ProtocolErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
  }
}

/**
 * A document does not match its schema. `issues` says where and why.
 * @see {@link https://w3id.org/cta/spec/documents#validation Spec: validation}
 */
export class SchemaInvalid extends ProtocolError {
  override name = 'SchemaInvalid'
  /** Where the document fails its schema. */
  readonly issues: readonly ValidationIssue[]
  /**
   * @param issues Where the document fails its schema.
   * @param options `cause`: the underlying error, if any.
   */
  constructor(issues: readonly ValidationIssue[], options?: { cause?: unknown }) {
    const first = issues[0]
    const where = first === undefined ? '' : ` at '${first.instancePath}' (${first.keyword})`
    super('ERR_SCHEMA_INVALID', `document does not match its schema${where}`, options)
    this.issues = issues
  }
}

/** Any error the SDK throws for bad input, narrowed by `code`. */
export type AnyProtocolError =
  | (SchemaInvalid & { code: 'ERR_SCHEMA_INVALID' })
  | (ProtocolError & { code: Exclude<ProtocolErrorCode, 'ERR_SCHEMA_INVALID'> })

/**
 * Tells whether `err` is a {@link ProtocolError}. It checks a brand rather than `instanceof`, so it
 * also works across duplicate copies of the SDK.
 * @param err Anything caught.
 * @returns `true` when `err` is a ProtocolError from any copy of this SDK.
 * @example
 * ```ts
 * declare const input: unknown
 * try { assertValid(input) } catch (err) { if (isProtocolError(err)) console.log(err.code) }
 * ```
 * @see {@link https://w3id.org/cta/spec/errors Spec: error registry}
 */
export function isProtocolError(err: unknown): err is AnyProtocolError {
  return typeof err === 'object' && err !== null && (err as { [BRAND]?: unknown })[BRAND] === true
}
