import { ProtocolError, isProtocolError, type AnyProtocolError } from '../errors.js'
import type { InboxContext } from '../events/create-inbox.js'
import {
  verifyEvent,
  type DedupeStore,
  type VerifyEventOptions,
  type VerifyEventResult,
} from '../events/verify-event.js'
import { assertOutboundUrl, outboundFetch, type OutboundPolicy } from '../http/guarded-fetch.js'
import { readBody } from '../http/read-body.js'
import { SIZE_LIMITS } from '../http/size-limits.js'
import { assertProtocolShape, isProblemDocument } from '../validate/assert-protocol-shape.js'
import { toInboxStore } from '../stores/inbox-store.js'
import type { SigningKey } from '../keys/signing-key.js'
import type { Event } from '../schemas/index.js'
import { REQUEST_AUTH_SCHEME } from './constants.js'
import { signRequestToken } from './sign-request-token.js'

/** Options of {@link pullEvents}. */
export interface PullEventsOptions extends Omit<VerifyEventOptions, 'dedupe'>, OutboundPolicy {
  /** The group whose events to read. */
  readonly group: string
  /** The cursor to start after; absent: from the feed's oldest event. */
  readonly after?: string
  /** The same dedupe store as the inbox: required, so an event pushed and pulled is processed once. */
  readonly dedupe: DedupeStore
  /** Called once per new event, like an inbox's `onEvent`. If it throws, the event is forgotten
   * and the error is rethrown: pull again from the last cursor you saved. */
  readonly onEvent: (event: Event, context: InboxContext) => Promise<void> | void
  /** The caller's signing key, to authenticate each page with a request token. */
  readonly key?: SigningKey
  /** Extra request headers, for feeds that authorize otherwise. */
  readonly headers?: Readonly<Record<string, string>>
  /** Events asked for per page. Default: the feed's default. */
  readonly limit?: number
  /**
   * How long to wait, in all, for events that are being processed right now (pushed to the inbox
   * at the same moment) before giving up with `ERR_IN_PROGRESS`, in seconds. Default 5.
   */
  readonly inProgressTimeout?: number
  /** Most pages read in one call. Default 100. */
  readonly maxPages?: number
  /** Largest page accepted, in bytes. Default 16 MiB. */
  readonly maxPageBytes?: number
}

/** What {@link pullEvents} did. */
export interface PullEventsResult {
  /** The cursor to pass as `after` next time (unchanged when nothing was new). */
  readonly cursor: string | undefined
  /** Events handed to `onEvent`. */
  readonly processed: number
  /** Events already processed (pushed or pulled before). */
  readonly duplicates: number
  /** Items that failed verification, with their errors; they are skipped. */
  readonly rejected: readonly AnyProtocolError[]
  /** `true` when the last page was empty: the feed has nothing more for now. */
  readonly caughtUp: boolean
}

/** The `code` of a problem document that matches the published schema, if the text is one. */
function problemCode(text: string): string | undefined {
  try {
    const problem: unknown = JSON.parse(text)
    return isProblemDocument(problem) ? problem.code : undefined
  } catch {
    return undefined
  }
}

function parsePage(text: string): { items: string[]; next: string | null } {
  let page: unknown
  try {
    page = JSON.parse(text)
  } catch (err) {
    throw new ProtocolError('ERR_FETCH_FAILED', 'the feed did not return JSON', { cause: err })
  }
  // The published feed-page schema: `{ items, next }`, items compact JWS, at most 1,000.
  assertProtocolShape('FeedPage', page)
  const { items, next } = page as { items: string[]; next: string | null }
  // `next` is null only on an empty page (DLV-FED-001): a page of items without a cursor past
  // them cannot be paged on, and taking it as "caught up" would skip its events.
  if (next === null && items.length > 0) {
    throw new ProtocolError('ERR_FETCH_FAILED', 'the feed page has items but no next cursor')
  }
  return { items, next }
}

