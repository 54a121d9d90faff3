import { ProtocolError } from '../errors.js'

/**
 * A sender's manifest or keys cannot be had now (the fetch failed, timed out, or may not be
 * repeated yet): `ERR_FETCH_FAILED`, answered `503` with `Retry-After: retryAfter`, so that the
 * sender retries instead of dropping the event.
 * @see {@link https://w3id.org/cta/spec/events#EVT-KEY-008 Spec: EVT-KEY-008}
 */
export class KeysUnavailable extends ProtocolError {
  override name = 'KeysUnavailable'
  /** When to try again, in whole seconds (at least 1). */
  readonly retryAfter: number
  /**
   * @param message What went wrong, for people.
   * @param retryAfter When to try again, in seconds; rounded up, at least 1.
   * @param options `cause`: the underlying error, if any.
   */
  constructor(message: string, retryAfter: number, options?: { cause?: unknown }) {
    super('ERR_FETCH_FAILED', message, options)
    this.retryAfter = Math.max(1, Math.ceil(retryAfter))
  }
}

/**
 * The `Retry-After` to answer with an `ERR_FETCH_FAILED` error: its own when it has one
 * ({@link KeysUnavailable}), otherwise `fallback`.
 * @internal
 */
export function retryAfterOf(err: unknown, fallback: number): number {
  const value = (err as { retryAfter?: unknown } | null)?.retryAfter
  return typeof value === 'number' && value >= 1 ? Math.ceil(value) : fallback
}
