import { ProtocolError, type ProtocolErrorCode } from '../errors.js'
import { DEFAULT_CLOCK_TOLERANCE, MAX_HEADER_LENGTH } from '../events/constants.js'
import type { DedupeStore, SignatureVerifier } from '../events/verify-event.js'
import { compactJwsRules, verifyCompactJws } from '../internal/verify-compact-jws.js'
import { staticKeyResolver, type ResolveKey, type ResolvedKey } from '../keys/resolve-key.js'
import type { Jwks } from '../keys/signing-key.js'
import type { MembershipAssertionClaims } from '../schemas/index.js'
import { assertValid } from '../validate/validate-document.js'
import { MAX_ASSERTION_LENGTH, MAX_ASSERTION_LIFETIME, MEMBERSHIP_JWT_TYP } from './constants.js'
import { secondsOption } from '../internal/seconds-option.js'

/** The most clock skew a relying tool may tolerate, in seconds (AUTH-VER-007). */
const MAX_CLOCK_TOLERANCE = 60

/** Options of {@link verifyGroupAssertion}. */
export interface VerifyGroupAssertionOptions {
  /** REQUIRED. The group the tool is letting the member into; `groups` must be exactly it. */
  readonly group: string
  /** REQUIRED. The verifying tool's own `client_id` (its origin); `aud` must be exactly it. */
  readonly audience: string
  /** REQUIRED. The group document's `authority`; `iss` must be exactly it. */
  readonly authority: string
  /** Finds the authority's key for the `kid`; the key's `source` must be the authority. */
  readonly resolveKey?: ResolveKey
  /** The authority's JWKS, from its `jwks_uri`: an alternative to `resolveKey`. */
  readonly jwks?: Jwks
  /**
   * Remembers accepted assertions by `(iss, jti)` until `exp` plus the clock tolerance, so each is
   * accepted once: `createMemoryDedupeStore()` or a shared store. Without it, replays pass.
   */
  readonly replay?: DedupeStore
  /** Clock skew tolerated, in seconds: 0 to 60. Default and maximum 60. */
  readonly clockTolerance?: number
  /** Longest lifetime (`exp − iat`) accepted, in seconds: 1 to 300. Default and maximum 300. */
  readonly maxLifetime?: number
  /** "Now", for tests. */
  readonly currentDate?: Date
  /**
   * Verifies the signature bytes. Default: Web Crypto through `jose`. In Node, pass
   * `nodeSignatureVerifier()` from `@cta-interop/sdk/node`.
   */
  readonly verifySignature?: SignatureVerifier
}

/** What {@link verifyGroupAssertion} returns for an assertion it accepts. */
export interface VerifyGroupAssertionResult {
  /** The verified claims (frozen). */
  readonly claims: MembershipAssertionClaims
  /** The `kid` that signed them. */
  readonly kid: string
}

const ASSERTION_RULES = compactJwsRules({
  typ: MEMBERSHIP_JWT_TYP,
  maxLength: MAX_ASSERTION_LENGTH,
  maxHeaderLength: MAX_HEADER_LENGTH,
  maxDepth: 4,
})
const resolvers = new WeakMap<Jwks, ResolveKey>()

const reject = (code: ProtocolErrorCode, message: string): never => {
  throw new ProtocolError(code, message)
}

function resolverOf(options: VerifyGroupAssertionOptions): ResolveKey {
  if (options.resolveKey !== undefined) return options.resolveKey
  const jwks = options.jwks
  if (jwks === undefined) throw new TypeError('options.resolveKey or options.jwks is required')
  let resolver = resolvers.get(jwks)
  if (resolver === undefined) {
    resolver = staticKeyResolver([{ source: options.authority, jwks }])
    resolvers.set(jwks, resolver)
  }
  return resolver
}

/** Is the key published by the authority? `source` is an origin; the issuer may have a path. */
function publishedBy(resolved: ResolvedKey, authority: string): boolean {
  if (resolved.source === authority) return true
  try {
    return resolved.source === new URL(authority).origin
  } catch {
    return false
  }
}

