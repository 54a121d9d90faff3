import { decodeBase64url } from '../internal/base64url.js'
import { isAllowedAlgorithm } from './algorithms.js'

// Ed25519 (RFC 8032): p = 2^255 − 19. A public key is the 32-byte little-endian y coordinate with
// the sign of x in the top bit.
const P25519 = (1n << 255n) - 19n
const D25519 = mod(-121_665n * inverse(121_666n, P25519), P25519)
const SQRT_M1 = power(2n, (P25519 - 1n) / 4n, P25519)
// The y coordinates of the eight points of small order (the torsion subgroup): the identity (1),
// the point of order 2 (p − 1), the two of order 4 (0) and the four of order 8 (two values of y,
// each with both signs of x). libsodium refuses the same encodings (`ge25519_has_small_order`).
const Y_ORDER_8 = 0x7a03ac9277fdc74ec6cc392cfa53202a0f67100d760b3cba4fd84d3d706a17c7n
const SMALL_ORDER_Y = new Set([0n, 1n, P25519 - 1n, Y_ORDER_8, P25519 - Y_ORDER_8])

// P-256 (FIPS 186-4, SEC 2): y² = x³ − 3x + b over p.
const P256 = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn
const B256 = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn

function mod(a: bigint, m: bigint): bigint {
  const r = a % m
  return r < 0n ? r + m : r
}

function power(base: bigint, exponent: bigint, m: bigint): bigint {
  let result = 1n
  let b = mod(base, m)
  for (let e = exponent; e > 0n; e >>= 1n) {
    if ((e & 1n) === 1n) result = (result * b) % m
    b = (b * b) % m
  }
  return result
}

function inverse(a: bigint, m: bigint): bigint {
  return power(a, m - 2n, m)
}

/** Big-endian (`le = false`) or little-endian bytes as an unsigned integer. */
function toInteger(bytes: Uint8Array, le: boolean): bigint {
  let n = 0n
  for (let i = 0; i < bytes.length; i++) {
    n = (n << 8n) | BigInt(bytes[le ? bytes.length - 1 - i : i] ?? 0)
  }
  return n
}

/** The bytes of a JWK member, when it is canonical base64url of exactly `length` bytes. */
function coordinate(value: unknown, length: number): Uint8Array | undefined {
  if (typeof value !== 'string') return undefined
  try {
    const bytes = decodeBase64url(value)
    return bytes.length === length ? bytes : undefined
  } catch {
    return undefined
  }
}

/**
 * Is `x` (a JWK's `x`) the canonical encoding of an Ed25519 point that is not of small order? A
 * key of small order verifies the signature R = identity, S = 0 on every message, so anyone could
 * sign as its holder; a non-canonical encoding (y ≥ p, or x = 0 with the sign bit set) is a second
 * spelling of another key. Both are refused, as is an encoding that is no point at all.
 */
function isStrongEd25519(x: unknown): boolean {
  const bytes = coordinate(x, 32)
  if (bytes === undefined) return false
  const sign = ((bytes[31] ?? 0) & 0x80) !== 0
  const y = toInteger(bytes, true) & ((1n << 255n) - 1n)
  if (y >= P25519 || SMALL_ORDER_Y.has(y)) return false
  // Decompression (RFC 8032, 5.1.3): x² = (y² − 1) / (d·y² + 1) must have a square root.
  const y2 = (y * y) % P25519
  const u = mod(y2 - 1n, P25519)
  const v = mod(D25519 * y2 + 1n, P25519)
  const v3 = (((v * v) % P25519) * v) % P25519
  const v7 = (((v3 * v3) % P25519) * v) % P25519
  let root = (((u * v3) % P25519) * power(u * v7, (P25519 - 5n) / 8n, P25519)) % P25519
  const check = (((v * root) % P25519) * root) % P25519
  if (check === mod(-u, P25519)) root = (root * SQRT_M1) % P25519
  else if (check !== u) return false
  return !(root === 0n && sign)
}

