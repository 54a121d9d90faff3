import { assertProtocolShape } from '../validate/assert-protocol-shape.js'
import { ProtocolError } from '../errors.js'
import type { DedupeStore, SignatureVerifier } from '../events/verify-event.js'
import { DEFAULT_CLOCK_TOLERANCE } from '../events/constants.js'
import type { ResolveKey } from '../keys/resolve-key.js'
import { DEFAULT_REQUEST_MAX_AGE, SUBSCRIPTION_JWS_TYP } from './constants.js'
import { isDateTime } from '../validate/formats.js'
import { EVENT_TYPE_PATTERN, checkFresh, checker, isIri } from './internal/claims.js'
import { verifyToolJws } from './internal/verify-tool-jws.js'
import type { SubscriptionRequest } from './sign-subscription-request.js'

/** Options of {@link verifySubscriptionRequest}. */
export interface VerifySubscriptionRequestOptions {
  /** Finds the subscriber's key; use `createManifestResolver().resolveKey`. */
  readonly resolveKey: ResolveKey
  /** This producer's origin: the request's `aud` must be it. */
  readonly audience: string
  /** Remembers used `jti`s; the delivery store's `dedupe` will do. */
  readonly replay: DedupeStore
  /** How long after its `iat` a request is accepted, in seconds. Default 300. */
  readonly maxAge?: number
  /** Clock skew tolerated, in seconds. Default 60. */
  readonly clockTolerance?: number
  /** "Now", for tests. */
  readonly currentDate?: Date
  /**
   * Verifies the signature bytes. Default: Web Crypto. In Node, pass `nodeSignatureVerifier()` from
   * `@cta-interop/sdk/node`.
   */
  readonly verifySignature?: SignatureVerifier
}

/** A verified subscription request. */
export interface VerifySubscriptionRequestResult {
  /** The origin of the subscribing tool, from the manifest that publishes the key. */
  readonly subscriber: string
  readonly kid: string
  readonly request: SubscriptionRequest
}

const MEMBERS = ['protocol', 'sink', 'types', 'filters', 'expires', 'aud', 'iat', 'jti'] as const

function parseRequest(payload: Record<string, unknown>) {
  const c = checker(payload, MEMBERS)
  if (payload['protocol'] !== 'HTTP') c.fail('/protocol', 'const', 'protocol must be "HTTP"')
  const sink = c.url('sink')
  const aud = c.string('aud', 2048)
  const iat = c.integer('iat')
  const jti = c.string('jti', 64)
  let types: string[] | undefined
  const rawTypes = payload['types']
  if (rawTypes !== undefined) {
    if (!Array.isArray(rawTypes) || rawTypes.length === 0 || rawTypes.length > 64) {
      c.fail('/types', 'type', 'types must be an array of 1 to 64 event types or patterns')
    } else {
      rawTypes.forEach((t: unknown, i) => {
        if (typeof t !== 'string' || t.length > 128 || !EVENT_TYPE_PATTERN.test(t)) {
          c.fail(`/types/${i}`, 'pattern', 'must be an event type or a prefix ending in .*')
        }
      })
      if (new Set(rawTypes).size !== rawTypes.length) c.fail('/types', 'uniqueItems', 'duplicates')
      types = rawTypes as string[]
    }
  }
  let group: string | undefined
  const filters = payload['filters']
  const exact = Array.isArray(filters) && filters.length === 1 ? (filters[0] as unknown) : undefined
  const inner =
    typeof exact === 'object' && exact !== null && Object.keys(exact).length === 1
      ? (exact as { exact?: unknown }).exact
      : undefined
  if (
    typeof inner === 'object' &&
    inner !== null &&
    Object.keys(inner).length === 1 &&
    typeof (inner as { group?: unknown }).group === 'string'
  ) {
    group = (inner as { group: string }).group
    if (!isIri(group)) {
      c.fail('/filters/0/exact/group', 'format', 'group must be an IRI')
    }
  } else {
    c.fail('/filters', 'filters', 'filters must be exactly [{ "exact": { "group": <IRI> } }]')
  }
  // `expires`: an RFC 3339 date-time later than `iat` (DLV-SUB-010).
  const expires = payload['expires']
  if (expires !== undefined) {
    if (typeof expires !== 'string' || !isDateTime(expires)) {
      c.fail('/expires', 'format', 'expires must be an RFC 3339 date-time')
    } else if (iat !== undefined && Date.parse(expires) <= iat * 1000) {
      c.fail('/expires', 'exclusiveMinimum', 'expires must be later than iat')
    }
  }
  c.done()
  // The published subscription-request schema, which the checks above spell out member by member.
  assertProtocolShape('SubscriptionRequestPayload', payload)
  return {
    request: {
      sink,
      group,
      ...(types === undefined ? {} : { types }),
      ...(typeof expires === 'string' ? { expires } : {}),
    } as SubscriptionRequest,
    aud: aud as string,
    iat: iat as number,
    jti: jti as string,
  }
}

