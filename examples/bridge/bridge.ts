// cta-bridge: a CTA tool on behalf of a tool that does not run the SDK. The tool posts plain JSON
// as Standard Webhooks (HMAC-signed); the bridge validates it and emits a signed CTA event with the
// tool's key through a durable outbox (PGlite), served to subscribers by the SDK's delivery worker,
// feed and subscriptions endpoint. In the other direction, the CTA events the tool follows arrive
// in the bridge's inbox and are delivered to the tool's webhook URL as Standard Webhooks.
import {
  ProtocolError,
  TOOL_MANIFEST_PATH,
  answerHandshake,
  createDeliveryWorker,
  createEvent,
  createFeed,
  createInbox,
  createInstallationCache,
  createManifestResolver,
  createSubscriptionsHandler,
  createToolManifest,
  generateSigningKey,
  isProtocolError,
  problemResponse,
  publishEvent,
  signEvent,
  signSubscriptionRequest,
  toJwks,
  SchemaInvalid,
  type DeliveryStore,
  type InstallationCacheOptions,
  type OutboundPolicy,
  type SigningKey,
  type ToolManifest,
} from '@cta-interop/sdk'
import { createPgliteDeliveryStore } from '@cta-interop/sdk/node'
import { json, listen } from '../src/http.js'
import { receiveWebhook } from './receive-webhook.js'
import { sendWebhook } from './send-webhook.js'

/** Where the tool posts its webhooks. */
export const BRIDGE_WEBHOOK_PATH = '/bridge/events'

/** Options of {@link startBridge}. */
export interface BridgeOptions {
  /** The tool's name, as its manifest shows it. */
  readonly name: string
  /** The secret shared with the tool, `whsec_<base64>`: signs both directions. */
  readonly secret: string
  /** The tool's webhook URL: where the events it follows are delivered. */
  readonly toolWebhook?: string
  /** The event types the tool may emit through the bridge (its manifest's `emits`). */
  readonly emits: readonly string[]
  /** The event types the tool follows (its manifest's `consumes`). */
  readonly consumes?: readonly string[]
  /**
   * Who speaks for a group: the group's authority and the installations it lists (as the example
   * tools read them: `readInstallations` with the tool's `cta:roster` token). Used for the inbox's
   * `speaksFor` and for whether a subscriber is installed in the group.
   */
  readonly installations: Pick<InstallationCacheOptions, 'authority' | 'load'>
  /** The origins of the tools whose manifests and keys the bridge may fetch. */
  readonly knownTools: readonly string[] | ((origin: string) => boolean | Promise<boolean>)
  /** The PGlite directory of the outbox; default `memory://` (lost on exit: give a directory). */
  readonly dataDir?: string
  /** The port on 127.0.0.1; default an ephemeral one. */
  readonly port?: number
  /** Largest webhook body accepted, in bytes. Default 64 KiB. */
  readonly maxBodyBytes?: number
  /** How far a webhook's timestamp may be from now, in seconds. Default (and at most) 300. */
  readonly tolerance?: number
  /** The outbound policy of deliveries, handshakes and key fetches (loopback needs it allowed). */
  readonly outbound?: OutboundPolicy
  /** Retry delays of the delivery worker, in seconds. Default the SDK's. */
  readonly retry?: { readonly initialDelay: number; readonly maxDelay: number }
  /** "Now" in milliseconds, for the webhook timestamp check in tests. */
  readonly now?: () => number
}

/** A running bridge. */
export interface Bridge {
  readonly origin: string
  readonly manifest: ToolManifest
  readonly key: SigningKey
  readonly store: DeliveryStore
  /** Subscribes the bridge's inbox to a CTA tool's events in a group. */
  readonly follow: (tool: string, group: string, types?: readonly string[]) => Promise<void>
  /** Runs the delivery worker until nothing is due. */
  readonly flush: () => Promise<void>
  readonly close: () => Promise<void>
}

/**
 * Starts a bridge on 127.0.0.1: manifest and JWKS, the webhook endpoint, feed, subscriptions and
 * inbox on one origin, which is the tool's CTA identity.
 */
