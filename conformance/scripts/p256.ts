// Deterministic ES256 for the vector generator: ECDSA over P-256 with SHA-256 and the nonce of
// RFC 6979 §3.2, so that ES256 vectors are byte-identical on regeneration like Ed25519 ones.
// Node's crypto signs ECDSA with a random nonce; any verifier accepts either signature.
// For test vectors only: this code is not constant-time.
import { createECDH, createHash, createHmac } from 'node:crypto'

const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n
const G = {
  x: 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n,
  y: 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n,
}

interface Point {
  readonly x: bigint
  readonly y: bigint
}

const mod = (a: bigint, m: bigint): bigint => ((a % m) + m) % m

/** The inverse of `a` modulo the prime `m` (extended Euclid). */
function inverse(a: bigint, m: bigint): bigint {
  let [r0, r1, t0, t1] = [mod(a, m), m, 1n, 0n]
  while (r1 !== 0n) {
    const q = r0 / r1
    ;[r0, r1] = [r1, r0 - q * r1]
    ;[t0, t1] = [t1, t0 - q * t1]
  }
  return mod(t0, m)
}

function add(a: Point | undefined, b: Point | undefined): Point | undefined {
  if (a === undefined) return b
  if (b === undefined) return a
  if (a.x === b.x && mod(a.y + b.y, P) === 0n) return undefined
  const slope =
    a.x === b.x
      ? mod((3n * a.x * a.x - 3n) * inverse(2n * a.y, P), P)
      : mod((b.y - a.y) * inverse(b.x - a.x, P), P)
  const x = mod(slope * slope - a.x - b.x, P)
  return { x, y: mod(slope * (a.x - x) - a.y, P) }
}

function multiply(k: bigint, point: Point): Point | undefined {
  let result: Point | undefined
  let addend: Point | undefined = point
  for (let e = k; e > 0n; e >>= 1n) {
    if ((e & 1n) === 1n) result = add(result, addend)
    addend = add(addend, addend)
  }
  return result
}

const toInt = (bytes: Uint8Array): bigint =>
  BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`)
const toBytes = (n: bigint): Buffer => Buffer.from(n.toString(16).padStart(64, '0'), 'hex')

/** The nonce of RFC 6979 §3.2 for SHA-256 and a 256-bit order. */
function nonce(d: bigint, hash: Buffer): bigint {
  const x = toBytes(d)
  const h = toBytes(mod(toInt(hash), N))
  const hmac = (key: Buffer, ...parts: Buffer[]): Buffer =>
    createHmac('sha256', key).update(Buffer.concat(parts)).digest()
  let v: Buffer = Buffer.alloc(32, 1)
  let k: Buffer = Buffer.alloc(32, 0)
  k = hmac(k, v, Buffer.from([0]), x, h)
  v = hmac(k, v)
  k = hmac(k, v, Buffer.from([1]), x, h)
  v = hmac(k, v)
  for (;;) {
    v = hmac(k, v)
    const candidate = toInt(v)
    if (candidate >= 1n && candidate < N) return candidate
    k = hmac(k, v, Buffer.from([0]))
    v = hmac(k, v)
  }
}

/**
 * Signs `data` with ES256 and the deterministic nonce of RFC 6979.
 *
 * @param d The private scalar, as the JWK's base64url `d`.
 * @returns The JWS signature: `r || s`, 32 bytes each.
 */
export function signEs256(d: string, data: Uint8Array): Buffer {
  const key = toInt(Buffer.from(d, 'base64url'))
  const hash = createHash('sha256').update(data).digest()
  const z = toInt(hash)
  for (let k = nonce(key, hash); ; k = mod(k + 1n, N)) {
    const r = mod(multiply(k, G)?.x ?? 0n, N)
    const s = mod(inverse(k, N) * (z + r * key), N)
    if (r !== 0n && s !== 0n) return Buffer.concat([toBytes(r), toBytes(s)])
  }
}

/**
 * A P-256 private JWK whose scalar is derived from `seed` (for seeded test keys).
 *
 * @returns `{ kty, crv, x, y, d }`.
 */
export function p256FromSeed(seed: Buffer): Record<string, string> {
  const d = toBytes(mod(toInt(seed), N - 1n) + 1n)
  const ecdh = createECDH('prime256v1')
  ecdh.setPrivateKey(d)
  const point = ecdh.getPublicKey()
  return {
    kty: 'EC',
    crv: 'P-256',
    x: point.subarray(1, 33).toString('base64url'),
    y: point.subarray(33, 65).toString('base64url'),
    d: d.toString('base64url'),
  }
}
