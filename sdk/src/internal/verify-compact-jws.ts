import { ProtocolError, type ProtocolErrorCode } from '../errors.js'
import type { SignatureVerifier } from '../events/verify-event.js'
import type { SigningAlgorithm } from '../keys/algorithms.js'
import { isUsableResolvedKey } from '../keys/is-usable-public-jwk.js'
import { toVerifyKey, type ResolveKey, type ResolvedKey } from '../keys/resolve-key.js'
import { isCanonicalBase64url, webBase64urlDecoder } from './base64url.js'
import { checkJwsHeader, type HeaderRules } from './check-jws-header.js'
import { decodeJsonPart } from './decode-json-part.js'

/**
 * The limits one kind of compact JWS is verified under: an event, a membership assertion, a
 * subscription request, a request token. Made once per kind with {@link compactJwsRules}.
 * @internal
 */
export interface CompactJwsRules extends HeaderRules {
  /** Longest token, in characters. */
  readonly maxLength: number
  /** Longest protected header part, in characters (encoded). */
  readonly maxHeaderLength: number
  /** Deepest nesting of the payload's objects and arrays. */
  readonly maxDepth: number
  /** Called for every payload member name with its depth; may throw to refuse it. */
  readonly onKey?: (key: string, depth: number) => void
}

/** What a token needs besides its rules: its key, and optionally a crypto backend. @internal */
export interface CompactJwsKeys {
  /** Finds the public key for the header's `kid`. */
  readonly resolveKey: ResolveKey
  /** Checks the signature bytes; default: Web Crypto. */
  readonly verifySignature?: SignatureVerifier | undefined
  /** Overrides the rules' `maxLength`. */
  readonly maxLength?: number | undefined
}

/** A compact JWS whose signature verified, with its payload as a strict JSON object. @internal */
export interface VerifiedCompactJws {
  readonly alg: SigningAlgorithm
  readonly kid: string
  /** The key that verified the signature, and who publishes it. */
  readonly key: ResolvedKey
  readonly payload: Record<string, unknown>
}

/**
 * Makes the rules for one kind of token.
 * @internal
 */
export function compactJwsRules(rules: {
  readonly typ: string
  readonly maxLength: number
  readonly maxHeaderLength: number
  readonly maxDepth: number
  readonly members?: readonly string[]
  readonly onKey?: (key: string, depth: number) => void
}): CompactJwsRules {
  return Object.freeze({ ...rules, members: new Set(rules.members ?? ['alg', 'kid', 'typ']) })
}

const encoder = new TextEncoder()
const encode = (text: string): Uint8Array => encoder.encode(text)

const reject = (code: ProtocolErrorCode, message: string): never => {
  throw new ProtocolError(code, message)
}

/** The default signature check: Web Crypto, with the key imported once. */
async function webCryptoVerify(
  resolved: ResolvedKey,
  signingInput: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  try {
    const key = await toVerifyKey(resolved)
    const algorithm =
      resolved.alg === 'ES256' ? { name: 'ECDSA', hash: 'SHA-256' } : { name: 'Ed25519' }
    // Both arrays are made over plain `ArrayBuffer`s by the core or its caller.
    return await crypto.subtle.verify(
      algorithm,
      key,
      signature as Uint8Array<ArrayBuffer>,
      signingInput as Uint8Array<ArrayBuffer>,
    )
  } catch {
    // A key that cannot be used for this algorithm verifies nothing, as with the Node verifier.
    return false
  }
}

