import { ProtocolError, isProtocolError } from '../errors.js'
import { problemFor, problemResponse } from '../http/problem.js'
import { readBody } from '../http/read-body.js'
import { answerKeyRevocation } from '../keys/answer-key-revocation.js'
import {
  createKeyRevocationList,
  type KeyRevocationList,
} from '../keys/create-key-revocation-list.js'
import { retryAfterOf } from '../keys/keys-unavailable.js'
import type { Event } from '../schemas/index.js'
import { toInboxStore, type InboxReceipt, type InboxStore } from '../stores/inbox-store.js'
import {
  checkSourceInstalled,
  requireSourceCheck,
  type SourceCheck,
} from './check-source-installed.js'
import {
  verifyEvent,
  type DedupeStore,
  type VerifyEventOptions,
  type VerifyEventResult,
} from './verify-event.js'

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

/**
 * What an inbox's `onEvent` receives besides the event: the {@link InboxContext}, and the
 * transaction of its `inbox` store.
 *
 * @typeParam Tx The store's transaction (`SqlTransaction` for a SQL store's `inbox`), or
 *   `undefined` for stores without transactions.
 */
export interface InboxEventContext<Tx = undefined> extends InboxContext {
  /**
   * The transaction in which the inbox records this event as accepted: write the application's
   * effect through it, and the effect and the record commit together, or neither does (exactly
   * once across a crash). `undefined` with a `dedupe` store or a store without transactions.
   */
  readonly transaction: Tx
}

/**
 * Options of {@link createInbox}: `resolveKey`, `onEvent`, and where accepted events are recorded:
 * `inbox` (preferred) or `dedupe`.
 *
 * @typeParam Tx The transaction type of the `inbox` store, handed to `onEvent`.
 */
export interface InboxOptions<Tx = undefined> extends Omit<
  VerifyEventOptions,
  'dedupe' | 'maxLength'