/**
 * Verifies a group membership assertion for one group and one tool, and returns its claims.
 * Checks run cheapest first and the first failure throws: size; JWS shape and strict base64url;
 * protected header exactly `{ alg, kid, typ }`; `typ` is `cta-membership+jwt` (an ID token or an
 * access token is refused); algorithm allowed and equal to the key's; the key; the signature; the
 * claims as strict JSON and against their schema; `iss` is the group's authority and the key is
 * the authority's; `aud` is this tool; `groups` is exactly this group; `cta_status`, when present,
 * is `active`; the lifetime is at most 300 s; `iat`, `nbf` and `exp` against now with the clock
 * tolerance; and, with a replay store, that `(iss, jti)` was not accepted before.
 *
 * @param jwt The compact JWT, as received.
 * @param options `group`, `audience` and `authority` (all required), and `resolveKey` or `jwks`.
 * @returns The claims and the `kid` that signed them.
 * @throws {TypeError} When `group`, `audience` or `authority` is missing, or neither `resolveKey`
 *   nor `jwks` is given.
 * @throws {RangeError} `code: 'ERR_OUT_OF_RANGE'` when `maxLifetime` is not 1 to 300 seconds or
 *   `clockTolerance` not 0 to 60: options may narrow what the spec allows, never widen it.
 * @throws {ProtocolError} `ERR_TOO_LARGE`, `ERR_JWS_MALFORMED`, `ERR_HEADER_NOT_ALLOWED`,
 *   `ERR_TYP_MISMATCH`, `ERR_ALG_NOT_ALLOWED`, `ERR_KEY_UNRESOLVED`, `ERR_SIGNATURE_INVALID`,
 *   `ERR_JSON_INVALID`, `ERR_SCHEMA_INVALID`, `ERR_ISSUER_NOT_AUTHORITY`, `ERR_AUDIENCE_MISMATCH`,
 *   `ERR_GROUP_MISMATCH`, `ERR_MEMBERSHIP_ENDED`, `ERR_ASSERTION_LIFETIME`,
 *   `ERR_ASSERTION_NOT_YET_VALID`, `ERR_ASSERTION_EXPIRED`, `ERR_REPLAYED`.
 * @example
 * ```ts
 * const { claims } = await verifyGroupAssertion(jwt, {
 *   group: group.id, authority: group.authority, audience: 'https://budgeting.example',
 *   resolveKey: authority.resolveKey, replay: createMemoryDedupeStore(),
 * })
 * claims.roles // ['member']
 * ```
 * @see {@link https://w3id.org/cta/spec/group-auth#verifying-an-assertion Spec: verifying an assertion}
 */
export async function verifyGroupAssertion(
  jwt: string,
  options: VerifyGroupAssertionOptions,
): Promise<VerifyGroupAssertionResult> {
  if (typeof jwt !== 'string') throw new TypeError('jwt must be a string')
  const { group, audience, authority } = options
  if (typeof group !== 'string' || group === '') throw new TypeError('options.group is required')
  if (typeof audience !== 'string' || audience === '') {
    throw new TypeError('options.audience is required')
  }
  if (typeof authority !== 'string' || authority === '') {
    throw new TypeError('options.authority is required')
  }
  const resolveKey = resolverOf(options)
  // Options may narrow what the spec allows, never widen it (AUTH-VER-007).
  const maxLifetime = secondsOption(
    options.maxLifetime,
    'maxLifetime',
    1,
    MAX_ASSERTION_LIFETIME,
    MAX_ASSERTION_LIFETIME,
  )
  const tolerance = secondsOption(
    options.clockTolerance,
    'clockTolerance',
    0,
    MAX_CLOCK_TOLERANCE,
    DEFAULT_CLOCK_TOLERANCE,
  )
  const {
    kid,
    key: resolved,
    payload,
  } = await verifyCompactJws(jwt, ASSERTION_RULES, {
    resolveKey,
    verifySignature: options.verifySignature,
  })
  const claims = assertValid(payload, { kind: 'MembershipAssertionClaims' })
  if (claims.iss !== authority || !publishedBy(resolved, authority)) {
    reject('ERR_ISSUER_NOT_AUTHORITY', "the issuer is not the group's authority")
  }
  if (claims.aud !== audience) reject('ERR_AUDIENCE_MISMATCH', 'the assertion is for another tool')
  if (claims.groups[0] !== group) {
    reject('ERR_GROUP_MISMATCH', 'the assertion is about another group')
  }
  if (claims.cta_status !== 'active') {
    reject('ERR_MEMBERSHIP_ENDED', 'the membership is not active') // AUTH-VER-010
  }
  if (claims.exp <= claims.iat || claims.exp - claims.iat > maxLifetime) {
    reject('ERR_ASSERTION_LIFETIME', `the assertion must live at most ${maxLifetime} s`)
  }
  const now = (options.currentDate ?? new Date()).getTime() / 1000
  if (claims.iat > now + tolerance || (claims.nbf ?? 0) > now + tolerance) {
    reject('ERR_ASSERTION_NOT_YET_VALID', 'the assertion was issued in the future')
  }
  if (claims.exp <= now - tolerance) reject('ERR_ASSERTION_EXPIRED', 'the assertion has expired')
  if (options.replay !== undefined) {
    const expiresAt = new Date((claims.exp + tolerance) * 1000)
    if (!(await options.replay.claim(claims.iss, claims.jti, expiresAt))) {
      reject('ERR_REPLAYED', 'this assertion was already accepted')
    }
  }
  return { claims: Object.freeze(claims), kid }
}
