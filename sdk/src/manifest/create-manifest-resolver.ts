import { ProtocolError, isProtocolError, type AnyProtocolError } from '../errors.js'
import { fetchJson, outboundFetch, type OutboundPolicy } from '../http/guarded-fetch.js'
import { isUsablePublicJwk } from '../keys/is-usable-public-jwk.js'
import { KEY_REFETCH_INTERVAL, KEY_SET_MAX_AGE, keySetMaxAge } from '../keys/key-cache-bounds.js'
import { KeysUnavailable } from '../keys/keys-unavailable.js'
import type { ResolveKey, ResolvedKey } from '../keys/resolve-key.js'
import type { PublicJwk } from '../keys/signing-key.js'
import type { ToolManifest } from '../schemas/index.js'
import { validateDocument } from '../validate/validate-document.js'
import { TOOL_MANIFEST_PATH } from './create-tool-manifest.js'

/** Options of {@link createManifestResolver}. */
export interface ManifestResolverOptions extends OutboundPolicy {
  /**
   * The tool origins whose keys may be fetched (the tools installed in your groups), as a list or
   * as a check, which may be asynchronous (ask your installations); a `kid` naming any other
   * origin resolves to no key without a request. Required unless `allowAnySource` is `true`.
   */
  readonly trustedSources?: readonly string[] | ((origin: string) => boolean | PromiseLike<boolean>)
  /**
   * Fetch the manifest of any origin a `kid` names, so that an unauthenticated request can make
   * this resolver fetch from any host. Only for tools that really accept events from tools they do
   * not know in advance. Default `false`.
   */
  readonly allowAnySource?: boolean
  /**
   * How long a failed fetch of a tool's manifest or keys is remembered, in seconds: within it, a
   * `kid` of that origin fails at once with the same code, without a request. Default 30; from 1
   * to 300.
   */
  readonly failureTtl?: number
  /**
   * The longest a manifest and its keys are used, in seconds; a shorter `Cache-Control: max-age`
   * of either answer shortens it, down to `refetchInterval` (EVT-KEY-007). Default 300; from 10
   * to 3,600.
   */
  readonly ttl?: number
  /** Most tools cached at once. Default 1,000. */
  readonly maxEntries?: number
  /**
   * Least time between two fetches of one tool's manifest and keys, whatever the reason (an
   * unknown `kid`, an expired copy, a failed fetch), in seconds (EVT-KEY-006). Default 10; at
   * least 10. Within it, a `kid` that needs a fetch fails with `ERR_FETCH_FAILED` and a
   * `retryAfter` (answered `503`), never as unresolved.
   */
  readonly refetchInterval?: number
  /** Largest manifest or JWKS accepted, in bytes. Default 64 KiB. */
  readonly maxResponseBytes?: number
  /** "Now" in milliseconds, for tests. */
  readonly now?: () => number
}

/** Finds tools' manifests and keys, with caching. */
export interface ManifestResolver {
  /** Resolves a `kid` of the form `<tool origin>#<key id>` to the key its tool publishes. */
  readonly resolveKey: ResolveKey
  /**
   * The validated manifest of a tool, by origin: the origin you name is fetched (with the same
   * guards, cache and remembered failures), whether or not it is in `trustedSources`.
   */
  manifest(origin: string): Promise<ToolManifest>
}

interface Failure {
  error: AnyProtocolError
  until: number
}

interface Entry {
  manifest: ToolManifest
  keys: Map<string, PublicJwk>
  fetchedAt: number
  /** When it may no longer be used (EVT-KEY-007). */
  expiresAt: number
}

/** An entry, and whether it was fetched while the caller waited (after its event arrived). */
interface Got {
  entry: Entry
  fresh: boolean
}

function originOfUrl(url: string): string | undefined {
  try {
    return new URL(url).origin
  } catch {
    return undefined
  }
}

function parseJwks(value: unknown): Map<string, PublicJwk> {
  const keys = (value as { keys?: unknown } | null)?.keys
  if (!Array.isArray(keys) || keys.length > 32) {
    throw new ProtocolError('ERR_MANIFEST_INVALID', 'a JWKS has a "keys" array of at most 32 keys')
  }
  const out = new Map<string, PublicJwk>()
  for (const key of keys as Record<string, unknown>[]) {
    // A kid, an allowed alg fitting kty and crv, use absent or sig, no private material, and a
    // canonical point not of small order (EVT-KEY-002, EVT-KEY-005); other keys are skipped.
    if (isUsablePublicJwk(key)) out.set(key['kid'] as string, key as unknown as PublicJwk)
  }
  return out
}

