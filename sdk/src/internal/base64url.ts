import { ProtocolError } from '../errors.js'
import type { Base64urlDecoder } from '../events/base64url-decoder.js'

// The one base64url decoder of the SDK. `atob` is native in every runtime and several times
// faster than decoding in JavaScript; the checks in front of it make it strict: the URL-safe
// alphabet only, no padding, no white space, and zero unused bits in the last character, so that
// every byte string has exactly one accepted encoding and re-encodings of a token cannot pass as
// different tokens.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const URL_SAFE = /^[A-Za-z0-9_-]*$/

/**
 * Is `text` unpadded base64url in canonical form: only the URL-safe alphabet, a possible length,
 * and zero unused bits in the last character?
 * @internal
 */
export function isCanonicalBase64url(text: string): boolean {
  const rest = text.length % 4
  if (rest === 1 || !URL_SAFE.test(text)) return false
  if (rest === 0) return true
  const last = ALPHABET.indexOf(text.charAt(text.length - 1))
  return (last & (rest === 2 ? 0x0f : 0x03)) === 0
}

/**
 * Decodes text that {@link isCanonicalBase64url} accepted to a binary string (one character per
 * byte), without checking it again.
 * @internal
 */
export function base64urlToBinary(text: string): string {
  return atob(text.replaceAll('-', '+').replaceAll('_', '/'))
}

/** The bytes of a binary string. @internal */
export function binaryToBytes(value: string): Uint8Array {
  const out = new Uint8Array(value.length)
  for (let i = 0; i < value.length; i++) out[i] = value.charCodeAt(i)
  return out
}

/**
 * The SDK's own strict decoder as a {@link Base64urlDecoder}: the Web-platform default of the
 * verification core, and the reference every injected decoder must agree with.
 * @internal
 */
export const webBase64urlDecoder: Base64urlDecoder = Object.freeze({
  binary: (text: string): string | undefined =>
    isCanonicalBase64url(text) ? base64urlToBinary(text) : undefined,
  bytes: (text: string): Uint8Array | undefined =>
    isCanonicalBase64url(text) ? binaryToBytes(base64urlToBinary(text)) : undefined,
})

/**
 * Decodes unpadded base64url strictly (see {@link isCanonicalBase64url}).
 * @throws {ProtocolError} `ERR_JWS_MALFORMED` for anything else.
 * @internal
 */
export function decodeBase64url(text: string): Uint8Array {
  if (!isCanonicalBase64url(text)) {
    throw new ProtocolError('ERR_JWS_MALFORMED', 'not canonical base64url')
  }
  return binaryToBytes(base64urlToBinary(text))
}

/** Encodes bytes as unpadded base64url. @internal */
export function encodeBase64url(bytes: Uint8Array): string {
  let out = ''
  let i = 0
  for (; i + 2 < bytes.length; i += 3) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0)
    out +=
      ALPHABET.charAt(n >> 18) +
      ALPHABET.charAt((n >> 12) & 63) +
      ALPHABET.charAt((n >> 6) & 63) +
      ALPHABET.charAt(n & 63)
  }
  if (i < bytes.length) {
    const a = bytes[i] ?? 0
    const b = i + 1 < bytes.length ? (bytes[i + 1] ?? 0) : 0
    const n = (a << 16) | (b << 8)
    out += ALPHABET.charAt(n >> 18) + ALPHABET.charAt((n >> 12) & 63)
    if (i + 1 < bytes.length) out += ALPHABET.charAt((n >> 6) & 63)
  }
  return out
}
