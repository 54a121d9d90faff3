import type { DedupeStore } from '../events/verify-event.js'

/** The key an inbox remembers an event by: its `source` and `id`. */
export interface InboxKey {
  readonly source: string
  readonly id: string
}

/**
 * What {@link InboxStore.receive} did with one event:
 * - `processed`: the effect ran and is recorded with the key; `value` is what it returned;
 * - `duplicate`: the key was recorded before (and has not expired): the effect did not run;
 * - `in-progress`: another call for the same key has not finished yet: the effect did not run,
 *   and the caller should try again after `retryAfter` seconds (an inbox answers `503` with
 *   `Retry-After`), never report the event as done.
 */
export type InboxReceipt<T> =
  | { readonly status: 'processed'; readonly value: T }
  | { readonly status: 'duplicate' }
  | { readonly status: 'in-progress'; readonly retryAfter: number }

/**
 * Processes each event at most once per key, and records the key only when processing
 * succeeded: the store behind an inbox's exactly-once (or at-least-once) guarantee.
 *
 * - The SQL stores' `inbox` (`createPgliteDeliveryStore`, `createPostgresDeliveryStore` in
 *   `@cta-interop/sdk/node`) run the claim and the effect in ONE database transaction and hand
 *   it to the effect as `transaction` (`Tx` is `SqlTransaction`): what the effect writes through
 *   it commits with the key, or neither does. A crash before the commit rolls both back, so the
 *   sender's retry is processed again: exactly once, for effects written through `transaction`.
 *   A copy arriving while the first is in flight waits for its outcome.
 * - Stores without transactions (`createMemoryDedupeStore()`, and a SQL store's `dedupe`) claim
 *   in two phases: `processing` with a lease, `done` only after the effect resolved. `Tx` is
 *   `undefined`. A crash mid-effect leaves the lease to run out; the retry is then processed again
 *   (at least once). The memory store forgets everything on restart.
 *
 * @typeParam Tx What the effect receives: the store's transaction, or `undefined`.
 * @see {@link https://w3id.org/cta/spec/delivery#crash-guarantees Spec: what a receiver's store guarantees across a crash}
 */
export interface InboxStore<Tx = undefined> {
  /**
   * Runs `effect` for `key` unless the key is recorded and unexpired (`duplicate`) or another call
   * for it is still running (`in-progress`). On success the key is recorded until `expiresAt`;
   * when `effect` throws, nothing is recorded (a transaction is rolled back) and the error is
   * rethrown, so that a retry runs it again.
   */
  receive<T>(
    key: InboxKey,
    expiresAt: Date,
    effect: (transaction: Tx) => Promise<T> | T,
  ): Promise<InboxReceipt<T>>
}

/** A dedupe store that is also an inbox store without transactions (two-phase claims). */
export type TwoPhaseDedupeStore = DedupeStore & InboxStore

/** Default lease of a two-phase claim: how long an unfinished effect blocks retries, in seconds. */
export const DEFAULT_PROCESSING_LEASE = 60

/** Longest `Retry-After` given to a copy that arrives while the first is processed, in seconds. */
export const MAX_IN_PROGRESS_RETRY_AFTER = 30

/** Seconds until `until`, for `Retry-After`: at least 1, at most {@link MAX_IN_PROGRESS_RETRY_AFTER}. @internal */
export function retryAfterUntil(until: number, now: number): number {
  return Math.min(MAX_IN_PROGRESS_RETRY_AFTER, Math.max(1, Math.ceil((until - now) / 1000)))
}

/**
 * An {@link InboxStore} over any {@link DedupeStore}. A store that implements `receive` itself
 * (the SDK's memory store and a SQL store's `dedupe`: two-phase claims) is used as it is. Any other
 * dedupe store gets a one-phase claim: claimed before the effect, released if the effect throws.
 * Such a claim survives a crash mid-effect and turns the retry into a duplicate, so the event is
 * lost: implement `receive`, or use a SQL store's `inbox`.
 *
 * @param dedupe A dedupe store.
 * @returns An inbox store without transactions.
 * @example
 * ```ts
 * const inbox = toInboxStore(createMemoryDedupeStore())
 * declare const expiresAt: Date // how long to remember the event
 * await inbox.receive({ source: event.source, id: event.id }, expiresAt, () => notifications.add(event))
 * ```
 * @see {@link https://w3id.org/cta/spec/delivery#crash-guarantees Spec: what a receiver's store guarantees across a crash}
 */
export function toInboxStore(dedupe: DedupeStore): InboxStore {
  if (typeof (dedupe as Partial<TwoPhaseDedupeStore>).receive === 'function') {
    return dedupe as TwoPhaseDedupeStore
  }
  return {
    async receive(key, expiresAt, effect) {
      if (!(await dedupe.claim(key.source, key.id, expiresAt))) return { status: 'duplicate' }
      try {
        return { status: 'processed', value: await effect(undefined) }
      } catch (err) {
        await dedupe.release(key.source, key.id)
        throw err
      }
    },
  }
}
