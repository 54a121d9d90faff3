import {
  DEFAULT_PROCESSING_LEASE,
  retryAfterUntil,
  type TwoPhaseDedupeStore,
} from './inbox-store.js'

/** Options of {@link createMemoryDedupeStore}. */
export interface MemoryDedupeStoreOptions {
  /** Most keys kept; the soonest to expire are dropped first when full. Default 1,000,000. */
  readonly maxEntries?: number
  /**
   * How long an event being processed blocks its copies, in seconds: a copy that arrives meanwhile
   * is answered "in progress" (`503` with `Retry-After`). Make it longer than processing can take:
   * after it a copy is processed again. Default 60.
   */
  readonly processingLease?: number
  /** "Now", for tests. */
  readonly now?: () => number
}

interface Entry {
  /** When the record (or, while `pending`, the lease) runs out, in ms since the epoch. */
  readonly expires: number
  /** `true` while the effect runs: the first phase of a two-phase claim. */
  readonly pending: boolean
}

const checkDate = (date: Date): void => {
  // An expiry that cannot be compared would never expire nor block a repeat (NaN > t is false).
  if (!Number.isFinite(date.getTime())) throw new TypeError('expiresAt is not a valid Date')
}

/**
 * A dedupe store in memory: for tests and single-process tools that can afford to forget on
 * restart. Use the PGlite or PostgreSQL store where restarts must not reopen the replay window.
 *
 * It is also an {@link InboxStore} with two-phase claims: `receive` marks the key "processing"
 * with a lease, runs the effect, and marks it "done" only when the effect resolved (forgetting it
 * when the effect throws); a copy arriving meanwhile is "in progress", never a duplicate. Across a
 * crash it guarantees at least once: everything is forgotten, so an event processed but not yet
 * acknowledged is processed again when the sender retries.
 *
 * @param options `maxEntries`, `processingLease` and a clock.
 * @returns A dedupe store that is also an inbox store (`Tx` is `undefined`).
 * @throws {TypeError} From `claim` and `receive`, when `expiresAt` is not a valid date.
 * @example
 * ```ts
 * const dedupe = createMemoryDedupeStore()
 * const inbox = createInbox({
 *   resolveKey, dedupe, speaksFor: installations.speaksFor, onEvent: (event) => notifications.add(event),
 * })
 * ```
 * @see {@link https://w3id.org/cta/spec/delivery#crash-guarantees Spec: what each store guarantees across a crash}
 */
export function createMemoryDedupeStore(
  options: MemoryDedupeStoreOptions = {},
): TwoPhaseDedupeStore {
  const maxEntries = options.maxEntries ?? 1_000_000
  const leaseMs = (options.processingLease ?? DEFAULT_PROCESSING_LEASE) * 1000
  if (!(leaseMs > 0)) throw new TypeError('processingLease must be a positive number of seconds')
  const now = options.now ?? Date.now
  const entries = new Map<string, Entry>()
  const keyOf = (source: string, id: string): string => `${source}\u0000${id}`
  const sweep = (): void => {
    const t = now()
    for (const [key, entry] of entries) if (entry.expires <= t) entries.delete(key)
    // Still full: drop the oldest insertions (Map keeps insertion order).
    for (const key of entries.keys()) {
      if (entries.size < maxEntries) break
      entries.delete(key)
    }
  }
  const put = (key: string, entry: Entry): void => {
    entries.delete(key)
    if (entries.size >= maxEntries) sweep()
    entries.set(key, entry)
  }
  return {
    claim(source, id, expiresAt) {
      checkDate(expiresAt)
      const key = keyOf(source, id)
      const entry = entries.get(key)
      if (entry !== undefined && entry.expires > now()) return Promise.resolve(false)
      put(key, { expires: expiresAt.getTime(), pending: false })
      return Promise.resolve(true)
    },
    release(source, id) {
      entries.delete(keyOf(source, id))
      return Promise.resolve()
    },
    async receive(k, expiresAt, effect) {
      checkDate(expiresAt)
      const key = keyOf(k.source, k.id)
      const t = now()
      const entry = entries.get(key)
      if (entry !== undefined && entry.expires > t) {
        return entry.pending
          ? { status: 'in-progress', retryAfter: retryAfterUntil(entry.expires, t) }
          : { status: 'duplicate' }
      }
      const mine: Entry = { expires: t + leaseMs, pending: true }
      put(key, mine)
      let value
      try {
        value = await effect(undefined)
      } catch (err) {
        if (entries.get(key) === mine) entries.delete(key)
        throw err
      }
      put(key, { expires: expiresAt.getTime(), pending: false })
      return { status: 'processed', value }
    },
  }
}
