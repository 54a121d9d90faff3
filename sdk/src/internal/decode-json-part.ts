import { ProtocolError, type ProtocolErrorCode } from '../errors.js'
import { binaryToBytes } from './base64url.js'
import { parseStrictJson, type StrictJsonLimits } from './strict-json.js'

// eslint-disable-next-line no-control-regex -- every ASCII character, controls included
const ASCII = /^[\x00-\x7f]*$/
// `ignoreBOM: true` keeps a leading byte-order mark in the text instead of dropping it silently,
// so that it is refused below like any other byte before the JSON.
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
const BOM = '\u00ef\u00bb\u00bf'

/** Strict UTF-8 text of `raw`: a binary string (one character per byte) or the bytes. */
function utf8Text(raw: string | Uint8Array, code: ProtocolErrorCode): string {
  if (typeof raw !== 'string') {
    if (raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf) {
      throw new ProtocolError(code, 'a byte-order mark precedes the JSON')
    }
    try {
      return decoder.decode(raw)
    } catch {
      throw new ProtocolError(code, 'not UTF-8')
    }
  }
  if (ASCII.test(raw)) return raw
  if (raw.startsWith(BOM)) throw new ProtocolError(code, 'a byte-order mark precedes the JSON')
  try {
    return decoder.decode(binaryToBytes(raw))
  } catch {
    throw new ProtocolError(code, 'not UTF-8')
  }
}

/**
 * Decodes a JWS part, already decoded from canonical base64url to a binary string (one character
 * per byte) or to its bytes, to a JSON object: strict
 * UTF-8 with no byte-order mark, then strict JSON (see {@link parseStrictJson}), then an object.
 * Every failure is reported with `code`: `ERR_JWS_MALFORMED` for a protected header,
 * `ERR_JSON_INVALID` for a payload. What `limits.onKey` throws is thrown only once the part has
 * passed all of these, so that the strict JSON step comes first whatever the member names.
 * @throws {ProtocolError} `code`, or the first error `limits.onKey` threw.
 * @see {@link https://w3id.org/cta/spec/events#EVT-JSON-002 EVT-JSON-002}
 * @internal
 */
export function decodeJsonPart(
  raw: string | Uint8Array,
  code: ProtocolErrorCode,
  limits: StrictJsonLimits,
): Record<string, unknown> {
  const text = utf8Text(raw, code)
  let refusal: { error: unknown } | undefined
  const check = limits.onKey
  const onKey =
    check === undefined
      ? undefined
      : (key: string, depth: number): void => {
          if (refusal !== undefined) return
          try {
            check(key, depth)
          } catch (error) {
            refusal = { error }
          }
        }
  let value: unknown
  try {
    value = parseStrictJson(text, onKey === undefined ? limits : { ...limits, onKey })
  } catch (err) {
    if (err instanceof ProtocolError && err.code === 'ERR_JSON_INVALID' && code !== err.code) {
      throw new ProtocolError(code, err.message, { cause: err })
    }
    throw err
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ProtocolError(code, 'not a JSON object')
  }
  if (refusal !== undefined) throw refusal.error
  return value as Record<string, unknown>
}
