import { ProtocolError } from '../errors.js'
import { fetchJson, type OutboundPolicy } from '../http/guarded-fetch.js'
import { isAllowedAlgorithm } from '../keys/algorithms.js'
import type { ResolveKey, ResolvedKey } from '../keys/resolve-key.js'
import type { PublicJwk } from '../keys/signing-key.js'
import type { ToolManifest } from '../schemas/index.js'
import { validateDocument } from '../validate/validate-document.js'
import { TOOL_MANIFEST_PATH } from './create-tool-manifest.js'

/** Options of {@link createManifestResolver}. */
export interface ManifestResolverOptions extends OutboundPolicy {
  /** Only these tool origins are trusted; others resolve to no key. Default: any origin. */
  readonly trustedSources?: readonly string[]
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
  /** The validated manifest of a tool, by origin. */
  manifest(origin: string): Promise<ToolManifest>
}

interface Entry {
  manifest: ToolManifest
  keys: Map<string, PublicJwk>
  fetchedAt: number
}

function parseJwks(value: unknown): Map<string, PublicJwk> {
  const keys = (value as { keys?: unknown } | null)?.keys
  if (!Array.isArray(keys) || keys.length > 32) {
    throw new ProtocolError('ERR_MANIFEST_INVALID', 'a JWKS has a "keys" array of at most 32 keys')
  }
  const out = new Map<string, PublicJwk>()
  for (const key of keys as Record<string, unknown>[]) {
    if (typeof key !== 'object' || 'd' in key) continue // never accept private material
    const { kid, alg, use, kty, crv } = key
    const fits =
      (alg === 'EdDSA' && kty === 'OKP' && crv === 'Ed25519') ||
      (alg === 'ES256' && kty === 'EC' && crv === 'P-256')
    if (
      typeof kid === 'string' &&
      isAllowedAlgorithm(alg) &&
      (use === undefined || use === 'sig') &&
      fits
    ) {
      out.set(kid, key as unknown as PublicJwk)
    }
  }
  return out
}

/**
 * Creates a resolver that finds a tool's keys through its manifest: for a `kid` such as
 * `https://decisions.example#abc`, it fetches `https://decisions.example/.well-known/cta-tool`,
 * checks that the manifest's `id` is that origin, fetches its `jwks_uri`, and returns the key with
 * that `kid` (only EdDSA/Ed25519 and ES256/P-256 public keys). Manifests and keys are cached for
 * `ttl`; an unknown `kid` refetches the keys at most once per `refetchInterval`. Every URL is
 * guarded: `https:` only, no redirects, a timeout, a size cap, and no loopback, private or
 * link-local addresses unless allowed.
 *
 * @param options Caching, trust and network options.
 * @returns The resolver; pass `resolver.resolveKey` to {@link verifyEvent} or {@link createInbox}.
 * @throws {ProtocolError} From `resolveKey` and `manifest`: `ERR_FETCH_FAILED`,
 *   `ERR_ADDRESS_NOT_ALLOWED`, `ERR_TOO_LARGE`, `ERR_MANIFEST_INVALID`.
 * @example
 * ```ts
 * import { createSafeFetch } from '@cta-interop/sdk/node'
 * const resolver = createManifestResolver({ fetch: createSafeFetch() })
 * const { event } = await verifyEvent(jws, { resolveKey: resolver.resolveKey })
 * ```
 * @see {@link https://w3id.org/cta/spec/events#key-discovery Spec: key discovery}
 */
export function createManifestResolver(options: ManifestResolverOptions = {}): ManifestResolver {
  const ttl = (options.ttl ?? 300) * 1000
  const refetch = (options.refetchInterval ?? 60) * 1000
  const maxEntries = options.maxEntries ?? 1000
  const maxBytes = options.maxResponseBytes ?? 64 * 1024
  const now = options.now ?? Date.now
  const trusted = options.trustedSources === undefined ? undefined : new Set(options.trustedSources)
  const cache = new Map<string, Entry>()
  const inflight = new Map<string, Promise<Entry>>()

  async function load(origin: string): Promise<Entry> {
    const raw = await fetchJson(`${origin}${TOOL_MANIFEST_PATH}`, options, maxBytes)
    const result = validateDocument(raw, { kind: 'ToolManifest' })
    if (!result.valid)
      throw new ProtocolError('ERR_MANIFEST_INVALID', 'the tool manifest is invalid')
    if (result.document.id !== origin) {
      throw new ProtocolError('ERR_MANIFEST_INVALID', 'the manifest id is not the tool origin')
    }
    const keys = parseJwks(await fetchJson(result.document.jwks_uri, options, maxBytes))
    const entry = { manifest: result.document, keys, fetchedAt: now() }
    cache.delete(origin)
    cache.set(origin, entry)
    while (cache.size > maxEntries) {
      const oldest = cache.keys().next().value
      if (oldest === undefined) break
      cache.delete(oldest)
    }
    return entry
  }

  function get(origin: string, force = false): Promise<Entry> {
    const cached = cache.get(origin)
    if (cached !== undefined && !force && now() - cached.fetchedAt < ttl)
      return Promise.resolve(cached)
    let pending = inflight.get(origin)
    if (pending === undefined) {
      pending = load(origin).finally(() => inflight.delete(origin))
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
    return trusted === undefined || trusted.has(origin) ? origin : undefined
  }

  const resolveKey: ResolveKey = async (kid): Promise<ResolvedKey | undefined> => {
    const origin = originOf(kid)
    if (origin === undefined) return undefined
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
