import { isProtocolError } from '../../errors.js'
import { fetchJson, type OutboundPolicy } from '../../http/guarded-fetch.js'
import type { SigningAlgorithm } from '../../keys/algorithms.js'
import { KEY_REFETCH_INTERVAL, KEY_SET_MAX_AGE, keySetMaxAge } from '../../keys/key-cache-bounds.js'
import { KeysUnavailable } from '../../keys/keys-unavailable.js'
import type { ResolveKey } from '../../keys/resolve-key.js'
import type { PublicJwk } from '../../keys/signing-key.js'

/** Caching of {@link authorityKeys}. @internal */
export interface AuthorityKeysOptions extends OutboundPolicy {
  /**
   * The longest the key set is used, in seconds; a shorter `Cache-Control: max-age` of its answer
   * shortens it, down to `refetchInterval` (EVT-KEY-007). Default 300; from 10 to 3,600.
   */
  readonly ttl?: number
  /**
   * Least time between two fetches of the key set, whatever the reason, in seconds (EVT-KEY-006).
   * Default 10; at least 10.
   */
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

function parseKeys(value: unknown): Map<string, PublicJwk> {
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
  return next
}

interface Copy {
  keys: Map<string, PublicJwk>
  expiresAt: number
}

/**
 * A key resolver over an authority's JWKS (its `jwks_uri`): only Ed25519 and P-256 public signing
 * keys, each bound to its one algorithm, and with the bounds of an event receiver's key cache
 * (AUTH-VER-003): the set is used for `ttl` or its answer's shorter `Cache-Control: max-age`, but
 * at least {@link KEY_REFETCH_INTERVAL} and at most {@link KEY_SET_MAX_AGE} seconds (EVT-KEY-007);
 * it is fetched at most once per `refetchInterval`, whatever asks (EVT-KEY-006); and when no set
 * can be had now (the fetch failed, or may not be repeated yet) a `kid` fails with
 * {@link KeysUnavailable} (`ERR_FETCH_FAILED` with `retryAfter`), never as unresolved: a `kid`
 * resolves to `undefined` (`ERR_KEY_UNRESOLVED`) only when a set fetched after it was asked for
 * lacks it (EVT-KEY-008). Every key resolves with `source` set to the issuer.
 * @throws {TypeError} With `ttl` outside 10–3,600 or `refetchInterval` below 10.
 * @see {@link https://w3id.org/cta/spec/group-auth#AUTH-VER-003 Spec: AUTH-VER-003}
 * @internal
 */
export function authorityKeys(
  jwksUri: string,
  issuer: string,
  options: AuthorityKeysOptions,
): ResolveKey {
  const ttl = (options.ttl ?? 300) * 1000
  if (!(ttl >= KEY_REFETCH_INTERVAL * 1000 && ttl <= KEY_SET_MAX_AGE * 1000)) {
    throw new TypeError(
      `keysTtl must be between ${KEY_REFETCH_INTERVAL} and ${KEY_SET_MAX_AGE} seconds`,
    )
  }
  const refetch = (options.refetchInterval ?? KEY_REFETCH_INTERVAL) * 1000
  if (!(refetch >= KEY_REFETCH_INTERVAL * 1000)) {
    throw new TypeError(`refetchInterval must be at least ${KEY_REFETCH_INTERVAL} seconds`)
  }
  const now = options.now ?? Date.now
  let copy: Copy | undefined
  let lastFetch = -Infinity
  let pending: Promise<Copy> | undefined

  const load = async (): Promise<Copy> => {
    let maxAge = ttl
    const raw = await fetchJson(jwksUri, options, 64 * 1024, (headers) => {
      maxAge = Math.min(maxAge, keySetMaxAge(headers.get('cache-control')) * 1000)
    }).catch((err: unknown) => {
      if (!isProtocolError(err) || err.code !== 'ERR_FETCH_FAILED') throw err
      // Transient: the caller retries when the set may be fetched again (EVT-KEY-008).
      throw new KeysUnavailable(err.message, (lastFetch + refetch - now()) / 1000, { cause: err })
    })
    copy = { keys: parseKeys(raw), expiresAt: now() + Math.max(refetch, maxAge) }
    return copy
  }

  /** The set fetched now, or the fetch under way; {@link KeysUnavailable} within the interval. */
  const fetchNow = (): Promise<Copy> => {
    if (pending !== undefined) return pending
    const wait = lastFetch + refetch - now()
    if (wait > 0) {
      return Promise.reject(
        new KeysUnavailable(`the keys of ${issuer} were fetched moments ago`, wait / 1000),
      )
    }
    lastFetch = now()
    pending = load().finally(() => {
      pending = undefined
    })
    return pending
  }

  return async (kid) => {
    let fresh = false
    let keys: Map<string, PublicJwk>
    if (copy !== undefined && now() < copy.expiresAt && pending === undefined) keys = copy.keys
    else {
      keys = (await fetchNow()).keys
      fresh = true
    }
    let key = keys.get(kid)
    // Unknown in a copy fetched before this kid was asked for: only a new fetch can say it is
    // not published; until one is allowed, the answer is "retry", never "unresolved".
    if (key === undefined && !fresh) key = (await fetchNow()).keys.get(kid)
    return key === undefined ? undefined : { key, alg: key.alg, source: issuer }
  }
}