/**
 * Catches up on a producer's feed: reads pages of a group's events after a cursor until the feed
 * has nothing more (or `maxPages`), verifies every item exactly as an inbox does, and hands each
 * new event to `onEvent`. Use the inbox's dedupe store: an event that was also pushed is then
 * processed once, whichever way it came first. Each page is requested with a fresh request token
 * when `key` is given; the feed URL is guarded like any URL a peer supplied.
 *
 * @param feedUrl The producer's feed URL, from its tool manifest.
 * @param options `group`, `dedupe`, `onEvent`, `resolveKey` (required), `after`, `key`, and the
 *   outbound policy.
 * @returns The cursor to continue from, and counts.
 * @throws {ProtocolError} `ERR_FETCH_FAILED` when a page cannot be read (the answer's code is in
 *   the message), `ERR_ADDRESS_NOT_ALLOWED`, `ERR_TOO_LARGE`; `ERR_IN_PROGRESS` when an event is
 *   still being processed after `inProgressTimeout` (claimed by a process that died, until its
 *   lease runs out): pull again later from the cursor you saved; whatever `onEvent` throws.
 * @example
 * ```ts
 * const { cursor } = await pullEvents(feedUrl, {
 *   group, after: saved.cursor, key, resolveKey: resolver.resolveKey, dedupe, onEvent,
 *   fetch: createSafeFetch(),
 * })
 * saved.cursor = cursor
 * ```
 * @see {@link https://w3id.org/cta/spec/delivery#pull Spec: pulling}
 */
export async function pullEvents(
  feedUrl: string,
  options: PullEventsOptions,
): Promise<PullEventsResult> {
  const url = assertOutboundUrl(feedUrl, options)
  const doFetch = outboundFetch(options)
  const maxPages = options.maxPages ?? 100
  const inbox = toInboxStore(options.dedupe)
  const { dedupe: _claimedByTheStore, ...verifying } = options
  const inProgressTimeout = (options.inProgressTimeout ?? 5) * 1000
  let deadline: number | undefined
  /** One deadline per call, set when the first event in progress is met. */
  const waitUntil = (ms: number): number => (deadline ??= Date.now() + ms)
  let cursor = options.after
  let processed = 0
  let duplicates = 0
  let caughtUp = false
  const rejected: AnyProtocolError[] = []
  for (let pages = 0; pages < maxPages; pages++) {
    const pageUrl = new URL(url)
    pageUrl.searchParams.set('group', options.group)
    if (cursor !== undefined) pageUrl.searchParams.set('after', cursor)
    if (options.limit !== undefined) pageUrl.searchParams.set('limit', String(options.limit))
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers }
    if (options.key !== undefined) {
      const token = await signRequestToken({ method: 'GET', url: feedUrl }, options.key)
      headers['authorization'] = `${REQUEST_AUTH_SCHEME} ${token}`
    }
    let response: Response
    try {
      response = await doFetch(pageUrl, {
        headers,
        redirect: 'manual',
        signal: AbortSignal.timeout(options.timeout ?? 15_000),
      })
    } catch (err) {
      if (isProtocolError(err)) throw err
      throw new ProtocolError('ERR_FETCH_FAILED', `could not fetch ${feedUrl}`, { cause: err })
    }
    const text = await readBody(response.body, options.maxPageBytes ?? SIZE_LIMITS.feedPage)
    if (response.status !== 200) {
      const code = problemCode(text) ?? 'no code'
      throw new ProtocolError('ERR_FETCH_FAILED', `the feed answered ${response.status} (${code})`)
    }
    const page = parsePage(text)
    if (page.items.length === 0 || page.next === null) {
      caughtUp = true
      break
    }
    for (const jws of page.items) {
      let accepted: VerifyEventResult
      try {
        // Verified without a claim: the inbox store claims below, in two phases when it can.
        accepted = await verifyEvent(jws, verifying)
      } catch (err) {
        if (!isProtocolError(err)) throw err
        rejected.push(err)
        continue
      }
      const { event, kid, expiresAt } = accepted
      const receive = () =>
        inbox.receive({ source: event.source, id: event.id }, expiresAt, () =>
          options.onEvent(event, { kid, jws }),
        )
      let receipt = await receive()
      // Pushed and being processed now: its outcome comes soon. Claimed by a process that died:
      // only its lease ends that. Either way the event is never skipped.
      for (let wait = 50; receipt.status === 'in-progress'; wait = Math.min(wait * 2, 1000)) {
        if (Date.now() + wait > waitUntil(inProgressTimeout)) {
          throw new ProtocolError('ERR_IN_PROGRESS', `${event.id} is being processed; pull later`)
        }
        await new Promise((resolve) => setTimeout(resolve, wait))
        receipt = await receive()
      }
      if (receipt.status === 'duplicate') duplicates++
      else processed++
    }
    cursor = page.next
  }
  return { cursor, processed, duplicates, rejected, caughtUp }
}