/**
 * Verifies a compact JWS up to and including its payload as strict JSON: the checks every token
 * of the protocol shares, in the documented order, cheapest first, stopping at the first failure.
 *
 * 1. size of the token (`ERR_TOO_LARGE`), before any decoding;
 * 2. shape: exactly three parts (`ERR_JWS_MALFORMED`), a protected header part of at most
 *    `maxHeaderLength` characters (`ERR_TOO_LARGE`), each part canonical unpadded base64url
 *    (`ERR_JWS_MALFORMED`);
 * 3. protected header: strict UTF-8 JSON object without byte-order mark (`ERR_JWS_MALFORMED`),
 *    only the allowed members (`ERR_HEADER_NOT_ALLOWED`), then `typ` (`ERR_TYP_MISMATCH`), then an
 *    allowed algorithm (`ERR_ALG_NOT_ALLOWED`) and a `kid` (`ERR_JWS_MALFORMED`);
 * 4. key: resolved for the `kid` (`ERR_KEY_UNRESOLVED`), and published for the header's
 *    algorithm (`ERR_ALG_NOT_ALLOWED`);
 * 5. signature, with `verifySignature` or Web Crypto (`ERR_SIGNATURE_INVALID`);
 * 6. payload: strict UTF-8 without byte-order mark, strict JSON within the nesting limit, an
 *    object (`ERR_JSON_INVALID`, or what `onKey` throws).
 *
 * The callers check the claims.
 * @throws {ProtocolError} The codes above.
 * @see {@link https://w3id.org/cta/spec/events#verifying Spec: verifying events}
 * @internal
 */
export async function verifyCompactJws(
  jws: string,
  rules: CompactJwsRules,
  keys: CompactJwsKeys,
): Promise<VerifiedCompactJws> {
  if (jws.length > (keys.maxLength ?? rules.maxLength)) {
    reject('ERR_TOO_LARGE', 'the token is longer than allowed')
  }
  const first = jws.indexOf('.')
  const second = jws.indexOf('.', first + 1)
  if (first < 0 || second < 0 || jws.indexOf('.', second + 1) >= 0) {
    reject('ERR_JWS_MALFORMED', 'a compact JWS has exactly three parts')
  }
  if (first > rules.maxHeaderLength) reject('ERR_TOO_LARGE', 'the protected header is too long')
  const headerPart = jws.slice(0, first)
  // The verifier's runtime may bring a faster strict decoder (the Node entry's use `Buffer`); the
  // header is decoded once per distinct header, so it keeps the SDK's own.
  const decoder = keys.verifySignature?.base64url ?? webBase64urlDecoder
  // A native decoder's bytes go straight to the UTF-8 decoder; the SDK's own `atob` path keeps
  // the binary string, whose ASCII test spares that decoder for most payloads.
  const payloadPart = jws.slice(first + 1, second)
  const payload =
    decoder === webBase64urlDecoder ? decoder.binary(payloadPart) : decoder.bytes(payloadPart)
  const signature = decoder.bytes(jws.slice(second + 1))
  if (!isCanonicalBase64url(headerPart) || payload === undefined || signature === undefined) {
    return reject('ERR_JWS_MALFORMED', 'each part must be canonical base64url')
  }
  const { alg, kid } = checkJwsHeader(headerPart, rules)
  const found = keys.resolveKey(kid)
  // Resolvers over pinned keys answer synchronously; awaiting only promises saves a tick.
  const resolved = found instanceof Promise ? await found : found
  if (resolved === undefined) return reject('ERR_KEY_UNRESOLVED', 'no key for this kid')
  // A custom resolver's small-order or non-canonical key is no key either (EVT-KEY-002).
  if (!isUsableResolvedKey(resolved.key, resolved.alg)) {
    reject('ERR_KEY_UNRESOLVED', 'the key for this kid is not usable')
  }
  if (resolved.alg !== alg) reject('ERR_ALG_NOT_ALLOWED', 'alg does not match the key')
  const signingInput = (decoder.ascii ?? encode)(jws.slice(0, second))
  const verify = keys.verifySignature ?? webCryptoVerify
  if (!(await verify(resolved, signingInput, signature))) {
    reject('ERR_SIGNATURE_INVALID', 'the signature does not verify')
  }
  const claims = decodeJsonPart(
    payload,
    'ERR_JSON_INVALID',
    rules.onKey === undefined
      ? { maxDepth: rules.maxDepth }
      : { maxDepth: rules.maxDepth, onKey: rules.onKey },
  )
  return { alg, kid, key: resolved, payload: claims }
}
