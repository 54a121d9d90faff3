import { ProtocolError, type ProtocolErrorCode } from '../errors.js'
import { isAllowedAlgorithm, type SigningAlgorithm } from '../keys/algorithms.js'
import { base64urlToBinary } from './base64url.js'
import { decodeJsonPart } from './decode-json-part.js'
import { matchesTyp } from './matches-typ.js'

/** What a protected header must be, for one kind of token. @internal */
export interface HeaderRules {
  /** The registered `typ`, lower case and without `application/` ({@link matchesTyp}). */
  readonly typ: string
  /** The members a header may have; `alg`, `kid` and `typ` are always required. */
  readonly members: ReadonlySet<string>
}

/** A protected header that passed {@link checkJwsHeader}. @internal */
export interface CheckedHeader {
  readonly alg: SigningAlgorithm
  readonly kid: string
}

// Signers use the same few headers for everything they sign: remember the ones that passed, per
// rules, so a header is decoded and checked once.
const goodHeaders = new WeakMap<HeaderRules, Map<string, CheckedHeader>>()

const reject = (code: ProtocolErrorCode, message: string): never => {
  throw new ProtocolError(code, message)
}

/**
 * Decodes and checks a protected header whose part is already known to be canonical base64url of
 * an allowed length: strict UTF-8 and JSON, an object, only the allowed members, the expected
 * `typ` (compared as a media type, {@link matchesTyp}), an allowed algorithm, and a non-empty `kid` of at most 2048 characters, in this order.
 * @throws {ProtocolError} `ERR_JWS_MALFORMED`, `ERR_HEADER_NOT_ALLOWED`, `ERR_TYP_MISMATCH`,
 *   `ERR_ALG_NOT_ALLOWED`.
 * @see {@link https://w3id.org/cta/spec/events#EVT-SIG-001 EVT-SIG-001}
 * @internal
 */
export function checkJwsHeader(part: string, rules: HeaderRules): CheckedHeader {
  let cache = goodHeaders.get(rules)
  const cached = cache?.get(part)
  if (cached !== undefined) return cached
  const header = decodeJsonPart(base64urlToBinary(part), 'ERR_JWS_MALFORMED', { maxDepth: 2 })
  for (const name in header) {
    if (!rules.members.has(name))
      reject('ERR_HEADER_NOT_ALLOWED', `header member not allowed: ${name}`)
  }
  const { alg, kid, typ } = header
  if (!matchesTyp(typ, rules.typ)) reject('ERR_TYP_MISMATCH', `typ must be ${rules.typ}`)
  if (!isAllowedAlgorithm(alg)) return reject('ERR_ALG_NOT_ALLOWED', 'algorithm not allowed')
  if (typeof kid !== 'string' || kid.length === 0 || kid.length > 2048) {
    return reject('ERR_JWS_MALFORMED', 'kid must be a non-empty string')
  }
  if (cache === undefined) {
    cache = new Map()
    goodHeaders.set(rules, cache)
  }
  if (cache.size >= 256) cache.clear()
  const checked = { alg, kid }
  cache.set(part, checked)
  return checked
}
