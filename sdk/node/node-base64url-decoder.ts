import { Buffer } from 'node:buffer'
import type { Base64urlDecoder } from '@cta-interop/sdk'

/** `Buffer` decodes leniently; re-encoding and comparing keeps only the canonical encodings. */
function decode(text: string): Buffer | undefined {
  const bytes = Buffer.from(text, 'base64url')
  return bytes.toString('base64url') === text ? bytes : undefined
}

const decoder: Base64urlDecoder = Object.freeze({
  binary: (text: string): string | undefined => decode(text)?.toString('latin1'),
  bytes: decode,
  ascii: (text: string): Uint8Array => Buffer.from(text, 'latin1'),
})

/**
 * The strict base64url decoder of the Node entry, on `Buffer` (about four times faster than the
 * SDK's `atob` path on Node 20). `Buffer.from(text, 'base64url')` accepts padding, `+`, `/`, white
 * space and non-zero unused bits; this decoder re-encodes what it decoded and returns `undefined`
 * unless that gives back `text`, so it accepts exactly the canonical unpadded encodings the SDK's
 * own decoder accepts. Its `ascii` encodes a signing input with `Buffer.from(text, 'latin1')`,
 * which allocates from Node's buffer pool where `TextEncoder` makes an `ArrayBuffer` per call
 * (1.8 µs against 5 µs of CPU for a 1.8 KB input, collection included).
 * {@link nodeSignatureVerifier} and {@link sodiumSignatureVerifier} bring
 * it as their `base64url`, so it is used wherever they are passed as `verifySignature`.
 *
 * @returns A {@link Base64urlDecoder}; every call returns the same frozen one.
 * @example
 * ```ts
 * import { nodeBase64urlDecoder } from '@cta-interop/sdk/node'
 * nodeBase64urlDecoder().bytes('YQ') // Uint8Array [0x61]; 'YR', 'YQ==' and 'Y+Q' give undefined
 * ```
 * @see {@link https://w3id.org/cta/spec/events#EVT-SIG-004 EVT-SIG-004}
 */
export function nodeBase64urlDecoder(): Base64urlDecoder {
  return decoder
}
