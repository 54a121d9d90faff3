import { ProtocolError } from '../errors.js'
import { MAX_HEADER_LENGTH } from '../events/constants.js'
import { isAllowedAlgorithm, type SigningAlgorithm } from '../keys/algorithms.js'
import { decodePayloadText } from './decode-parts.js'
import { parseStrictJson } from './strict-json.js'

const ALLOWED_HEADER = new Set(['alg', 'kid', 'typ'])

// Signers use the same few headers for everything they sign: remember the ones that passed,
// per `typ`, so a header is decoded and checked once.
const goodHeaders = new Map<string, { alg: SigningAlgorithm; kid: string }>()

const reject = (code: ConstructorParameters<typeof ProtocolError>[0], message: string): never => {
  throw new ProtocolError(code, message)
}

/**
 * Decodes and checks the protected header of every compact JWS the protocol accepts: at most
 * 1 KiB, strict base64url and JSON, exactly the members `alg`, `kid` and `typ`, the expected `typ`,
 * an allowed algorithm and a non-empty `kid` of at most 2048 characters.
 * @throws {ProtocolError} `ERR_TOO_LARGE`, `ERR_JWS_MALFORMED`, `ERR_HEADER_NOT_ALLOWED`,
 *   `ERR_TYP_MISMATCH`, `ERR_ALG_NOT_ALLOWED`.
 * @internal
 */
export function checkJwsHeader(part: string, typ: string): { alg: SigningAlgorithm; kid: string } {
  const cacheKey = `${typ}\u0000${part}`
  const cached = goodHeaders.get(cacheKey)
  if (cached !== undefined) return cached
  if (part.length > MAX_HEADER_LENGTH) reject('ERR_TOO_LARGE', 'the protected header is too long')
  let header: unknown
  try {
    header = parseStrictJson(decodePayloadText(part), { maxDepth: 2 })
  } catch (err) {
    if (err instanceof ProtocolError && err.code === 'ERR_JSON_INVALID') {
      throw new ProtocolError('ERR_JWS_MALFORMED', err.message, { cause: err })
    }
    throw err
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    return reject('ERR_JWS_MALFORMED', 'the protected header is not an object')
  }
  const extra = Object.keys(header).find((name) => !ALLOWED_HEADER.has(name))
  if (extra !== undefined) reject('ERR_HEADER_NOT_ALLOWED', `header member not allowed: ${extra}`)
  const { alg, kid, typ: actual } = header as Record<string, unknown>
  if (actual !== typ) reject('ERR_TYP_MISMATCH', `typ must be ${typ}`)
  if (!isAllowedAlgorithm(alg)) return reject('ERR_ALG_NOT_ALLOWED', 'algorithm not allowed')
  if (typeof kid !== 'string' || kid.length === 0 || kid.length > 2048) {
    return reject('ERR_JWS_MALFORMED', 'kid must be a non-empty string')
  }
  if (goodHeaders.size >= 256) goodHeaders.clear()
  const checked = { alg, kid }
  goodHeaders.set(cacheKey, checked)
  return checked
}
