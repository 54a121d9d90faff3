import { EVENT_WINDOW } from '../events/constants.js'

/** The `typ` of a subscription request: a compact JWS whose payload is the request. */
export const SUBSCRIPTION_JWS_TYP = 'cta-subscription+jws'
/** The `typ` of a request token, which authenticates a tool's `GET` and `DELETE` requests. */
export const REQUEST_JWS_TYP = 'cta-request+jws'
/** The HTTP authentication scheme that carries a request token: `Authorization: CTA-JWS <token>`. */
export const REQUEST_AUTH_SCHEME = 'CTA-JWS'
/** How long a subscription request or request token is accepted after its `iat`, in seconds. */
export const DEFAULT_REQUEST_MAX_AGE = 300
/** Time allowed for one delivery attempt, from connecting to the end of the answer, in ms. */
export const DEFAULT_DELIVERY_TIMEOUT = 15_000
/** Most bytes of a sink's answer that are read and kept with the delivery. */
export const MAX_ANSWER_BYTES = 16 * 1024
/**
 * How long every attempt to deliver to a subscription may fail before the producer ends it, in
 * seconds: 5 days, as Standard Webhooks' practice disables an endpoint after 5 days of failures.
 * @see {@link https://w3id.org/cta/spec/delivery#DLV-SUB-012 Spec: DLV-SUB-012}
 */
export const SUBSCRIPTION_FAILURE_PERIOD = 5 * 24 * 60 * 60

/**
 * The longest a subscription lives, in seconds: 90 days after it was created. A subscriber renews
 * by subscribing again.
 * @see {@link https://w3id.org/cta/spec/delivery#DLV-SUB-010 Spec: DLV-SUB-010}
 */
export const MAX_SUBSCRIPTION_LIFETIME = 90 * 24 * 60 * 60

/** Default and largest number of events in one page of a feed. */
export const FEED_PAGE_LIMITS: Readonly<{ default: number; max: number }> = Object.freeze({
  default: 100,
  max: 1000,
})

/**
 * When a failed delivery is tried again. Delay `n` (after the `n`th failed attempt) is
 * `min(initialDelay × multiplier^(n−1), maxDelay)` seconds, moved at random by up to ±`jitter`
 * of itself; a `Retry-After` answer to `429` or `503` replaces it, bounded by `maxRetryAfter`.
 * A delivery is dead-lettered after `maxAttempts` attempts, or when the next attempt would fall
 * more than `horizon` seconds after the event's `time`; one whose event is already older than
 * that is dead-lettered without an attempt.
 * @see {@link https://w3id.org/cta/spec/delivery#DLV-WIN-001 Spec: DLV-WIN-001}
 */
export interface RetryPolicy {
  /** Seconds before the first retry. */
  readonly initialDelay: number
  /** Growth of the delay from one retry to the next. */
  readonly multiplier: number
  /** Longest delay between two attempts, in seconds. */
  readonly maxDelay: number
  /** Largest random change of each delay, as a fraction of it (0.1 = ±10%). */
  readonly jitter: number
  /** Most attempts, the first included. */
  readonly maxAttempts: number
  /**
   * No attempt is made later than this many seconds after the event's `time`. At most the
   * 72-hour {@link EVENT_WINDOW} (DLV-WIN-001); a shorter one gives up earlier.
   */
  readonly horizon: number
  /** Longest `Retry-After` honoured, in seconds; longer values are cut to it. */
  readonly maxRetryAfter: number
}

/**
 * The default retry schedule: after the first attempt, retries wait 30 s, then 1, 2, 4, 8, 16 and
 * 32 min, 1 h 4 min, 2 h 8 min and 4 h 16 min, then 8 h each time, every delay ±10% at random.
 * Without jitter the 17 retries fall 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 and 63.5 minutes, 2.1, 4.3
 * and 8.5 hours, then 16.5, 24.5, 32.5, 40.5, 48.5, 56.5 and 64.5 hours after the first attempt;
 * a delivery that still fails is dead-lettered. With jitter the last retry falls between 58 and
 * 71 hours after the first attempt. `horizon`, the 72-hour {@link EVENT_WINDOW} counted from the
 * event's `time`, bounds every attempt, also those of an event queued late and of schedules
 * stretched by `Retry-After`: receivers accept the event until then, plus the clock skew.
 * @see {@link https://w3id.org/cta/spec/delivery#retries Spec: retries}
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  initialDelay: 30,
  multiplier: 2,
  maxDelay: 8 * 60 * 60,
  jitter: 0.1,
  maxAttempts: 18,
  horizon: EVENT_WINDOW,
  maxRetryAfter: 8 * 60 * 60,
})
