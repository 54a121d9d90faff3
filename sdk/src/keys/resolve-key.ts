import { importJWK, type JWK } from 'jose'
import { ProtocolError } from '../errors.js'
import type { SigningAlgorithm } from './algorithms.js'
import { hasUsableKeyMaterial, isUsablePublicJwk } from './is-usable-public-jwk.js'
import type { Jwks } from './signing-key.js'

/** A public key found for a `kid`, and who publishes it. */
export interface ResolvedKey {
  /** The public key, as a Web Crypto key or a public JWK. */
  readonly key: CryptoKey | JWK
  /** The algorithm the key is for; a signature made with any other is refused. */
  readonly alg: SigningAlgorithm
  /** The origin of the tool whose manifest publishes the key. */
  readonly source: string
}

/**
 * Finds the public key for a `kid`: from a tool's manifest and JWKS (see
 * {@link createManifestResolver}), a fixed set ({@link staticKeyResolver}), or the caller's own
 * store. Returns `undefined` when no such key is known.
 */
export type ResolveKey = (kid: string) => Promise<ResolvedKey | undefined> | ResolvedKey | undefined

/**
 * A key resolver over fixed JWKS documents, one per tool: for tests, and for tools that pin their
 * peers' keys. Keys a receiver must not use are skipped as if they were not published
 * (EVT-KEY-002): private keys, keys for other algorithms or curves, `use` other than `sig`, and
 * Ed25519 keys of small order or in a non-canonical encoding (such a key verifies a forged
 * signature on any message).
 *
 * @param tools Each tool's origin and its JWKS.
 * @returns A {@link ResolveKey}.
 * @example
 * ```ts
 * const resolveKey = staticKeyResolver([{ source: 'https://decisions.example', jwks }])
 * const { event } = await verifyEvent(jws, { resolveKey })
 * ```
 * @see {@link https://w3id.org/cta/spec/events#keys Spec: keys}
 */
export function staticKeyResolver(
  tools: readonly { readonly source: string; readonly jwks: Jwks }[],
): ResolveKey {
  const byKid = new Map<string, ResolvedKey>()
  for (const { source, jwks } of tools) {
    for (const jwk of jwks.keys) {
      if (isUsablePublicJwk(jwk)) byKid.set(jwk.kid, { key: jwk, alg: jwk.alg, source })
    }
  }
  return (kid) => byKid.get(kid)
}

const imported = new WeakMap<object, Promise<CryptoKey>>()

/**
 * Imports a resolved key once and reuses the Web Crypto key. A JWK that is no usable public key
 * for its algorithm (small order, non-canonical, private) is refused, whoever resolved it.
 * @throws {ProtocolError} `ERR_KEY_UNRESOLVED` (as a rejection).
 * @internal
 */
export function toVerifyKey(resolved: ResolvedKey): Promise<CryptoKey> {
  if (resolved.key instanceof CryptoKey) return Promise.resolve(resolved.key)
  let key = imported.get(resolved.key)
  if (key === undefined) {
    if (!hasUsableKeyMaterial(resolved.key, resolved.alg)) {
      return Promise.reject(new ProtocolError('ERR_KEY_UNRESOLVED', 'the key is not usable'))
    }
    key = importJWK({ ...resolved.key, alg: resolved.alg }, resolved.alg) as Promise<CryptoKey>
    imported.set(resolved.key, key)
  }
  return key
}
