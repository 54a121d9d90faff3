import { fetchJson, type OutboundPolicy } from '../../http/guarded-fetch.js'
import type { SigningAlgorithm } from '../../keys/algorithms.js'
import type { ResolveKey } from '../../keys/resolve-key.js'
import type { PublicJwk } from '../../keys/signing-key.js'

/** Caching of {@link authorityKeys}. @internal */
export interface AuthorityKeysOptions extends OutboundPolicy {
  /** How long the key set is cached, in seconds. Default 300. */
  readonly ttl?: number
  /** Least time between two fetches for an unknown `kid`, in seconds. Default 60. */
  readonly refetchInterval?: number
  /** "Now" in milliseconds, for tests. */
  readonly now?: () => number
}

/** The one algorithm a public JWK may be used with, or `undefined` for any other key. */
function algorithmOf(jwk: Record<string, unknown>): SigningAlgorithm | undefined {
  if ('d' in jwk || (jwk['use'] !== undefined && jwk['use'] !== 'sig')) return undefined
  const alg =
    jwk['kty'] === 'OKP' && jwk['crv'] === 'Ed25519'
      ? 'EdDSA'
      : jwk['kty'] === 'EC' && jwk['crv'] === 'P-256'
        ? 'ES256'
        : undefined
  // An OIDC JWKS may leave `alg` out; when present it must be the key's own.
  return jwk['alg'] === undefined || jwk['alg'] === alg ? alg : undefined
}

/**
 * A key resolver over an authority's JWKS (its `jwks_uri`): only Ed25519 and P-256 public signing
 * keys, each bound to its one algorithm; cached for `ttl`, refetched for an unknown `kid` at most
 * once per `refetchInterval`. Every key resolves with `source` set to the issuer.
 * @internal
 */
export function authorityKeys(
  jwksUri: string,
  issuer: string,
  options: AuthorityKeysOptions,
): ResolveKey {
  const ttl = (options.ttl ?? 300) * 1000
  const refetch = (options.refetchInterval ?? 60) * 1000
  const now = options.now ?? Date.now
  let keys = new Map<string, PublicJwk>()
  let fetchedAt = -Infinity
  let pending: Promise<void> | undefined

  const load = (): Promise<void> => {
    pending ??= fetchJson(jwksUri, options, 64 * 1024)
      .then((value) => {
        const list = (value as { keys?: unknown } | null)?.keys
        const next = new Map<string, PublicJwk>()
        if (Array.isArray(list)) {
          for (const item of list.slice(0, 32) as unknown[]) {
            if (typeof item !== 'object' || item === null) continue
            const jwk = item as Record<string, unknown>
            if (typeof jwk['kid'] !== 'string') continue
            const alg = algorithmOf(jwk)
            if (alg !== undefined) next.set(jwk['kid'], { ...jwk, alg, use: 'sig' } as PublicJwk)
          }
        }
        keys = next
        fetchedAt = now()
      })
      .finally(() => {
        pending = undefined
      })
    return pending
  }

  return async (kid) => {
    if (now() - fetchedAt >= ttl) await load()
    let key = keys.get(kid)
    if (key === undefined && now() - fetchedAt >= refetch) {
      await load()
      key = keys.get(kid)
    }
    return key === undefined ? undefined : { key, alg: key.alg, source: issuer }
  }
}