/**
 * Creates a resolver that finds a tool's keys through its manifest: for a `kid` such as
 * `https://decisions.example#abc`, it fetches `https://decisions.example/.well-known/cta-tool`,
 * checks that the manifest's `id` is that origin, fetches its `jwks_uri` (on the same origin), and
 * returns the key with that `kid` (only EdDSA/Ed25519 and ES256/P-256 public keys). Only origins in
 * `trustedSources` are fetched (or any, with `allowAnySource: true`). Manifests and keys are cached
 * for `ttl` or the answers' shorter `Cache-Control: max-age` (at least `refetchInterval`), and
 * never used after that (EVT-KEY-007); one origin is fetched at most once per `refetchInterval`
 * (EVT-KEY-006); a failed fetch is remembered for `failureTtl`. A `kid` resolves to `undefined`
 * (`ERR_KEY_UNRESOLVED`) only when a key set fetched after it was asked for lacks it; when no
 * such set can be had now (the fetch failed, or may not be repeated yet) it fails with
 * {@link KeysUnavailable} (`ERR_FETCH_FAILED` with `retryAfter`, which an inbox answers `503` with
 * `Retry-After`), so that nobody can make a tool refuse a new key by sending a bogus `kid` first
 * (EVT-KEY-008). Every URL is guarded: `https:` only, no redirects, a timeout, a size cap, and no
 * loopback, private or link-local addresses unless allowed.
 *
 * @param options Trust, caching and network options.
 * @returns The resolver; pass `resolver.resolveKey` to {@link verifyEvent} or {@link createInbox}.
 * @throws {TypeError} Without `trustedSources` or `allowAnySource: true`; without `fetch` unless
 *   `allowPrivateNetwork` is `true`; with `failureTtl` outside 1–300, `ttl` outside 10–3,600, or
 *   `refetchInterval` below 10.
 * @throws {ProtocolError} From `resolveKey` and `manifest`: `ERR_FETCH_FAILED`,
 *   `ERR_ADDRESS_NOT_ALLOWED`, `ERR_TOO_LARGE`, `ERR_MANIFEST_INVALID`.
 * @example
 * ```ts
 * import { createManifestResolver, verifyEvent } from '@cta-interop/sdk'
 * import { createSafeFetch } from '@cta-interop/sdk/node'
 * const resolver = createManifestResolver({
 *   trustedSources: ['https://decisions.example', 'https://budgeting.example'],
 *   fetch: createSafeFetch(),
 * })
 * const { event } = await verifyEvent(jws, { resolveKey: resolver.resolveKey })
 * ```
 * @see {@link https://w3id.org/cta/spec/security#SEC-SSRF-004 Spec: SEC-SSRF-004}
 * @see {@link https://w3id.org/cta/spec/events#EVT-KEY-008 Spec: EVT-KEY-008}
 */
