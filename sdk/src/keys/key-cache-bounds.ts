/**
 * The longest a receiver may verify with a manifest or key set it fetched, in seconds: one hour, or
 * less when the answer's `Cache-Control: max-age` says so, but never less than
 * {@link KEY_REFETCH_INTERVAL}. A key its tool removes stops verifying within this time.
 * @see {@link https://w3id.org/cta/spec/events#EVT-KEY-007 Spec: EVT-KEY-007}
 */
export const KEY_SET_MAX_AGE = 3600

/**
 * The least time between two fetches of one origin's manifest and key set, in seconds, whatever
 * the reason (an unknown `kid`, an expired copy, a failed fetch).
 * @see {@link https://w3id.org/cta/spec/events#EVT-KEY-006 Spec: EVT-KEY-006}
 */
export const KEY_REFETCH_INTERVAL = 10

/**
 * How long a fetched manifest or key set may be used, in seconds, from its answer's
 * `Cache-Control`: its `max-age` (`no-store` and `no-cache` count as 0), within
 * {@link KEY_REFETCH_INTERVAL} and {@link KEY_SET_MAX_AGE}; {@link KEY_SET_MAX_AGE} without one.
 *
 * @param cacheControl The `Cache-Control` header of the answer, or `null`.
 * @returns The age in seconds.
 * @example
 * ```ts
 * keySetMaxAge('public, max-age=2') // 10
 * keySetMaxAge('max-age=600') // 600
 * keySetMaxAge(null) // 3600
 * ```
 * @see {@link https://w3id.org/cta/spec/events#EVT-KEY-007 Spec: EVT-KEY-007}
 */
export function keySetMaxAge(cacheControl: string | null): number {
  let age = KEY_SET_MAX_AGE
  for (const directive of (cacheControl ?? '').toLowerCase().split(',')) {
    const [name = '', value] = directive.trim().split('=', 2)
    if (name === 'no-store' || name === 'no-cache') age = 0
    else if (name === 'max-age' && value !== undefined) {
      const seconds = /^"?(\d{1,10})"?$/.exec(value.trim())?.[1]
      if (seconds !== undefined) age = Math.min(age, Number(seconds))
    }
  }
  return Math.min(KEY_SET_MAX_AGE, Math.max(KEY_REFETCH_INTERVAL, age))
}
