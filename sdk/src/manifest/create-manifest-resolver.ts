import { ProtocolError, isProtocolError, type AnyProtocolError } from '../errors.js'
import { fetchJson, outboundFetch, type OutboundPolicy } from '../http/guarded-fetch.js'
import { isUsablePublicJwk } from '../keys/is-usable-public-jwk.js'
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
  /** How long a manifest and its keys are cached, in seconds. Default 300. */
  readonly ttl?: number
  /** Most tools cached at once. Default 1,000. */
  readonly maxEntries?: number
  /** Least time between two fetches of one tool's keys for an unknown `kid`, in seconds. Default 60. */
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
 * for `ttl`; an unknown `kid` refetches the keys at most once per `refetchInterval`; a failed fetch
 * is remembered for `failureTtl`. Every URL is guarded: `https:` only, no redirects, a timeout, a
 * size cap, and no loopback, private or link-local addresses unless allowed.
 *
 * @param options Trust, caching and network options.
 * @returns The resolver; pass `resolver.resolveKey` to {@link verifyEvent} or {@link createInbox}.
 * @throws {TypeError} Without `trustedSources` or `allowAnySource: true`; without `fetch` unless
 *   `allowPrivateNetwork` is `true`; with `failureTtl` outside 1–300.
 * @throws {ProtocolError} From `resolveKey` and `manifest`: `ERR_FETCH_FAILED`,
 *   `ERR_ADDRESS_NOT_ALLOWED`, `ERR_TOO_LARGE`, `ERR_MANIFEST_INVALID`.
 * @example
 * ```ts
 * import { createSafeFetch } from '@cta-interop/sdk/node'
 * const resolver = createManifestResolver({
 *   trustedSources: ['https://decisions.example', 'https://budgeting.example'],
 *   fetch: createSafeFetch(),
 * })
 * const { event } = await verifyEvent(jws, { resolveKey: resolver.resolveKey })
 * ```
 * @see {@link https://w3id.org/cta/spec/security#SEC-SSRF-004 Spec: SEC-SSRF-004}
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
  const refetch = (options.refetchInterval ?? 60) * 1000
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
    const raw = await fetchJson(`${origin}${TOOL_MANIFEST_PATH}`, options, maxBytes)
    const result = validateDocument(raw, { kind: 'ToolManifest' })
    if (!result.valid)
      throw new ProtocolError('ERR_MANIFEST_INVALID', 'the tool manifest is invalid')
    if (result.document.id !== origin) {
      throw new ProtocolError('ERR_MANIFEST_INVALID', 'the manifest id is not the tool origin')
    }
    if (originOfUrl(result.document.jwks_uri) !== origin) {
      throw new ProtocolError('ERR_MANIFEST_INVALID', 'the jwks_uri is not on the tool origin')
    }
    const keys = parseJwks(await fetchJson(result.document.jwks_uri, options, maxBytes))
    const entry = { manifest: result.document, keys, fetchedAt: now() }
    remember(cache, origin, entry)
    failures.delete(origin)
    return entry
  }

  function loadRemembering(origin: string): Promise<Entry> {
    return load(origin).catch((err: unknown) => {
      if (isProtocolError(err)) {
        remember(failures, origin, { error: err, until: now() + failureTtl })
      }
      throw err
    })
  }

  function get(origin: string, force = false): Promise<Entry> {
    const cached = cache.get(origin)
    if (cached !== undefined && !force && now() - cached.fetchedAt < ttl)
      return Promise.resolve(cached)
    const failed = failures.get(origin)
    if (failed !== undefined) {
      if (now() < failed.until) {
        return Promise.reject(
          new ProtocolError(failed.error.code, `${failed.error.message} (remembered failure)`),
        )
      }
      failures.delete(origin)
    }
    let pending = inflight.get(origin)
    if (pending === undefined) {
      pending = loadRemembering(origin).finally(() => inflight.delete(origin))
      inflight.set(origin, pending)
    }
    return pending
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
    let entry = await get(origin)
    let key = entry.keys.get(kid)
    if (key === undefined && now() - entry.fetchedAt >= refetch) {
      entry = await get(origin, true)
      key = entry.keys.get(kid)
    }
    return key === undefined ? undefined : { key, alg: key.alg, source: origin }
  }

  return {
    resolveKey,
    async manifest(origin) {
      return (await get(new URL(origin).origin)).manifest
    },
  }
}