export function createManifestResolver(options: ManifestResolverOptions): ManifestResolver {
  outboundFetch(options) // throws TypeError now rather than at the first event
  const { trustedSources } = options
  if (trustedSources === undefined && options.allowAnySource !== true) {
    throw new TypeError(
      'pass `trustedSources` (the origins of the tools you accept events from), or `allowAnySource: true`',
    )
  }
  const failureTtl = (options.failureTtl ?? 30) * 1000
  if (!(failureTtl >= 1000 && failureTtl <= 300_000)) {
    throw new TypeError('failureTtl must be between 1 and 300 seconds')
  }
  const ttl = (options.ttl ?? 300) * 1000
  if (!(ttl >= KEY_REFETCH_INTERVAL * 1000 && ttl <= KEY_SET_MAX_AGE * 1000)) {
    throw new TypeError(
      `ttl must be between ${KEY_REFETCH_INTERVAL} and ${KEY_SET_MAX_AGE} seconds`,
    )
  }
  const refetch = (options.refetchInterval ?? KEY_REFETCH_INTERVAL) * 1000
  if (!(refetch >= KEY_REFETCH_INTERVAL * 1000)) {
    throw new TypeError(`refetchInterval must be at least ${KEY_REFETCH_INTERVAL} seconds`)
  }
  const maxEntries = options.maxEntries ?? 1000
  const maxBytes = options.maxResponseBytes ?? 64 * 1024
  const now = options.now ?? Date.now
  const listed = new Set(typeof trustedSources === 'function' ? [] : trustedSources)
  const trusted =
    typeof trustedSources === 'function'
      ? trustedSources
      : (origin: string): boolean => trustedSources === undefined || listed.has(origin)
  const cache = new Map<string, Entry>()
  const failures = new Map<string, Failure>()
  const inflight = new Map<string, Promise<Entry>>()
  /** When each origin was last fetched (EVT-KEY-006). */
  const lastFetch = new Map<string, number>()

  function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
    map.delete(key)
    map.set(key, value)
    while (map.size > maxEntries) {
      const oldest = map.keys().next().value
      if (oldest === undefined) break
      map.delete(oldest)
    }
  }

  async function load(origin: string): Promise<Entry> {
    // The shorter max-age of the two answers bounds the copy (EVT-KEY-007).
    let maxAge = ttl
    const bound = (headers: Headers): void => {
      maxAge = Math.min(
        maxAge,
        Math.max(refetch, keySetMaxAge(headers.get('cache-control')) * 1000),
      )
    }
    const raw = await fetchJson(`${origin}${TOOL_MANIFEST_PATH}`, options, maxBytes, bound)
    const result = validateDocument(raw, { kind: 'ToolManifest' })
    if (!result.valid)
      throw new ProtocolError('ERR_MANIFEST_INVALID', 'the tool manifest is invalid')
    if (result.document.id !== origin) {
      throw new ProtocolError('ERR_MANIFEST_INVALID', 'the manifest id is not the tool origin')
    }
    if (originOfUrl(result.document.jwks_uri) !== origin) {
      throw new ProtocolError('ERR_MANIFEST_INVALID', 'the jwks_uri is not on the tool origin')
    }
    const keys = parseJwks(await fetchJson(result.document.jwks_uri, options, maxBytes, bound))
    const fetchedAt = now()
    const entry = { manifest: result.document, keys, fetchedAt, expiresAt: fetchedAt + maxAge }
    remember(cache, origin, entry)
    failures.delete(origin)
    return entry
  }

  function loadRemembering(origin: string): Promise<Entry> {
    return load(origin).catch((err: unknown) => {
      if (!isProtocolError(err)) throw err
      remember(failures, origin, { error: err, until: now() + failureTtl })
      if (err.code !== 'ERR_FETCH_FAILED') throw err
      // Transient: the sender retries when this origin may be fetched again (EVT-KEY-008).
      throw new KeysUnavailable(err.message, Math.max(failureTtl, refetch) / 1000, { cause: err })
    })
  }

  /**
   * The origin's manifest and keys: the cached copy while it may be used (unless `force`), the
   * fetch under way, or a new fetch when one is allowed.
   * @throws {KeysUnavailable} When a fetch failed recently or may not be repeated yet.
   */
  async function get(origin: string, force = false): Promise<Got> {
    const cached = cache.get(origin)
    if (cached !== undefined && !force && now() < cached.expiresAt) {
      return { entry: cached, fresh: false }
    }
    let pending = inflight.get(origin)
    if (pending === undefined) {
      const failed = failures.get(origin)
      if (failed !== undefined) {
        if (now() < failed.until) {
          const message = `${failed.error.message} (remembered failure)`
          throw failed.error.code === 'ERR_FETCH_FAILED'
            ? new KeysUnavailable(message, (failed.until - now()) / 1000)
            : new ProtocolError(failed.error.code, message)
        }
        failures.delete(origin)
      }
      // At most one fetch per origin per interval, whatever asks for it (EVT-KEY-006).
      const wait = (lastFetch.get(origin) ?? -Infinity) + refetch - now()
      if (wait > 0) {
        throw new KeysUnavailable(`the keys of ${origin} were fetched moments ago`, wait / 1000)
      }
      remember(lastFetch, origin, now())
      pending = loadRemembering(origin).finally(() => inflight.delete(origin))
      inflight.set(origin, pending)
    }
    return { entry: await pending, fresh: true }
  }

  function originOf(kid: string): string | undefined {
    const hash = kid.indexOf('#')
    if (hash < 0) return undefined
    let url: URL
    try {
      url = new URL(kid)
    } catch {
      return undefined
    }
    const origin = url.origin
    if (origin === 'null' || kid.slice(0, hash) !== origin) return undefined
    return origin
  }

  const resolveKey: ResolveKey = async (kid): Promise<ResolvedKey | undefined> => {
    const origin = originOf(kid)
    if (origin === undefined || !(await trusted(origin))) return undefined
    const got = await get(origin)
    let key = got.entry.keys.get(kid)
    // Unknown in a copy fetched before this kid was asked for: only a new fetch can say it is not
    // published; until one is allowed, the answer is "retry", never "unresolved" (EVT-KEY-008).
    if (key === undefined && !got.fresh) key = (await get(origin, true)).entry.keys.get(kid)
    return key === undefined ? undefined : { key, alg: key.alg, source: origin }
  }

  return {
    resolveKey,
    async manifest(origin) {
      return (await get(new URL(origin).origin)).entry.manifest
    },
  }
}
