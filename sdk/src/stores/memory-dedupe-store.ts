import type { DedupeStore } from '../events/verify-event.js'

/** Options of {@link createMemoryDedupeStore}. */
export interface MemoryDedupeStoreOptions {
  /** Most keys kept; the soonest to expire are dropped first when full. Default 1,000,000. */
  readonly maxEntries?: number
  /** "Now", for tests. */
  readonly now?: () => number
}

/**
 * A dedupe store in memory: for tests and single-process tools that can afford to forget on
 * restart. Use the PGlite or PostgreSQL store where restarts must not reopen the replay window.
 *
 * @param options `maxEntries` and a clock.
 * @returns A {@link DedupeStore}.
 * @example
 * ```ts
 * const dedupe = createMemoryDedupeStore()
 * await verifyEvent(jws, { resolveKey, dedupe })
 * ```
 * @see {@link https://w3id.org/cta/spec/delivery#dedupe Spec: deduplication}
 */
export function createMemoryDedupeStore(options: MemoryDedupeStoreOptions = {}): DedupeStore {
  const maxEntries = options.maxEntries ?? 1_000_000
  const now = options.now ?? Date.now
  const entries = new Map<string, number>()
  const keyOf = (source: string, id: string): string => `${source}\u0000${id}`
  const sweep = (): void => {
    const t = now()
    for (const [key, expires] of entries) if (expires <= t) entries.delete(key)
    // Still full: drop the oldest insertions (Map keeps insertion order).
    for (const key of entries.keys()) {
      if (entries.size < maxEntries) break
      entries.delete(key)
    }
  }
  return {
    claim(source, id, expiresAt) {
      const key = keyOf(source, id)
      const expires = entries.get(key)
      if (expires !== undefined && expires > now()) return Promise.resolve(false)
      if (entries.size >= maxEntries) sweep()
      entries.set(key, expiresAt.getTime())
      return Promise.resolve(true)
    },
    release(source, id) {
      entries.delete(keyOf(source, id))
      return Promise.resolve()
    },
  }
}