/**
 * Verifies a subscription request (see {@link signSubscriptionRequest}): the JWS and the
 * subscriber's key, as strictly as an event; then the request's shape (a closed object), `aud`
 * equal to this producer, `iat` within `maxAge`, the `sink` on the subscriber's own origin, and
 * finally the `jti`, which is claimed so that the request can be used once only. Installation
 * gating and the sink handshake are the caller's next steps ({@link createSubscriptionsHandler}
 * does both).
 *
 * @param jws The request body.
 * @param options `resolveKey`, `audience` and `replay` (required), time options, and
 *   `verifySignature`.
 * @returns The subscriber's origin, the `kid`, and the request.
 * @throws {ProtocolError} The JWS codes of {@link verifyEvent} (`ERR_JWS_MALFORMED`,
 *   `ERR_HEADER_NOT_ALLOWED`, `ERR_TYP_MISMATCH`, `ERR_ALG_NOT_ALLOWED`, `ERR_KEY_UNRESOLVED`,
 *   `ERR_SIGNATURE_INVALID`, `ERR_JSON_INVALID`, `ERR_TOO_LARGE`); `ERR_UNAUTHORIZED` for another
 *   audience, a stale or reused token, or a sink on another origin.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when the request is not of the required shape (an
 *   `expires` that is not a date-time later than `iat` included).
 * @example
 * ```ts
 * const { subscriber, request } = await verifySubscriptionRequest(body, {
 *   resolveKey: resolver.resolveKey, audience: 'https://decisions.example', replay: store.dedupe,
 * })
 * ```
 * @see {@link https://w3id.org/cta/spec/delivery#subscription-requests Spec: subscription requests}
 * @see {@link https://w3id.org/cta/spec/delivery#DLV-SUB-010 Spec: DLV-SUB-010}
 */
export async function verifySubscriptionRequest(
  jws: string,
  options: VerifySubscriptionRequestOptions,
): Promise<VerifySubscriptionRequestResult> {
  if (typeof jws !== 'string') throw new TypeError('jws must be a string')
  const { kid, origin, payload } = await verifyToolJws(
    jws,
    SUBSCRIPTION_JWS_TYP,
    options.resolveKey,
    options.verifySignature,
  )
  const { request, aud, iat, jti } = parseRequest(payload)
  if (aud !== options.audience) {
    throw new ProtocolError('ERR_UNAUTHORIZED', 'the request is for another producer')
  }
  if (new URL(request.sink).origin !== origin) {
    throw new ProtocolError('ERR_UNAUTHORIZED', "the sink is not on the subscriber's origin")
  }
  await checkFresh(origin, iat, jti, {
    replay: options.replay,
    maxAge: options.maxAge ?? DEFAULT_REQUEST_MAX_AGE,
    clockTolerance: options.clockTolerance ?? DEFAULT_CLOCK_TOLERANCE,
    now: (options.currentDate ?? new Date()).getTime(),
  })
  return { subscriber: origin, kid, request }
}
