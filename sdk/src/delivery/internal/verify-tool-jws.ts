import { compactVerify, errors as joseErrors } from 'jose'
import { ProtocolError, type ProtocolErrorCode } from '../../errors.js'
import { decodeBase64url } from '../../internal/base64url.js'
import { parseStrictJson } from '../../internal/strict-json.js'
import { checkJwsHeader } from '../../internal/check-jws-header.js'
import { toVerifyKey, type ResolveKey } from '../../keys/resolve-key.js'

/** Longest tool token accepted (a subscription request or request token), in characters. @internal */
export const MAX_TOOL_JWS_LENGTH = 8 * 1024

const decoder = new TextDecoder('utf-8', { fatal: true })

const reject = (code: ProtocolErrorCode, message: string): never => {
  throw new ProtocolError(code, message)
}

function decodeObject(part: string, code: 'ERR_JWS_MALFORMED' | 'ERR_JSON_INVALID', depth: number) {
  let text: string
  try {
    text = decoder.decode(decodeBase64url(part))
  } catch (err) {
    if (err instanceof ProtocolError) throw err
    return reject('ERR_JWS_MALFORMED', 'not UTF-8')
  }
  let value: unknown
  try {
    value = parseStrictJson(text, { maxDepth: depth })
  } catch (err) {
    if (err instanceof ProtocolError) throw new ProtocolError(code, err.message, { cause: err })
    throw err
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return reject(code, 'expected a JSON object')
  }
  return value as Record<string, unknown>
}

/** A verified tool token: who signed it (the tool origin whose manifest holds the key) and what. @internal */
export interface VerifiedToolJws {
  readonly kid: string
  /** The origin of the tool that signed it. */
  readonly origin: string
  readonly payload: Record<string, unknown>
}

/**
 * Verifies a compact JWS that a tool signed with its key: the same strict checks as events
 * (header exactly `{ alg, kid, typ }`, pinned `typ`, allowed algorithm equal to the key's, strict
 * base64url and JSON), with the key found through `resolveKey`.
 * @throws {ProtocolError} `ERR_TOO_LARGE`, `ERR_JWS_MALFORMED`, `ERR_HEADER_NOT_ALLOWED`,
 *   `ERR_TYP_MISMATCH`, `ERR_ALG_NOT_ALLOWED`, `ERR_KEY_UNRESOLVED`, `ERR_SIGNATURE_INVALID`,
 *   `ERR_JSON_INVALID`.
 * @internal
 */
export async function verifyToolJws(
  jws: string,
  typ: string,
  resolveKey: ResolveKey,
): Promise<VerifiedToolJws> {
  if (jws.length > MAX_TOOL_JWS_LENGTH) reject('ERR_TOO_LARGE', 'the token is longer than allowed')
  const parts = jws.split('.')
  if (parts.length !== 3) reject('ERR_JWS_MALFORMED', 'a compact JWS has exactly three parts')
  const [headerPart = '', payloadPart = '', signaturePart = ''] = parts
  const { alg, kid } = checkJwsHeader(headerPart, typ)
  const resolved = await resolveKey(kid)
  if (resolved === undefined) return reject('ERR_KEY_UNRESOLVED', 'no key for this kid')
  if (resolved.alg !== alg) reject('ERR_ALG_NOT_ALLOWED', 'alg does not match the key')
  decodeBase64url(signaturePart)
  try {
    await compactVerify(jws, await toVerifyKey(resolved), { algorithms: [alg] })
  } catch (err) {
    if (err instanceof joseErrors.JWSSignatureVerificationFailed) {
      reject('ERR_SIGNATURE_INVALID', 'the signature does not verify')
    }
    throw new ProtocolError('ERR_JWS_MALFORMED', 'the JWS is malformed', { cause: err })
  }
  return { kid, origin: resolved.source, payload: decodeObject(payloadPart, 'ERR_JSON_INVALID', 4) }
}
