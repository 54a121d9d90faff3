/**
 * The only JWS algorithms CTA Interop accepts anywhere: EdDSA over Ed25519 and ES256 (ECDSA over
 * P-256 with SHA-256). `none`, HMAC, RSA and every other algorithm are refused.
 * @see {@link https://w3id.org/cta/spec/events#algorithms Spec: algorithms}
 */
export const ALLOWED_ALGORITHMS: readonly ['EdDSA', 'ES256'] = Object.freeze([
  'EdDSA',
  'ES256',
] as const)

/** A JWS algorithm CTA Interop accepts. */
export type SigningAlgorithm = (typeof ALLOWED_ALGORITHMS)[number]

/** Is `alg` exactly one of the allowed algorithm names (case-sensitive, as RFC 7515 requires)? */
export function isAllowedAlgorithm(alg: unknown): alg is SigningAlgorithm {
  return alg === 'EdDSA' || alg === 'ES256'
}
