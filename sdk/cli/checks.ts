/**
 * The checks the SDK's verification core makes, in its order, for each kind of signed token, with
 * the requirement each one enforces and the error codes by which it fails. The core throws at the
 * first failure; `cta inspect` derives every check's outcome from that one coded error (checks
 * before the failing one passed, checks after it did not run), so that it never repeats the
 * core's logic.
 */
export interface CheckDefinition {
  /** A short name: `typ`, `signature`, `time window`, … */
  readonly name: string
  /** The requirement it enforces, e.g. `EVT-SIG-003`. */
  readonly requirement: string
  /** The codes by which it fails. */
  readonly codes: readonly string[]
}

export type TokenKind = 'event' | 'assertion' | 'subscription'

const KEY_CODES = [
  'ERR_KEY_UNRESOLVED',
  'ERR_KEY_REVOKED',
  'ERR_FETCH_FAILED',
  'ERR_ADDRESS_NOT_ALLOWED',
  'ERR_MANIFEST_INVALID',
]

const EVENT: readonly CheckDefinition[] = [
  { name: 'size', requirement: 'EVT-LIM-001', codes: ['ERR_TOO_LARGE'] },
  { name: 'compact JWS', requirement: 'EVT-SIG-004', codes: ['ERR_JWS_MALFORMED'] },
  { name: 'header members', requirement: 'EVT-SIG-001', codes: ['ERR_HEADER_NOT_ALLOWED'] },
  { name: 'typ', requirement: 'EVT-SIG-003', codes: ['ERR_TYP_MISMATCH'] },
  { name: 'alg', requirement: 'EVT-SIG-002', codes: ['ERR_ALG_NOT_ALLOWED'] },
  { name: 'kid resolution', requirement: 'EVT-KEY-002', codes: KEY_CODES },
  { name: 'signature', requirement: 'EVT-SIG-005', codes: ['ERR_SIGNATURE_INVALID'] },
  { name: 'strict JSON', requirement: 'EVT-JSON-001', codes: ['ERR_JSON_INVALID'] },
  {
    name: '@context',
    requirement: 'EVT-CTX-001',
    codes: ['ERR_JSONLD_CONTEXT_UNKNOWN', 'ERR_JSONLD_UNSAFE'],
  },
  { name: 'schema', requirement: 'DOC-VAL-002', codes: ['ERR_SCHEMA_INVALID'] },
  { name: 'source holds the key', requirement: 'EVT-SRC-001', codes: ['ERR_SOURCE_MISMATCH'] },
  { name: 'group = data.audience', requirement: 'EVT-GRP-001', codes: ['ERR_EVENT_INCONSISTENT'] },
  {
    name: 'time window',
    requirement: 'EVT-AGE-001',
    codes: ['ERR_EVENT_STALE', 'ERR_EVENT_FUTURE'],
  },
]

const ASSERTION: readonly CheckDefinition[] = [
  { name: 'size', requirement: 'AUTH-VER-011', codes: ['ERR_TOO_LARGE'] },
  { name: 'compact JWS', requirement: 'AUTH-VER-001', codes: ['ERR_JWS_MALFORMED'] },
  {
    name: 'header and typ',
    requirement: 'AUTH-VER-001',
    codes: ['ERR_HEADER_NOT_ALLOWED', 'ERR_TYP_MISMATCH'],
  },
  { name: 'alg', requirement: 'AUTH-VER-002', codes: ['ERR_ALG_NOT_ALLOWED'] },
  { name: 'kid resolution', requirement: 'AUTH-VER-003', codes: KEY_CODES },
  { name: 'signature', requirement: 'AUTH-VER-003', codes: ['ERR_SIGNATURE_INVALID'] },
  {
    name: 'strict JSON and schema',
    requirement: 'AUTH-VER-009',
    codes: ['ERR_JSON_INVALID', 'ERR_SCHEMA_INVALID'],
  },
  {
    name: 'issuer is the authority',
    requirement: 'AUTH-VER-004',
    codes: ['ERR_ISSUER_NOT_AUTHORITY'],
  },
  { name: 'audience', requirement: 'AUTH-VER-005', codes: ['ERR_AUDIENCE_MISMATCH'] },
  { name: 'group', requirement: 'AUTH-VER-006', codes: ['ERR_GROUP_MISMATCH'] },
  { name: 'membership active', requirement: 'AUTH-VER-010', codes: ['ERR_MEMBERSHIP_ENDED'] },
  {
    name: 'lifetime and time window',
    requirement: 'AUTH-VER-007',
    codes: ['ERR_ASSERTION_LIFETIME', 'ERR_ASSERTION_NOT_YET_VALID', 'ERR_ASSERTION_EXPIRED'],
  },
]

const SUBSCRIPTION: readonly CheckDefinition[] = [
  { name: 'size', requirement: 'DLV-LIM-002', codes: ['ERR_TOO_LARGE'] },
  {
    name: 'compact JWS, header and typ',
    requirement: 'DLV-SUB-002',
    codes: ['ERR_JWS_MALFORMED', 'ERR_HEADER_NOT_ALLOWED', 'ERR_TYP_MISMATCH'],
  },
  { name: 'alg', requirement: 'DLV-SUB-002', codes: ['ERR_ALG_NOT_ALLOWED'] },
  { name: 'kid resolution', requirement: 'DLV-SUB-002', codes: KEY_CODES },
  { name: 'signature', requirement: 'DLV-SUB-002', codes: ['ERR_SIGNATURE_INVALID'] },
  {
    name: 'payload (strict JSON, closed members, aud, time)',
    requirement: 'DLV-SUB-002',
    codes: ['ERR_JSON_INVALID', 'ERR_REQUEST_INVALID', 'ERR_SCHEMA_INVALID', 'ERR_UNAUTHORIZED'],
  },
]

/** The checks of one kind of token, in the order the core runs them. */
export const CHECKS: Readonly<Record<TokenKind, readonly CheckDefinition[]>> = {
  event: EVENT,
  assertion: ASSERTION,
  subscription: SUBSCRIPTION,
}

/** One check's outcome. */
export interface CheckResult {
  readonly name: string
  readonly requirement: string
  readonly status: 'pass' | 'fail' | 'not run'
  /** The code it failed with. */
  readonly code?: string
  /** The core's message (not API). */
  readonly message?: string
}

/**
 * Every check's outcome from the core's one answer: `undefined` when it accepted the token,
 * otherwise the code it failed with.
 */
export function checkResults(
  kind: TokenKind,
  failure: { readonly code: string; readonly message: string } | undefined,
): CheckResult[] {
  const checks = CHECKS[kind]
  const at = failure === undefined ? -1 : checks.findIndex((c) => c.codes.includes(failure.code))
  return checks.map((check, i) => {
    const base = { name: check.name, requirement: check.requirement }
    if (failure === undefined) return { ...base, status: 'pass' }
    // A code no check lists fails the last one that ran: the core said no, with that code.
    const failing = at < 0 ? checks.length - 1 : at
    if (i < failing) return { ...base, status: 'pass' }
    if (i === failing) {
      return { ...base, status: 'fail', code: failure.code, message: failure.message }
    }
    return { ...base, status: 'not run' }
  })
}