> {
  /**
   * Records accepted events by `(source, id)` and runs `onEvent` at most once per event: a SQL
   * store's `inbox` (exactly once: `onEvent` gets the store's `transaction`, which commits with the
   * record) or a memory dedupe store (two-phase claims, at least once across a crash). Give this or
   * `dedupe`.
   */
  readonly inbox?: InboxStore<Tx>
  /**
   * Remembers accepted events by `(source, id)`, for stores given the older way. A store that
   * implements `receive` (the SDK's memory store and a SQL store's `dedupe`) claims in two phases;
   * any other is claimed before `onEvent` and released if it throws, which loses the event if the
   * process dies inside `onEvent`. Prefer `inbox`.
   */
  readonly dedupe?: DedupeStore
  /**
   * Called once per new event. If it throws, nothing is recorded (the transaction rolls back) and
   * the sender retries. With a SQL store's `inbox`, write the effect through `context.transaction`.
   */
  readonly onEvent: (event: Event, context: InboxEventContext<Tx>) => Promise<void> | void
  /** Largest body accepted, in bytes. Default 64 KiB. */
  readonly maxBodyBytes?: number
  /**
   * The revoked keys: key revocations posted to the inbox are recorded here, and events signed
   * with a revoked key are refused `401` (`ERR_KEY_REVOKED`). Default: a list of this inbox's own;
   * share one to refuse revoked keys elsewhere too (see `createKeyRevocationList`).
   */
  readonly keyRevocations?: KeyRevocationList
  /**
   * Required: who may speak for a group ([EVT-AUTHZ-001](https://w3id.org/cta/spec/events#EVT-AUTHZ-001)).
   * A verified event whose `source` is neither its group's authority nor installed in the group
   * is refused `403` (`ERR_NOT_INSTALLED`); when this throws, `503` (`ERR_FETCH_FAILED`) with
   * `Retry-After`. Pass `createInstallationCache(…).speaksFor`, or `'any-source'` (development
   * and tests only) to take events from any tool about any group.
   */
  readonly speaksFor: SourceCheck
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
 * @throws {TypeError} When neither or both of `inbox` and `dedupe` are given, or no `speaksFor`.
 * @example
 * ```ts
 * declare const options: import('@cta-interop/sdk').InboxOptions // those of createInbox
 * const receive = createInboxReceiver(options)
 * const { status, body } = await receive({ method: 'POST', contentType: 'application/jose', text: async () => jws })
 * ```
 * @see {@link https://w3id.org/cta/spec/delivery#inbox Spec: the inbox}
 */
export function createInboxReceiver<Tx = undefined>(
  options: InboxOptions<Tx>,
): (request: InboxRequest) => Promise<InboxReply> {
  const maxBytes = options.maxBodyBytes ?? DEFAULT_INBOX_MAX_BYTES
  const store = inboxStoreOf(options)
  const speaksFor = requireSourceCheck(options.speaksFor)
  // Verified without a claim: the inbox store claims below, with the expiry verifyEvent returns.
  const { dedupe: _claimedByTheStore, ...verifying } = options
  const revocations = options.keyRevocations ?? createKeyRevocationList()
  const verifyOptions = {
    ...verifying,
    resolveKey: revocations.guard(options.resolveKey), // EVT-REV-003
    maxLength: Math.ceil((maxBytes * 4) / 3),
  }
  return async (request) => {
    if (request.method !== 'POST') return { status: 405, headers: { allow: 'POST' }, body: null }
    const type = request.contentType?.split(';')[0]?.trim().toLowerCase()
    if (type !== JOSE_MEDIA_TYPE) {
      return { status: 415, headers: { accept: JOSE_MEDIA_TYPE }, body: null }
    }
    let accepted: VerifyEventResult
    let jws = ''
    try {
      jws = (await request.text()).trim()
      accepted = await verifyEvent(jws, verifyOptions)
      await checkSourceInstalled(accepted.event, speaksFor) // EVT-AUTHZ-001, before the record
    } catch (caught) {
      let err = caught
      // A key revocation is posted like an event (EVT-REV-002); any other typ stays refused.
      if (isProtocolError(err) && err.code === 'ERR_TYP_MISMATCH') {
        try {
          const answer = await answerKeyRevocation(revocations, jws, verifyOptions)
          if (answer !== undefined) return reply(answer.status, answer.body)
        } catch (refused) {
          err = refused
        }
      }
      if (!isProtocolError(err)) throw err
      // A transient refusal the sender retries, when it says (EVT-KEY-008).
      const retry = { 'retry-after': String(retryAfterOf(err, 60)) }
      return problemReply(err, err.code === 'ERR_FETCH_FAILED' ? retry : {})
    }
    const { event, kid, expiresAt } = accepted
    let receipt: InboxReceipt<void>
    try {
      receipt = await store.receive(
        { source: event.source, id: event.id },
        expiresAt,
        (transaction) => options.onEvent(event, { kid, jws, transaction }),
      )
    } catch (err) {
      return problemReply(err)
    }
    switch (receipt.status) {
      case 'processed':
        return reply(202, { status: 'accepted', id: event.id })
      case 'duplicate':
        return reply(200, { status: 'duplicate' })
      case 'in-progress':
        return problemReply(
          new ProtocolError('ERR_IN_PROGRESS', 'this event is being processed; retry later'),
          { 'retry-after': String(receipt.retryAfter) },
        )
    }
  }
}

function inboxStoreOf<Tx>(options: InboxOptions<Tx>): InboxStore<Tx> {
  if (options.inbox !== undefined) {
    if (options.dedupe !== undefined) throw new TypeError('give inbox or dedupe, not both')
    return options.inbox
  }
  if (options.dedupe === undefined) throw new TypeError('an inbox needs an inbox or dedupe store')
  // Without an inbox store there is no transaction: `Tx` is `undefined` here.
  return toInboxStore(options.dedupe) as unknown as InboxStore<Tx>
}

/**
 * Creates an inbox: a Fetch API handler (`Request` → `Response`) that receives signed events.
 * It answers `202` when it accepts an event, `200` for an event it already accepted, `503` with
 * `Retry-After` (`ERR_IN_PROGRESS`) for a copy of an event still being processed, and an
 * `application/problem+json` rejection whose `type` names the error code otherwise (`413` past the
 * body cap, `401` for signature and key failures (`ERR_KEY_REVOKED` for a key its tool revoked),
 * `422` for invalid events, `403` (`ERR_NOT_INSTALLED`) for an event whose `source` may not speak
 * for its `group` (`speaksFor`), `503` when the sender's keys or the group's installations cannot
 * be fetched right now). Nothing is stored for a rejected event, nor for one whose
 * `onEvent` throws. A key revocation posted to it (`signKeyRevocation`) is answered `202`, or
 * `200` for a key already revoked, and its key is refused from then on.
 *
 * With a SQL store's `inbox`, the record of the event and what `onEvent` writes through
 * `context.transaction` commit in one transaction: each event is processed exactly once, also when
 * the process dies mid-way (the sender's retry is then processed anew).
 *
 * @param options `resolveKey`, `onEvent`, `speaksFor`, and `inbox` or `dedupe` (required);
 *   verification options.
 * @returns The handler; mount it at the URL the tool manifest names as `inbox`.
 * @throws {TypeError} When neither or both of `inbox` and `dedupe` are given, or no `speaksFor`.
 * @example
 * ```ts
 * const store = await createPostgresDeliveryStore({ pool, schema: 'cta' })
 * const inbox = createInbox({
 *   resolveKey,
 *   speaksFor: installations.speaksFor, // createInstallationCache(…)
 *   inbox: store.inbox,
 *   onEvent: async (event, { transaction }) => {
 *     await transaction.query('INSERT INTO notifications (id, summary) VALUES ($1, $2)', [
 *       event.id,
 *       event.data.summary,
 *     ])
 *   },
 * })
 * export default { fetch: inbox } // Bun, Deno, Workers; in Node: toNodeListener(inbox) from '@cta-interop/sdk/node'
 * ```
 * @see {@link https://w3id.org/cta/spec/delivery#inbox Spec: the inbox}
 * @see {@link https://w3id.org/cta/spec/events#EVT-AUTHZ-001 Spec: who may speak for a group}
 */
export function createInbox<Tx = undefined>(
  options: InboxOptions<Tx>,
): (request: Request) => Promise<Response> {
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
