import { ProtocolError, isProtocolError } from '../errors.js'
import { problemFor, problemResponse } from '../http/problem.js'
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

/** What an inbox answers, independent of any HTTP library. */
export interface InboxReply {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string | null
}

/** One request to an inbox, independent of any HTTP library. */
export interface InboxRequest {
  readonly method: string
  /** The `content-type` header, if any. */
  readonly contentType: string | null
  /** Reads the body as UTF-8 text; must throw `ERR_TOO_LARGE` past the inbox's cap. */
  readonly text: () => Promise<string>
}

const reply = (status: number, body: unknown): InboxReply => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
})

function problemReply(err: unknown, extra: Record<string, string> = {}): InboxReply {
  const problem = problemFor(err)
  return {
    status: problem.status,
    headers: { 'content-type': 'application/problem+json', ...extra },
    body: JSON.stringify(problem),
  }
}

/**
 * The inbox's logic without HTTP types: what {@link createInbox} runs for each request, for
 * adapters that want to skip building Fetch API objects (see `createNodeInbox` in
 * `@cta-interop/sdk/node`).
 *
 * @param options The options of {@link createInbox}.
 * @returns A function from an {@link InboxRequest} to an {@link InboxReply}.
 * @example
 * ```ts
 * const receive = createInboxReceiver(options)
 * const { status, body } = await receive({ method: 'POST', contentType: 'application/jose', text: async () => jws })
 * ```
 * @see {@link https://w3id.org/cta/spec/delivery#inbox Spec: the inbox}
 */
export function createInboxReceiver(
  options: InboxOptions,
): (request: InboxRequest) => Promise<InboxReply> {
  const maxBytes = options.maxBodyBytes ?? DEFAULT_INBOX_MAX_BYTES
  const verifyOptions = { ...options, maxLength: Math.ceil((maxBytes * 4) / 3) }
  return async (request) => {
    if (request.method !== 'POST') return { status: 405, headers: { allow: 'POST' }, body: null }
    const type = request.contentType?.split(';')[0]?.trim().toLowerCase()
    if (type !== JOSE_MEDIA_TYPE) {
      return { status: 415, headers: { accept: JOSE_MEDIA_TYPE }, body: null }
    }
    let accepted: { event: Event; kid: string }
    let jws: string
    try {
      jws = (await request.text()).trim()
      accepted = await verifyEvent(jws, verifyOptions)
    } catch (err) {
      if (isProtocolError(err) && err.code === 'ERR_DUPLICATE') {
        return reply(200, { status: 'duplicate' })
      }
      if (!isProtocolError(err)) throw err
      return problemReply(err, err.code === 'ERR_FETCH_FAILED' ? { 'retry-after': '60' } : {})
    }
    try {
      await options.onEvent(accepted.event, { kid: accepted.kid, jws })
    } catch (err) {
      await options.dedupe.release(accepted.event.source, accepted.event.id)
      return problemReply(err)
    }
    return reply(202, { status: 'accepted', id: accepted.event.id })
  }
}

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
  const receive = createInboxReceiver(options)
  return async (request) => {
    const declared = Number(request.headers.get('content-length') ?? '0')
    if (declared > maxBytes) {
      return problemResponse(
        new ProtocolError('ERR_TOO_LARGE', `body larger than ${maxBytes} bytes`),
      )
    }
    let answer: InboxReply
    try {
      answer = await receive({
        method: request.method,
        contentType: request.headers.get('content-type'),
        text: () => readBody(request.body, maxBytes),
      })
    } catch (err) {
      if (!isProtocolError(err)) throw err
      return problemResponse(err)
    }
    return new Response(answer.body, { status: answer.status, headers: answer.headers })
  }
}
