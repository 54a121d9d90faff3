import { isProtocolError } from '../errors.js'
import { JOSE_MEDIA_TYPE } from '../events/create-inbox.js'
import { assertOutboundUrl, outboundFetch, type OutboundPolicy } from '../http/guarded-fetch.js'
import { DEFAULT_DELIVERY_TIMEOUT, MAX_ANSWER_BYTES } from './constants.js'
import { addressRefusal } from './internal/error-code.js'
import { parseRetryAfter } from './internal/parse-retry-after.js'
import { readPrefix } from './internal/read-prefix.js'

/** Options of {@link deliverEvent}: how the sink's URL is guarded, and the attempt's time limit. */
export interface DeliverEventOptions extends OutboundPolicy {
  /** "Now" in milliseconds, to read a `Retry-After` date. Default `Date.now`. */
  readonly now?: () => number
}

/**
 * The outcome of one delivery attempt:
 * - `delivered`: the sink answered 2xx (`202` accepted, `200` already had it);
 * - `retry`: worth trying again later: no answer (network error, timeout), `408`, `429`, `3xx`
 *   (redirects are never followed) or `5xx`;
 * - `gone`: `410`, the subscription must end;
 * - `failed`: permanent: any other `4xx`, or a sink address the guard refuses.
 */
export interface DeliveryAttempt {
  readonly outcome: 'delivered' | 'retry' | 'gone' | 'failed'
  /** The HTTP status, when the sink answered. */
  readonly status?: number
  /** Seconds the sink asked to wait, from `Retry-After` on a `429` or `503`. */
  readonly retryAfter?: number
  /** Why there was no usable answer: `ERR_FETCH_FAILED` or `ERR_ADDRESS_NOT_ALLOWED`. */
  readonly code?: 'ERR_FETCH_FAILED' | 'ERR_ADDRESS_NOT_ALLOWED'
  /** A human-readable explanation (not API). */
  readonly detail?: string
  /** The start of the answer's body (at most 16 KiB). */
  readonly body?: string
}

function classify(status: number): DeliveryAttempt['outcome'] {
  if (status >= 200 && status < 300) return 'delivered'
  if (status === 410) return 'gone'
  if (status === 408 || status === 429) return 'retry'
  if (status >= 400 && status < 500) return 'failed'
  return 'retry' // 3xx (not followed), 5xx, and anything unexpected
}

/**
 * Makes one delivery attempt: `POST`s a signed event to a subscriber's sink as
 * `application/jose`, and says what to do next. It refuses sinks the outbound policy forbids
 * (`https:` only and no loopback, private or link-local address, unless allowed; in Node pass
 * `createSafeFetch()` to check resolved addresses too), never follows a redirect, and gives up
 * after `timeout` (default 15 s) for the whole exchange; the connection itself is bounded by the
 * fetch (`createSafeFetch({ connectTimeout })`, 5 s by default). It reads at most 16 KiB of the
 * answer.
 * It never throws for what the network or the sink did: that is in the result.
 *
 * @param jws The signed event, as a compact JWS.
 * @param sink The subscriber's inbox URL.
 * @param options The outbound policy (`fetch`, `allowHttp`, `allowPrivateNetwork`, `timeout`).
 * @returns The attempt's outcome, with the status, `Retry-After` and the answer's start.
 * @throws {TypeError} When `jws` is not a non-empty string.
 * @example
 * ```ts
 * import { deliverEvent } from '@cta-interop/sdk'
 * import { createSafeFetch } from '@cta-interop/sdk/node'
 * declare function scheduleAgain(afterSeconds?: number): void
 * const attempt = await deliverEvent(jws, subscription.sink, { fetch: createSafeFetch() })
 * if (attempt.outcome === 'retry') scheduleAgain(attempt.retryAfter)
 * ```
 * @see {@link https://w3id.org/cta/spec/delivery#sending Spec: sending}
 */
export async function deliverEvent(
  jws: string,
  sink: string,
  options: DeliverEventOptions = {},
): Promise<DeliveryAttempt> {
  if (typeof jws !== 'string' || jws.length === 0) throw new TypeError('jws must be a string')
  try {
    assertOutboundUrl(sink, options)
  } catch (err) {
    if (!isProtocolError(err)) throw err
    return { outcome: 'failed', code: 'ERR_ADDRESS_NOT_ALLOWED', detail: err.message }
  }
  const doFetch = outboundFetch(options)
  const signal = AbortSignal.timeout(options.timeout ?? DEFAULT_DELIVERY_TIMEOUT)
  let response: Response
  try {
    response = await doFetch(sink, {
      method: 'POST',
      headers: {
        'content-type': JOSE_MEDIA_TYPE,
        accept: 'application/json, application/problem+json',
      },
      body: jws,
      redirect: 'manual',
      signal,
    })
  } catch (err) {
    if (addressRefusal(err)) {
      return { outcome: 'failed', code: 'ERR_ADDRESS_NOT_ALLOWED', detail: String(err) }
    }
    const detail = signal.aborted ? 'timed out' : err instanceof Error ? err.message : String(err)
    return { outcome: 'retry', code: 'ERR_FETCH_FAILED', detail }
  }
  // A browser's fetch reports a redirect it did not follow as an opaque response with status 0.
  const status = response.type === 'opaqueredirect' ? 302 : response.status
  const body = await readPrefix(response.body, MAX_ANSWER_BYTES).catch(() => '')
  const outcome = classify(status)
  const retryAfter =
    status === 429 || status === 503
      ? parseRetryAfter(response.headers.get('retry-after'), (options.now ?? Date.now)())
      : undefined
  return {
    outcome,
    status,
    ...(retryAfter === undefined ? {} : { retryAfter }),
    ...(status >= 300 && status < 400 ? { detail: 'redirect not followed' } : {}),
    ...(body === '' ? {} : { body }),
  }
}
