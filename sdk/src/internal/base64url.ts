import { ProtocolError } from '../errors.js'

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const VALUES = new Int16Array(128).fill(-1)
for (let i = 0; i < ALPHABET.length; i++) VALUES[ALPHABET.charCodeAt(i)] = i

/**
 * Decodes unpadded base64url strictly: only the URL-safe alphabet, no padding, no white space,
 * and the unused low bits of the last character must be zero. Every byte string therefore has
 * exactly one accepted encoding, so re-encodings of a token cannot pass as different tokens.
 * @throws {ProtocolError} `ERR_JWS_MALFORMED` for anything else.
 * @internal
 */
export function decodeBase64url(text: string): Uint8Array {
  const rest = text.length % 4
  if (rest === 1) throw new ProtocolError('ERR_JWS_MALFORMED', 'base64url has an impossible length')
  const out = new Uint8Array(Math.floor((text.length * 3) / 4))
  let bits = 0
  let buffer = 0
  let o = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    const value = code < 128 ? (VALUES[code] ?? -1) : -1
    if (value < 0) throw new ProtocolError('ERR_JWS_MALFORMED', 'not base64url')
    buffer = (buffer << 6) | value
    bits += 6
    if (bits >= 8) {
      bits -= 8
      out[o++] = (buffer >> bits) & 0xff
    }
  }
  if ((buffer & ((1 << bits) - 1)) !== 0) {
    throw new ProtocolError('ERR_JWS_MALFORMED', 'base64url is not canonical')
  }
  return out.subarray(0, o)
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
