import { SIZE_LIMITS } from '../http/size-limits.js'
import { assertProtocolShape } from '../validate/assert-protocol-shape.js'
import { ProtocolError } from '../errors.js'
import { DEFAULT_CLOCK_TOLERANCE } from '../events/constants.js'
import type { DedupeStore, SignatureVerifier } from '../events/verify-event.js'
import type { ResolveKey } from '../keys/resolve-key.js'
import { DEFAULT_REQUEST_MAX_AGE, REQUEST_AUTH_SCHEME, REQUEST_JWS_TYP } from './constants.js'
import { checkFresh, checker } from './internal/claims.js'
import { verifyToolJws } from './internal/verify-tool-jws.js'

/** Options of {@link verifyRequestToken}. */
export interface VerifyRequestTokenOptions {
  /** Finds the caller's key; use `createManifestResolver().resolveKey`. */
  readonly resolveKey: ResolveKey
  /** Remembers used `jti`s; the delivery store's `dedupe` will do. */
  readonly replay: DedupeStore
  /**
   * This server's public origin. The token's `htu` must be this origin and the request's path,
   * so a proxy in front of the server does not break the check. Default: the request URL's origin.
   */
  readonly origin?: string
  /** How long after its `iat` a token is accepted, in seconds. Default 300. */
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

/** Who sent an authenticated request. */
export interface VerifyRequestTokenResult {
  /** The origin of the calling tool, from the manifest that publishes the key. */
  readonly caller: string
  readonly kid: string
}

/**
 * Authenticates a request from another tool by its request token (see {@link signRequestToken}):
 * `Authorization: CTA-JWS <token>`, verified as strictly as an event, with `htm` equal to the
 * request's method, `htu` equal to this server's origin and the request's path, `iat` within
 * `maxAge`, and a `jti` not seen before (it is claimed).
 *
 * @param request The incoming request.
 * @param options `resolveKey` and `replay` (required), `origin`, time options, and
 *   `verifySignature`.
 * @returns The caller's origin and `kid`.
 * @throws {ProtocolError} `ERR_UNAUTHORIZED` when the header is missing or the token does not fit
 *   the request, is stale or reused; the JWS codes of {@link verifyEvent} for a bad token;
 *   `ERR_SCHEMA_INVALID` for a payload of the wrong shape (the published `request-token.json`);
 *   `ERR_TOO_LARGE` for a token longer than 4 KiB (DLV-LIM-003).
 * @see {@link https://w3id.org/cta/spec/delivery#DLV-LIM-003 Spec: DLV-LIM-003}
 * @example
 * ```ts
 * const { caller } = await verifyRequestToken(request, { resolveKey, replay: store.dedupe })
 * ```
 * @see {@link https://w3id.org/cta/spec/delivery#request-tokens Spec: request tokens}
 */
export async function verifyRequestToken(
  request: Request,
  options: VerifyRequestTokenOptions,
): Promise<VerifyRequestTokenResult> {
  const header = request.headers.get('authorization') ?? ''
  const space = header.indexOf(' ')
  const scheme = space < 0 ? header : header.slice(0, space)
  if (scheme.toLowerCase() !== REQUEST_AUTH_SCHEME.toLowerCase()) {
    throw new ProtocolError('ERR_UNAUTHORIZED', `expected Authorization: ${REQUEST_AUTH_SCHEME}`)
  }
  const token = header.slice(space + 1).trim()
  if (token.length > SIZE_LIMITS.requestToken) {
    throw new ProtocolError(
      'ERR_TOO_LARGE',
      `request token longer than ${SIZE_LIMITS.requestToken}`,
    )
  }
  const { kid, origin, payload } = await verifyToolJws(
    token,
    REQUEST_JWS_TYP,
    options.resolveKey,
    options.verifySignature,
  )
  const c = checker(payload, ['htm', 'htu', 'iat', 'jti'])
  const htm = c.string('htm', 16)
  const htu = c.string('htu', 4096)
  const iat = c.integer('iat')
  const jti = c.string('jti', 64)
  c.done()
  // The published request-token schema: the same members, held to their patterns.
  assertProtocolShape('RequestTokenPayload', payload)
  const url = new URL(request.url)
  const expected = `${options.origin ?? url.origin}${url.pathname}`
  if (htm !== request.method.toUpperCase() || htu !== expected) {
    throw new ProtocolError('ERR_UNAUTHORIZED', 'the token is for another request')
  }
  await checkFresh(origin, iat as number, jti as string, {
    replay: options.replay,
    maxAge: options.maxAge ?? DEFAULT_REQUEST_MAX_AGE,
    clockTolerance: options.clockTolerance ?? DEFAULT_CLOCK_TOLERANCE,
    now: (options.currentDate ?? new Date()).getTime(),
  })
  return { caller: origin, kid }
}
