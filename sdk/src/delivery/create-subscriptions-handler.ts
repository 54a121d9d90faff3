import { SIZE_LIMITS } from '../http/size-limits.js'
import { ProtocolError } from '../errors.js'
import { DEFAULT_CLOCK_TOLERANCE } from '../events/constants.js'
import { JOSE_MEDIA_TYPE } from '../events/create-inbox.js'
import { assertOutboundUrl, outboundFetch, type OutboundPolicy } from '../http/guarded-fetch.js'
import { readBody } from '../http/read-body.js'
import type { SignatureVerifier } from '../events/verify-event.js'
import type { ResolveKey } from '../keys/resolve-key.js'
import type { DeliveryStore, Subscription } from '../stores/delivery-store.js'
import { DEFAULT_REQUEST_MAX_AGE, MAX_SUBSCRIPTION_LIFETIME } from './constants.js'
import { basePath, jsonResponse, rejection, subscriptionJson } from './internal/respond.js'
import { verifyRequestToken } from './verify-request-token.js'
import { verifySinkHandshake } from './verify-sink-handshake.js'
import { verifySubscriptionRequest } from './verify-subscription-request.js'

/**
 * Tells whether a tool has an active installation in a group. The group's authority is the system
 * of record; this callback asks it (or a synchronized copy).
 */
export type IsInstalled = (group: string, tool: string) => boolean | Promise<boolean>

/** Options of {@link createSubscriptionsHandler}. */
export interface SubscriptionsHandlerOptions extends OutboundPolicy {
  /** The endpoint's public URL, as the tool manifest's `subscriptions` names it. */
  readonly url: string
  /** Where subscriptions are kept; its `dedupe` also remembers used token ids. */
  readonly store: Pick<
    DeliveryStore,
    'dedupe' | 'createSubscription' | 'getSubscription' | 'listSubscriptions' | 'deleteSubscription'
  >
  /** Finds subscribers' keys: `createManifestResolver().resolveKey`. */
  readonly resolveKey: ResolveKey
  /** Accepts a subscription only for groups where the subscriber is installed. */
  readonly isInstalled: IsInstalled
  /** How long after its `iat` a request is accepted, in seconds. Default 300. */
  readonly maxAge?: number
  /** Clock skew tolerated, in seconds. Default 60. */
  readonly clockTolerance?: number
  /**
   * The longest a subscription lives, in seconds: its `expires` is at most this long after it is
   * created, whatever the request asks. Default and largest {@link MAX_SUBSCRIPTION_LIFETIME}
   * (90 days).
   */
  readonly maxLifetime?: number
  /** Largest request body accepted, in bytes. Default 8 KiB. */
  readonly maxBodyBytes?: number
  /** "Now" in milliseconds, for tests. Default `Date.now`. */
  readonly now?: () => number
  /**
   * Checks request signatures instead of Web Crypto: `nodeSignatureVerifier()` from
   * `@cta-interop/sdk/node` in Node. Default Web Crypto.
   */
  readonly verifySignature?: SignatureVerifier
}

/**
 * Creates the producer's subscriptions endpoint, a Fetch API handler implementing a subset of the
 * CloudEvents Subscriptions API:
 * - `POST <url>` with a signed subscription request (`application/jose`, see
 *   {@link signSubscriptionRequest}) creates a subscription once the request verifies, the sink is
 *   an allowed address on the subscriber's origin, the subscriber is installed in the group
 *   (`isInstalled`), and the sink passes the abuse-protection handshake: `201` with the
 *   subscription and its `Location`;
 * - `GET <url>` lists the caller's subscriptions; `GET <url>/<id>` returns one;
 *   `DELETE <url>/<id>` deletes one (`204`) and cancels its pending deliveries. These need a request
 *   token ({@link signRequestToken}), and another tool's subscription is `404`.
 *
 * Rejections are `application/problem+json` with the registry's codes (`ERR_UNAUTHORIZED`,
 * `ERR_NOT_INSTALLED`, `ERR_HANDSHAKE_FAILED`, `ERR_ADDRESS_NOT_ALLOWED`, `ERR_SCHEMA_INVALID`,
 * `ERR_NOT_FOUND`, and the JWS codes).
 *
 * @param options The endpoint's `url`, the `store`, `resolveKey`, `isInstalled`, and the outbound
 *   policy for sinks (in Node, `fetch: createSafeFetch()`).
 * @returns The handler.
 * Every subscription gets an `expires`: the one requested, or `maxLifetime` (90 days) after it is
 * created when none is requested or a later one is; a subscriber renews by subscribing again.
 *
 * @throws {TypeError} When `url` is not an absolute URL, or `maxLifetime` is not a positive
 *   number of seconds of at most 90 days.
 * @example
 * ```ts
 * declare const isInstalled: import('@cta-interop/sdk').IsInstalled // is the tool installed in the group? (your roster copy)
 * const subscriptions = createSubscriptionsHandler({
 *   url: 'https://decisions.example/cta/subscriptions', store,
 *   resolveKey: resolver.resolveKey, isInstalled,
 *   fetch: createSafeFetch(),
 * })
 * ```
 * @see {@link https://w3id.org/cta/spec/delivery#subscriptions Spec: subscriptions}
 * @see {@link https://w3id.org/cta/spec/delivery#DLV-SUB-010 Spec: DLV-SUB-010}
 */
