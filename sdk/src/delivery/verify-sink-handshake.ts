import { ProtocolError, isProtocolError } from '../errors.js'
import { assertOutboundUrl, outboundFetch, type OutboundPolicy } from '../http/guarded-fetch.js'
import { addressRefusal } from './internal/error-code.js'

/** Options of {@link verifySinkHandshake}. */
export interface VerifySinkHandshakeOptions extends OutboundPolicy {
  /** The producer's origin, sent as `WebHook-Request-Origin`. */
  readonly origin: string
}

/**
 * Runs the CloudEvents webhook abuse-protection handshake against a sink before any event is sent
 * to it: an `OPTIONS` request with `WebHook-Request-Origin: <producer origin>`, which the sink must
 * answer with a 2xx status and `WebHook-Allowed-Origin` equal to that origin or `*`. The sink's URL
 * is guarded like a delivery (no redirects, a timeout, no non-public address unless allowed).
 *
 * @param sink The sink URL of a subscription request.
 * @param options `origin` (required) and the outbound policy.
 * @returns When the sink agreed.
 * @throws {ProtocolError} `ERR_HANDSHAKE_FAILED` when the sink did not agree or could not be
 *   reached; `ERR_ADDRESS_NOT_ALLOWED` for a sink address the policy refuses.
 * @example
 * ```ts
 * declare const sink: string // the sink URL of a subscription request
 * await verifySinkHandshake(sink, { origin: 'https://decisions.example', fetch: createSafeFetch() })
 * ```
 * @see {@link https://w3id.org/cta/spec/delivery#handshake Spec: the handshake}
 */
export async function verifySinkHandshake(
  sink: string,
  options: VerifySinkHandshakeOptions,
): Promise<void> {
  assertOutboundUrl(sink, options)
  const doFetch = outboundFetch(options)
  let response: Response
  try {
    response = await doFetch(sink, {
      method: 'OPTIONS',
      headers: { 'webhook-request-origin': options.origin },
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeout ?? 10_000),
    })
  } catch (err) {
    if (isProtocolError(err)) throw err
    if (addressRefusal(err)) {
      throw new ProtocolError('ERR_ADDRESS_NOT_ALLOWED', 'the sink address is not allowed', {
        cause: err,
      })
    }
    throw new ProtocolError('ERR_HANDSHAKE_FAILED', 'the sink could not be reached', { cause: err })
  }
  await response.body?.cancel().catch(() => undefined)
  const allowed = response.headers.get('webhook-allowed-origin')?.trim()
  if (response.status < 200 || response.status >= 300) {
    throw new ProtocolError('ERR_HANDSHAKE_FAILED', `the sink answered ${response.status}`)
  }
  if (allowed !== options.origin && allowed !== '*') {
    throw new ProtocolError('ERR_HANDSHAKE_FAILED', 'the sink did not allow this origin')
  }
}
