import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './constants.js'

/** Options of {@link retryDelay}. */
export interface RetryDelayOptions {
  /** The schedule; missing members take their {@link DEFAULT_RETRY_POLICY} value. */
  readonly policy?: Partial<RetryPolicy>
  /** A random number in `[0, 1)`, for the jitter. Default `Math.random`. */
  readonly random?: () => number
}

/**
 * The delay before the next attempt after `attempts` failed ones, following the exponential
 * schedule of a {@link RetryPolicy} with its random jitter. It does not decide whether to retry at
 * all: the delivery worker also applies `maxAttempts`, `horizon` and `Retry-After`.
 *
 * @param attempts Attempts made so far (at least 1).
 * @param options The policy and a random source.
 * @returns The delay in seconds.
 * @throws {TypeError} When `attempts` is not a positive integer, or the policy is unusable.
 * @example
 * ```ts
 * retryDelay(1) // ≈ 30 (27 to 33)
 * retryDelay(12, { random: () => 0.5 }) // 28800: 8 hours, no jitter
 * ```
 * @see {@link https://w3id.org/cta/spec/delivery#retries Spec: retries}
 */
export function retryDelay(attempts: number, options: RetryDelayOptions = {}): number {
  if (!Number.isInteger(attempts) || attempts < 1) {
    throw new TypeError('attempts must be a positive integer')
  }
  const policy = { ...DEFAULT_RETRY_POLICY, ...options.policy }
  const { initialDelay, multiplier, maxDelay, jitter } = policy
  if (!(initialDelay > 0 && multiplier >= 1 && maxDelay >= initialDelay)) {
    throw new TypeError(
      'retry policy needs initialDelay > 0, multiplier >= 1, maxDelay >= initialDelay',
    )
  }
  if (!(jitter >= 0 && jitter < 1)) throw new TypeError('jitter must be in [0, 1)')
  const base = Math.min(initialDelay * multiplier ** (attempts - 1), maxDelay)
  const random = (options.random ?? Math.random)()
  return base * (1 + jitter * (2 * random - 1))
}