export function createSubscriptionsHandler(
  options: SubscriptionsHandlerOptions,
): (request: Request) => Promise<Response> {
  const base = basePath(options.url)
  const origin = new URL(options.url).origin
  outboundFetch(options) // the handshake's fetch: refuses a missing one now (SEC-SSRF-002)
  const { store } = options
  const now = options.now ?? Date.now
  const maxBytes = options.maxBodyBytes ?? SIZE_LIMITS.subscriptionRequest
  const maxLifetime = options.maxLifetime ?? MAX_SUBSCRIPTION_LIFETIME
  if (!(maxLifetime > 0 && maxLifetime <= MAX_SUBSCRIPTION_LIFETIME)) {
    throw new TypeError('maxLifetime must be a positive number of seconds, at most 90 days')
  }
  const timing = {
    maxAge: options.maxAge ?? DEFAULT_REQUEST_MAX_AGE,
    clockTolerance: options.clockTolerance ?? DEFAULT_CLOCK_TOLERANCE,
    ...(options.verifySignature === undefined ? {} : { verifySignature: options.verifySignature }),
  }
  const authenticate = async (request: Request): Promise<string> => {
    const { caller } = await verifyRequestToken(request, {
      resolveKey: options.resolveKey,
      replay: store.dedupe,
      origin,
      currentDate: new Date(now()),
      ...timing,
    })
    return caller
  }
  const owned = async (id: string, caller: string): Promise<Subscription> => {
    const subscription = await store.getSubscription(id)
    if (subscription?.subscriber !== caller) {
      throw new ProtocolError('ERR_NOT_FOUND', 'no such subscription')
    }
    return subscription
  }

  async function create(request: Request): Promise<Response> {
    const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase()
    if (type !== JOSE_MEDIA_TYPE) {
      return new Response(null, { status: 415, headers: { accept: JOSE_MEDIA_TYPE } })
    }
    const body = (await readBody(request.body, maxBytes)).trim()
    const { subscriber, request: wanted } = await verifySubscriptionRequest(body, {
      resolveKey: options.resolveKey,
      audience: origin,
      replay: store.dedupe,
      currentDate: new Date(now()),
      ...timing,
    })
    assertOutboundUrl(wanted.sink, options)
    if (!(await options.isInstalled(wanted.group, subscriber))) {
      throw new ProtocolError('ERR_NOT_INSTALLED', 'the subscriber is not installed in the group')
    }
    await verifySinkHandshake(wanted.sink, { ...options, origin })
    const created = now()
    const longest = created + maxLifetime * 1000
    const asked = wanted.expires === undefined ? longest : Date.parse(wanted.expires)
    const subscription: Subscription = {
      id: crypto.randomUUID(),
      subscriber,
      sink: wanted.sink,
      group: wanted.group,
      ...(wanted.types === undefined ? {} : { types: [...wanted.types] }),
      status: 'active',
      created: new Date(created).toISOString(),
      expires: new Date(Math.min(asked, longest)).toISOString(),
    }
    await store.createSubscription(subscription)
    return jsonResponse(201, subscriptionJson(subscription), {
      location: `${origin}${base}/${subscription.id}`,
    })
  }

  return async (request) => {
    const path = new URL(request.url).pathname.replace(/\/+$/, '')
    // Ids are UUIDs; a segment that needs decoding is not one, and is simply not found.
    const id = path.startsWith(`${base}/`) ? path.slice(base.length + 1) : undefined
    try {
      if (path === base) {
        if (request.method === 'POST') return await create(request)
        if (request.method === 'GET') {
          const caller = await authenticate(request)
          const list = await store.listSubscriptions({ subscriber: caller })
          return jsonResponse(200, list.map(subscriptionJson))
        }
        return new Response(null, { status: 405, headers: { allow: 'GET, POST' } })
      }
      if (id === undefined || id.length === 0 || id.includes('/')) {
        throw new ProtocolError('ERR_NOT_FOUND', 'no such resource')
      }
      if (request.method === 'GET') {
        return jsonResponse(200, subscriptionJson(await owned(id, await authenticate(request))))
      }
      if (request.method === 'DELETE') {
        await owned(id, await authenticate(request))
        await store.deleteSubscription(id)
        return new Response(null, { status: 204 })
      }
      return new Response(null, { status: 405, headers: { allow: 'GET, DELETE' } })
    } catch (err) {
      return rejection(err)
    }
  }
}