/** Are `x` and `y` the canonical coordinates of a point on P-256? */
function isP256Point(x: unknown, y: unknown): boolean {
  const xb = coordinate(x, 32)
  const yb = coordinate(y, 32)
  if (xb === undefined || yb === undefined) return false
  const px = toInteger(xb, false)
  const py = toInteger(yb, false)
  if (px >= P256 || py >= P256) return false
  return mod(py * py - (px * px * px - 3n * px + B256), P256) === 0n
}

/**
 * Is `jwk` a public key a receiver may verify with (EVT-KEY-002): a JSON object without private
 * material, with a `kid`, an allowed `alg` that fits its `kty` and `crv` (`EdDSA` with OKP
 * Ed25519, `ES256` with EC P-256), `use` absent or `sig`, and key material that is a canonical
 * encoding of a point, not of small order. Resolvers skip every other key, as if it were not
 * published.
 * @param jwk A key from a JWKS, as received.
 * @returns `true` when the key may be used to verify signatures.
 * @see {@link https://w3id.org/cta/spec/events#EVT-KEY-002 Spec: EVT-KEY-002}
 * @internal
 */
export function isUsablePublicJwk(jwk: unknown): boolean {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk) || 'd' in jwk) return false
  const { kid, alg, use, kty, crv, x, y } = jwk as Record<string, unknown>
  if (typeof kid !== 'string' || !isAllowedAlgorithm(alg) || (use !== undefined && use !== 'sig')) {
    return false
  }
  return hasUsableKeyMaterial({ kty, crv, x, y }, alg)
}

/**
 * Is `jwk` public key material for `alg` that is a canonical encoding of a point, not of small
 * order (the key part of {@link isUsablePublicJwk}, for keys that come without `kid` or `alg`)?
 * @param jwk The key, as a JWK.
 * @param alg The algorithm it is to verify.
 * @returns `true` when the key may be used to verify signatures of `alg`.
 * @see {@link https://w3id.org/cta/spec/events#EVT-KEY-002 Spec: EVT-KEY-002}
 * @internal
 */
export function hasUsableKeyMaterial(jwk: unknown, alg: unknown): boolean {
  if (typeof jwk !== 'object' || jwk === null || 'd' in jwk) return false
  const { kty, crv, x, y } = jwk as Record<string, unknown>
  if (alg === 'EdDSA') return kty === 'OKP' && crv === 'Ed25519' && isStrongEd25519(x)
  if (alg === 'ES256') return kty === 'EC' && crv === 'P-256' && isP256Point(x, y)
  return false
}

const checked = new WeakMap<object, boolean>()

/**
 * Is a resolved key free of forgeable key material (remembered per key object, so the verification
 * core checks each key once, whoever resolved it)? A JWK of the algorithm's own curve must pass
 * {@link hasUsableKeyMaterial}: not of small order, canonical, on the curve. A key of another type
 * verifies nothing anyway and is left to the signature check; a Web Crypto `CryptoKey` is the
 * caller's own and is trusted as given.
 * @param key The resolved key: a `CryptoKey` or a JWK.
 * @param alg The algorithm it is to verify.
 * @returns `false` when the key could verify a forgery.
 * @see {@link https://w3id.org/cta/spec/events#EVT-KEY-002 Spec: EVT-KEY-002}
 * @internal
 */
export function isUsableResolvedKey(key: unknown, alg: unknown): boolean {
  if (typeof CryptoKey !== 'undefined' && key instanceof CryptoKey) return true
  if (typeof key !== 'object' || key === null) return false
  let usable = checked.get(key)
  if (usable === undefined) {
    const { kty, crv, x, y } = key as Record<string, unknown>
    const ownCurve =
      (alg === 'EdDSA' && kty === 'OKP' && crv === 'Ed25519') ||
      (alg === 'ES256' && kty === 'EC' && crv === 'P-256')
    usable = !ownCurve || hasUsableKeyMaterial({ kty, crv, x, y }, alg)
    checked.set(key, usable)
  }
  return usable
}
