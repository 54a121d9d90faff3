import { ProtocolError } from '../errors.js'
import { problemResponse } from '../http/problem.js'

/** Options of {@link answerHandshake}. */
export interface AnswerHandshakeOptions {
  /**
   * The producers allowed to deliver to this inbox, by origin: a list, or a function deciding
   * (for example, "the producers I subscribed to").
   */
  readonly allowedOrigins: readonly string[] | ((origin: string) => boolean | Promise<boolean>)
}

/**
 * The sink's side of the CloudEvents webhook abuse-protection handshake. For an `OPTIONS` request
 * with `WebHook-Request-Origin`, it answers `200` with `WebHook-Allowed-Origin` set to that origin
 * when the origin is allowed, and a `401` problem (`ERR_UNAUTHORIZED`), without
 * `WebHook-Allowed-Origin`, otherwise. For any other
 * request it returns `undefined`, so it composes with an inbox.
 *
 * @param request The incoming request.
 * @param options `allowedOrigins`.
 * @returns The handshake answer, or `undefined` when the request is not a handshake.
 * @example
 * ```ts
 * const inbox = createInbox({ resolveKey, dedupe, speaksFor: installations.speaksFor, onEvent })
 * const handler = async (request: Request) =>
 *   (await answerHandshake(request, { allowedOrigins: ['https://decisions.example'] })) ??
 *   inbox(request)
 * ```
 * @see {@link https://w3id.org/cta/spec/delivery#handshake Spec: the handshake}
 */
export async function answerHandshake(
  request: Request,
  options: AnswerHandshakeOptions,
): Promise<Response | undefined> {
  const origin = request.headers.get('webhook-request-origin')?.trim()
  if (request.method !== 'OPTIONS' || origin === undefined) return undefined
  const { allowedOrigins } = options
  const allowed =
    typeof allowedOrigins === 'function'
      ? await allowedOrigins(origin)
      : allowedOrigins.includes(origin)
  if (!allowed) {
    return problemResponse(
      new ProtocolError('ERR_UNAUTHORIZED', 'this sink does not take events from that origin'),
    )
  }
  return new Response(null, {
    status: 200,
    headers: { 'webhook-allowed-origin': origin, allow: 'POST, OPTIONS' },
  })
}
