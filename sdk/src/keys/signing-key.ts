import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose'
import { isAllowedAlgorithm, type SigningAlgorithm } from './algorithms.js'

/** A public signing key as published in a JWKS: `kid`, `alg` and `use: "sig"` are always set. */
export interface PublicJwk extends JWK {
  readonly kid: string
  readonly alg: SigningAlgorithm
  readonly use: 'sig'
}

/** A key pair that signs events and assertions. The private key never leaves the process. */
export interface SigningKey {
  /** The key id: `<tool origin>#<RFC 7638 thumbprint>` when an origin was given. */
  readonly kid: string
  readonly alg: SigningAlgorithm
  readonly privateKey: CryptoKey
  readonly publicJwk: PublicJwk
}

/** Options of {@link generateSigningKey}. */
export interface GenerateSigningKeyOptions {
  /** `EdDSA` (Ed25519, the default) or `ES256`. */
  readonly alg?: SigningAlgorithm
  /**
   * The origin of the tool that will publish this key. The key id becomes
   * `<origin>#<thumbprint>`, which tells a verifier whose manifest holds the key.
   */
  readonly origin?: string
  /** An explicit key id; overrides the derived one. */
  readonly kid?: string
  /** Let the private key be exported (to persist it). Default `false`. */
  readonly extractable?: boolean
}

async function describe(
  privateKey: CryptoKey,
  publicKey: CryptoKey | JWK,
  alg: SigningAlgorithm,
  options: { origin?: string; kid?: string },
): Promise<SigningKey> {
  const jwk: JWK = publicKey instanceof CryptoKey ? await exportJWK(publicKey) : publicKey
  const { kty, crv, x, y } = jwk
  if (kty === undefined || crv === undefined || x === undefined) {
    throw new TypeError('expected an OKP or EC public key')
  }
  const bare: JWK = y === undefined ? { kty, crv, x } : { kty, crv, x, y }
  const thumbprint = await calculateJwkThumbprint(bare)
  const kid =
    options.kid ?? (options.origin === undefined ? thumbprint : `${options.origin}#${thumbprint}`)
  const publicJwk: PublicJwk = Object.freeze({ ...bare, kid, alg, use: 'sig' as const })
  return Object.freeze({ kid, alg, privateKey, publicJwk })
}

/**
 * Generates a signing key pair with Web Crypto.
 *
 * @param options `alg` (default `EdDSA`), and `origin` or `kid` to name it.
 * @returns The key: its `kid`, `alg`, non-extractable private key and public JWK.
 * @throws {TypeError} When `alg` is not `EdDSA` or `ES256`.
 * @example
 * ```ts
 * import { generateSigningKey, toJwks } from '@cta-interop/sdk'
 * const key = await generateSigningKey({ origin: 'https://decisions.example' })
 * const jwks = toJwks([key]) // serve at the manifest's jwks_uri
 * ```
 * @see {@link https://w3id.org/cta/spec/events#keys Spec: keys}
 */
export async function generateSigningKey(
  options: GenerateSigningKeyOptions = {},
): Promise<SigningKey> {
  const alg = options.alg ?? 'EdDSA'
  if (!isAllowedAlgorithm(alg)) throw new TypeError(`unsupported algorithm: ${String(alg)}`)
  const { privateKey, publicKey } = await generateKeyPair(alg, {
    crv: alg === 'EdDSA' ? 'Ed25519' : 'P-256',
    extractable: options.extractable ?? false,
  })
  return describe(privateKey, publicKey, alg, options)
}

/**
 * Imports a private JWK (for example one loaded from a secret store) as a signing key.
 *
 * @param jwk A private Ed25519 (`OKP`) or P-256 (`EC`) JWK, with `d`.
 * @param options `origin` or `kid` to name it; otherwise the JWK's own `kid` or its thumbprint.
 * @returns The signing key.
 * @throws {TypeError} When the JWK is not a private Ed25519 or P-256 key.
 * @example
 * ```ts
 * const key = await importSigningKey(JSON.parse(process.env.CTA_SIGNING_JWK!))
 * ```
 * @see {@link https://w3id.org/cta/spec/events#keys Spec: keys}
 */
export async function importSigningKey(
  jwk: JWK,
  options: { origin?: string; kid?: string } = {},
): Promise<SigningKey> {
  const alg: SigningAlgorithm | undefined =
    jwk.kty === 'OKP' && jwk.crv === 'Ed25519'
      ? 'EdDSA'
      : jwk.kty === 'EC' && jwk.crv === 'P-256'
        ? 'ES256'
        : undefined
  if (alg === undefined || typeof jwk.d !== 'string') {
    throw new TypeError('expected a private Ed25519 (OKP) or P-256 (EC) JWK')
  }
  if (jwk.alg !== undefined && jwk.alg !== alg)
    throw new TypeError(`JWK alg ${jwk.alg} does not fit its key`)
  const privateKey = (await importJWK({ ...jwk, alg }, alg)) as CryptoKey
  const { d: _d, ...publicPart } = jwk
  const kid = options.kid ?? jwk.kid
  return describe(privateKey, publicPart, alg, {
    ...(options.origin === undefined ? {} : { origin: options.origin }),
    ...(kid === undefined ? {} : { kid }),
  })
}

/** A JSON Web Key Set of public keys. */
export interface Jwks {
  readonly keys: readonly PublicJwk[]
}

/**
 * The public JWKS to serve for a set of keys. Several keys may be active at once, for rotation.
 *
 * @param keys The signing keys (their public parts are used).
 * @returns `{ keys: [...] }` with `kid`, `alg` and `use: "sig"` on every key.
 * @throws {TypeError} When two keys share a `kid`.
 * @example
 * ```ts
 * declare const currentKey: import('@cta-interop/sdk').SigningKey, nextKey: typeof currentKey
 * const jwks = toJwks([currentKey, nextKey])
 * ```
 * @see {@link https://w3id.org/cta/spec/events#keys Spec: keys}
 */
export function toJwks(keys: readonly SigningKey[]): Jwks {
  const kids = new Set<string>()
  for (const key of keys) {
    if (kids.has(key.kid)) throw new TypeError(`duplicate kid: ${key.kid}`)
    kids.add(key.kid)
  }
  return Object.freeze({ keys: Object.freeze(keys.map((key) => key.publicJwk)) })
}
