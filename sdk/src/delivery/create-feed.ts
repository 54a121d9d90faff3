import { SIZE_LIMITS } from '../http/size-limits.js'
import { ProtocolError } from '../errors.js'
import { DEFAULT_CLOCK_TOLERANCE } from '../events/constants.js'
import type { SignatureVerifier } from '../events/verify-event.js'
import type { ResolveKey } from '../keys/resolve-key.js'
import type { DeliveryStore } from '../stores/delivery-store.js'
import { DEFAULT_REQUEST_MAX_AGE, FEED_PAGE_LIMITS } from './constants.js'
import type { IsInstalled } from './create-subscriptions-handler.js'
import { isIri } from './internal/claims.js'
import { basePath, jsonResponse, rejection } from './internal/respond.js'
import { verifyRequestToken } from './verify-request-token.js'

/** A page of a feed, as served: signed events in cursor order, and the cursor to continue from. */
export interface FeedPage {
  /** Compact JWS strings, exactly as they were published. */
  readonly items: readonly string[]
  /** Pass as `after` to get the events after these; `null` when `items` is empty. */
  readonly next: string | null
}

/** Options of {@link createFeed}. */
export interface FeedOptions {
  /** The feed's public URL, as the tool manifest's `feed` names it. */
  readonly url: string
  /** Where the events are; its `dedupe` also remembers used token ids. */
  readonly store: Pick<DeliveryStore, 'dedupe' | 'readFeed'>
  /**
   * Decides who may read a group's events, replacing the default check (a request token from a
   * tool installed in the group). Return `false` to refuse with `ERR_UNAUTHORIZED`, or throw a
   * ProtocolError.
   */
  readonly authorize?: (request: Request, group: string) => boolean | Promise<boolean>
  /** With the default check: finds callers' keys (`createManifestResolver().resolveKey`). */
  readonly resolveKey?: ResolveKey
  /** With the default check: whether the caller is installed in the group. */
  readonly isInstalled?: IsInstalled
  /** How long after its `iat` a request token is accepted, in seconds. Default 300. */
  readonly maxAge?: number
  /** Clock skew tolerated, in seconds. Default 60. */
  readonly clockTolerance?: number
  /** "Now" in milliseconds, for tests. Default `Date.now`. */
  readonly now?: () => number
  /**
   * Checks request signatures instead of Web Crypto: `nodeSignatureVerifier()` from
   * `@cta-interop/sdk/node` in Node. Default Web Crypto.
   */
  readonly verifySignature?: SignatureVerifier
}

const CURSOR = /^(0|[1-9]\d{0,15})$/

function parseQuery(url: URL): { group: string; after?: string; limit: number } {
  const group = url.searchParams.get('group')
  if (group === null || !isIri(group)) {
    throw new ProtocolError('ERR_REQUEST_INVALID', 'group must be the IRI of one group')
  }
  const after = url.searchParams.get('after')
  if (after !== null && !CURSOR.test(after)) {
    throw new ProtocolError('ERR_REQUEST_INVALID', 'after is not a cursor of this feed')
  }
  const rawLimit = url.searchParams.get('limit')
  let limit = FEED_PAGE_LIMITS.default
  if (rawLimit !== null) {
    if (!/^[1-9]\d{0,6}$/.test(rawLimit)) {
      throw new ProtocolError('ERR_REQUEST_INVALID', 'limit must be a positive integer')
    }
    limit = Math.min(Number(rawLimit), FEED_PAGE_LIMITS.max)
  }
  return { group, ...(after === null ? {} : { after }), limit }
}

/** Room kept in a page for `{"items":[],"next":"<cursor>"}` around the items. */
const PAGE_FRAME = 1024

/**
 * The longest run of items, from the first, whose page stays within 4 MiB (DLV-LIM-005): a page
 * answers fewer than `limit` events rather than more bytes. An event is at most 96 KiB, so the
 * first always fits.
 */
function fitPage<T extends { jws: string }>(items: readonly T[]): readonly T[] {
  let size = PAGE_FRAME
  for (let i = 0; i < items.length; i++) {
    // A compact JWS is ASCII: its length is its size; `"…",` around it.
    size += (items[i] as T).jws.length + 3
    if (size > SIZE_LIMITS.feedPage && i > 0) return items.slice(0, i)
  }
  return items
}

/**
 * Creates a producer's feed: a Fetch API handler for
 * `GET <url>?group=<IRI>&after=<cursor>&limit=<n>` that answers `{ items, next }` (a
 * {@link FeedPage}) with the group's signed events after the cursor, oldest first, at most `limit`
 * (default 100, at most 1,000) and at most 4 MiB in all (fewer events then). Cursors are opaque; every event appended later sorts after every
 * cursor already handed out, so paging from a cursor never misses one. Only callers who may see
 * the group get its events: by default a tool with a valid request token
 * ({@link signRequestToken}) that `isInstalled` in the group; or whatever `authorize` decides.
 *
 * @param options The feed's `url`, the `store`, and `authorize` or `resolveKey` with `isInstalled`.
 * @returns The handler.
 * @throws {TypeError} When `url` is not an absolute URL, or neither `authorize` nor both
 *   `resolveKey` and `isInstalled` are given.
 * @example
 * ```ts
 * declare const isInstalled: (group: string, tool: string) => Promise<boolean>
 * const feed = createFeed({ url: 'https://decisions.example/cta/feed', store, resolveKey, isInstalled })
 * ```
 * @see {@link https://w3id.org/cta/spec/delivery#feed Spec: the feed}
 */
export function createFeed(options: FeedOptions): (request: Request) => Promise<Response> {
  const base = basePath(options.url)
  const origin = new URL(options.url).origin
  const { store, resolveKey, isInstalled, authorize } = options
  if (authorize === undefined && (resolveKey === undefined || isInstalled === undefined)) {
    throw new TypeError('createFeed needs authorize, or resolveKey and isInstalled')
  }
  const now = options.now ?? Date.now

  const allowed = async (request: Request, group: string): Promise<void> => {
    if (authorize !== undefined) {
      if (!(await authorize(request, group))) {
        throw new ProtocolError('ERR_UNAUTHORIZED', 'not allowed to read this group')
      }
      return
    }
    const { caller } = await verifyRequestToken(request, {
      resolveKey: resolveKey as ResolveKey,
      replay: store.dedupe,
      origin,
      maxAge: options.maxAge ?? DEFAULT_REQUEST_MAX_AGE,
      clockTolerance: options.clockTolerance ?? DEFAULT_CLOCK_TOLERANCE,
      currentDate: new Date(now()),
      ...(options.verifySignature === undefined
        ? {}
        : { verifySignature: options.verifySignature }),
    })
    if (!(await (isInstalled as IsInstalled)(group, caller))) {
      throw new ProtocolError('ERR_NOT_INSTALLED', 'the caller is not installed in the group')
    }
  }

  return async (request) => {
    const url = new URL(request.url)
    if (url.pathname.replace(/\/+$/, '') !== base) {
      return rejection(new ProtocolError('ERR_NOT_FOUND', 'no such resource'))
    }
    if (request.method !== 'GET') {
      return new Response(null, { status: 405, headers: { allow: 'GET' } })
    }
    try {
      const query = parseQuery(url)
      await allowed(request, query.group)
      const items = fitPage(await store.readFeed(query))
      const page: FeedPage = {
        items: items.map((item) => item.jws),
        next: items.at(-1)?.cursor ?? null,
      }
      return jsonResponse(200, page)
    } catch (err) {
      return rejection(err)
    }
  }
}