export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const server = await listen(options.port ?? 0)
  const { origin } = server
  const key = await generateSigningKey({ origin })
  const outbound = options.outbound ?? {}
  const consumes = options.consumes ?? []
  const manifest = createToolManifest({
    id: origin,
    name: options.name,
    jwks_uri: `${origin}/.well-known/jwks.json`,
    subscriptions: `${origin}/cta/subscriptions`,
    feed: `${origin}/cta/feed`,
    ...(consumes.length > 0 ? { inbox: `${origin}/cta/inbox` } : {}),
    emits: [...options.emits],
    consumes: [...consumes],
    profiles: consumes.length > 0 ? ['core', 'emitter', 'receiver'] : ['core', 'emitter'],
  })
  const store = await createPgliteDeliveryStore({ dataDir: options.dataDir ?? 'memory://' })
  const installations = createInstallationCache(options.installations)
  const isInstalled = (group: string, tool: string) => installations.speaksFor(group, tool)
  const followed = new Set<string>()
  const knownTools = options.knownTools
  const resolver = createManifestResolver({
    ...outbound,
    trustedSources: async (o) =>
      followed.has(o) ||
      (typeof knownTools === 'function' ? await knownTools(o) : knownTools.includes(o)),
  })
  const subscriptions = createSubscriptionsHandler({
    url: `${origin}/cta/subscriptions`,
    store,
    resolveKey: resolver.resolveKey,
    isInstalled,
    ...outbound,
  })
  const feed = createFeed({
    url: `${origin}/cta/feed`,
    store,
    resolveKey: resolver.resolveKey,
    isInstalled,
  })
  const worker = createDeliveryWorker({
    store,
    ...outbound,
    ...(options.retry === undefined ? {} : { retry: options.retry }),
    pollInterval: 100,
    isInstalled,
    announce: { key, name: options.name, subscriptions: `${origin}/cta/subscriptions` },
  })
  worker.start()
  const inbox = createInbox({
    resolveKey: resolver.resolveKey,
    speaksFor: installations.speaksFor,
    inbox: store.inbox,
    onEvent: async (event) => {
      await installations.onEvent(event)
      if (options.toolWebhook === undefined || !followsType(consumes, event.type)) return
      // Throws when the tool does not take it: nothing is recorded, the producer retries.
      await sendWebhook(event, { secret: options.secret, url: options.toolWebhook })
    },
  })
  const flush = async (): Promise<void> => {
    while ((await worker.runOnce()).claimed > 0) {
      // until nothing is due
    }
  }

  /** The inbound webhook: verified, validated, then signed and queued; nothing before. */
  async function bridgeIn(request: Request): Promise<Response> {
    if (request.method !== 'POST')
      return problemResponse(new ProtocolError('ERR_REQUEST_INVALID', 'POST a webhook here'))
    try {
      const { webhookId, body } = await receiveWebhook(request, {
        secret: options.secret,
        maxBodyBytes: options.maxBodyBytes ?? 64 * 1024,
        tolerance: options.tolerance ?? 300,
        ...(options.now === undefined ? {} : { now: options.now }),
      })
      if (!options.emits.includes(body.type))
        throw new ProtocolError('ERR_REQUEST_INVALID', 'the tool does not emit this event type')
      // createEvent validates the event and its activity against the schemas (ERR_SCHEMA_INVALID)
      // and refuses a group that is not the activity's audience (a TypeError here).
      let event
      try {
        event = createEvent(body.type, body.activity as never, {
          source: origin,
          group: body.group,
        })
      } catch (err) {
        if (err instanceof SchemaInvalid) throw err
        throw new ProtocolError('ERR_REQUEST_INVALID', 'the activity does not make an event', {
          cause: err,
        })
      }
      // The replay check last: a refused request leaves no trace. A webhook id is remembered for
      // twice the tolerance, longer than a copy could still pass the timestamp check.
      const expires = new Date(Date.now() + 2 * 1000 * (options.tolerance ?? 300))
      if (!(await store.dedupe.claim(`webhook:${origin}`, webhookId, expires)))
        throw new ProtocolError('ERR_REPLAYED', 'this webhook-id was already received')
      try {
        await publishEvent(await signEvent(event, key), { store })
      } catch (err) {
        await store.dedupe.release(`webhook:${origin}`, webhookId)
        throw err
      }
      void flush().catch(() => undefined)
      return json({ id: event.id, source: event.source, type: event.type }, 202)
    } catch (err) {
      if (!isProtocolError(err)) console.error('cta-bridge:', err)
      return problemResponse(err)
    }
  }

  server.handle(async (request) => {
    const path = new URL(request.url).pathname
    if (path === TOOL_MANIFEST_PATH) return json(manifest)
    if (path === '/.well-known/jwks.json') return json(toJwks([key]))
    if (path === BRIDGE_WEBHOOK_PATH) return bridgeIn(request)
    if (path === '/cta/subscriptions' || path.startsWith('/cta/subscriptions/'))
      return subscriptions(request)
    if (path === '/cta/feed') return feed(request)
    if (path === '/cta/inbox')
      return (
        (await answerHandshake(request, { allowedOrigins: (o) => followed.has(o) })) ??
        inbox(request)
      )
    return problemResponse(new ProtocolError('ERR_NOT_FOUND', 'no such path'))
  })

  return {
    origin,
    manifest,
    key,
    store,
    flush,
    async follow(tool, group, types) {
      followed.add(tool)
      const producer = await resolver.manifest(tool)
      if (producer.subscriptions === undefined)
        throw new Error(`${tool} has no subscriptions endpoint`)
      const body = await signSubscriptionRequest(
        {
          sink: `${origin}/cta/inbox`,
          group,
          ...(types === undefined ? {} : { types: [...types] }),
        },
        key,
        { audience: tool },
      )
      const response = await fetch(producer.subscriptions, {
        method: 'POST',
        headers: { 'content-type': 'application/jose' },
        body,
      })
      if (response.status !== 201)
        throw new Error(`subscribing to ${tool}: ${response.status} ${await response.text()}`)
    },
    async close() {
      await worker.stop()
      await server.close()
      await store.close()
    },
  }
}

/** Whether a type is one the tool follows: exact, or a `prefix.*` pattern. */
function followsType(consumes: readonly string[], type: string): boolean {
  return consumes.some((t) => (t.endsWith('.*') ? type.startsWith(t.slice(0, -1)) : t === type))
}
