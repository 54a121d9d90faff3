/**
 * A strict decoder of unpadded base64url that a {@link SignatureVerifier} may bring along, for
 * runtimes whose native decoder is faster than `atob` (the Node entry's verifiers bring one on
 * `Buffer`). It must accept exactly the canonical encodings the SDK's own decoder accepts: the
 * URL-safe alphabet only, no padding, no white space, a possible length, and zero unused bits in
 * the last character; for anything else each method returns `undefined`, which the SDK refuses
 * with `ERR_JWS_MALFORMED`.
 * @see {@link https://w3id.org/cta/spec/events#EVT-SIG-004 EVT-SIG-004}
 */
export interface Base64urlDecoder {
  /** The decoded bytes as a binary string (one character per byte), or `undefined`. */
  readonly binary: (text: string) => string | undefined
  /** The decoded bytes, or `undefined`. */
  readonly bytes: (text: string) => Uint8Array | undefined
  /**
   * Optional: the bytes of a JWS signing input, text the SDK has already checked to be ASCII
   * (two base64url parts and a dot), for runtimes where a native encoder allocates less than
   * `TextEncoder` (the Node entry's brings `Buffer.from(text, 'latin1')`).
   */
  readonly ascii?: (text: string) => Uint8Array
}
