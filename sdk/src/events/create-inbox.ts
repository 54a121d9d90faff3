import { ProtocolError, isProtocolError } from '../errors.js'
import { problemResponse } from '../http/problem.js'
import { readBody } from '../http/read-body.js'
import type { Event } from '../schemas/index.js'
import { verifyEvent, type DedupeStore, type VerifyEventOptions } from './verify-event.js'

/** The media type of a compact JWS body (RFC 7515 §9.2.1). */
export const JOSE_MEDIA_TYPE = 'application/jose'
/** Default body cap of an inbox, in bytes. */
export const DEFAULT_INBOX_MAX_BYTES = 64 * 1024

/** What an inbox passes to its handler with each accepted event. */
export interface InboxContext {
  readonly kid: string
  /** The compact JWS as received, for relaying or storing. */
  readonly jws: string
}

/** Options of {@link createInbox}. */
export interface InboxOptions extends Omit<VerifyEventOptions, 'dedupe' | 'maxLength'> {
  /** Remembers accepted events by `(source, id)`: required, so that retries are processed once. */
  readonly dedupe: DedupeStore
  /** Called once per new event. If it throws, the event is forgotten and the sender retries. */
  readonly onEvent: (event: Event, context: InboxContext) => Promise<void> | void
  /** Largest body accepted, in bytes. Default 64 KiB. */
  readonly maxBodyBytes?: number
}

const json = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

/**
 * Creates an inbox: a Fetch API handler (`Request` → `Response`) that receives signed events.
 * It answers `202` when it accepts an event, `200` for an event it already accepted, and an
 * `application/problem+json` rejection whose `type` names the error code otherwise (`413` past the
 * body cap, `401` for signature and key failures, `422` for invalid events, `503` when the sender's
 * keys cannot be fetched right now). Nothing is stored for a rejected event.
 *
 * @param options `resolveKey`, `dedupe` and `onEvent` (required), and verification options.
 * @returns The handler; mount it at the URL the tool manifest names as `inbox`.
 * @example
 * ```ts
 * const inbox = createInbox({ resolveKey, dedupe, onEvent: (event) => notifications.add(event) })
 * Bun.serve({ fetch: inbox }) // or toNodeListener(inbox) from '@cta-interop/sdk/node'
 * ```
 * @see {@link https://w3id.org/cta/spec/delivery#inbox Spec: the inbox}
 */
export function createInbox(options: InboxOptions): (request: Request) => Promise<Response> {
  const maxBytes = options.maxBodyBytes ?? DEFAULT_INBOX_MAX_BYTES
  return async (request) => {
    if (request.method !== 'POST') {
      return new Response(null, { status: 405, headers: { allow: 'POST' } })
    }
    const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase()
    if (type !== JOSE_MEDIA_TYPE) {
      return new Response(null, { status: 415, headers: { accept: JOSE_MEDIA_TYPE } })
    }
    const declared = Number(request.headers.get('content-length') ?? '0')
    if (declared > maxBytes) {
      return problemResponse(
        new ProtocolError('ERR_TOO_LARGE', `body larger than ${maxBytes} bytes`),
      )
    }
    let accepted: { event: Event; kid: string }
    let jws: string
    try {
      jws = (await readBody(request.body, maxBytes)).trim()
      accepted = await verifyEvent(jws, { ...options, maxLength: Math.ceil((maxBytes * 4) / 3) })
    } catch (err) {
      if (isProtocolError(err) && err.code === 'ERR_DUPLICATE') {
        return json(200, { status: 'duplicate' })
      }
      if (!isProtocolError(err)) throw err
      return problemResponse(err, err.code === 'ERR_FETCH_FAILED' ? { 'retry-after': '60' } : {})
    }
    try {
      await options.onEvent(accepted.event, { kid: accepted.kid, jws })
    } catch (err) {
      await options.dedupe.release(accepted.event.source, accepted.event.id)
      return problemResponse(err)
    }
    return json(202, { status: 'accepted', id: accepted.event.id })
  }
}
