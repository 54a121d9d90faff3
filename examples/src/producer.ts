// What every emitting tool of these examples shares: a manifest and JWKS, a subscriptions endpoint
// with the handshake, a feed, and an outbox with a delivery worker. Each call below is one SDK call
// a vendor makes; the example READMEs walk through them.
import {
  TOOL_MANIFEST_PATH,
  createDeliveryWorker,
  createFeed,
  createKeyRing,
  createManifestResolver,
  createSubscriptionsHandler,
  createToolManifest,
  generateSigningKey,
  publishEvent,
  signEvent,
  type DeliveryStore,
  type Event,
  type IsInstalled,
  type SigningKey,
  type ToolManifest,
} from '@cta-interop/sdk'
import { json, listen, type Listening, type NodeListener } from './http.js'
import { notFound } from './page-layout.js'
import { createToolStore } from './store-choice.js'

/** A tool's own route handler: `undefined` when the request is not its. */
export type Route = (request: Request) => Promise<Response | undefined> | Response | undefined

/**
 * Loopback servers on plain HTTP: the SDK refuses both by default (SSRF guards), so the examples
 * allow them explicitly. A deployment on the internet leaves these off and passes
 * `fetch: createSafeFetch()` from `@cta-interop/sdk/node`.
 */
export const LOCAL = { allowPrivateNetwork: true, allowHttp: true } as const

/** Options of {@link startProducer}. */
export interface ProducerOptions {
  readonly name: string
  readonly emits: readonly string[]
  readonly consumes?: readonly string[]
  readonly profiles: ToolManifest['profiles']
  /** Whether a tool is installed in a group: asked of the group's authority. */
  readonly isInstalled: IsInstalled
  /**
   * Whether a tool (by origin) is one whose keys this tool may fetch: installed in a group it
   * serves. A subscription request or feed call from any other origin is refused without a request
   * to that origin (SEC-SSRF-004). Default: no tool.
   */
  readonly isKnownTool?: (origin: string) => boolean | Promise<boolean>
  /** The tool's own routes (pages, inbox, sign-in), tried after the CTA endpoints. */
  readonly routes?: (origin: string) => Route
  /** Declare the member export endpoint `/cta/export` in the manifest (spec/export.md). */
  readonly exports?: boolean
}

/** A running tool that emits events. */
export interface Producer {
  readonly origin: string
  readonly key: SigningKey
  /** The key the tool signs with now (its key ring's current key, after any rotation). */
  readonly signingKey: () => SigningKey
  readonly manifest: ToolManifest
  readonly store: DeliveryStore
  /** Signs an event, appends it to the feed and queues its deliveries; then sends them at once. */
  readonly emit: (event: Event) => Promise<void>
  /**
   * Publishes an event someone else signed with this tool's key (the group authority's registry
   * signs its own membership events): feed, deliveries, then sends them at once.
   */
  readonly publish: (jws: string, event: Event) => Promise<void>
  /** Adds Fetch API routes, tried after the tool's own (a test-only control API, for example). */
  readonly addRoute: (route: Route) => void
  /** Serves the paths that `match` with a Node listener on the tool's origin (`oidc-provider`). */
  readonly mount: (match: (path: string) => boolean, listener: NodeListener) => void
  /** Runs the delivery worker until nothing is due. */
  readonly flush: () => Promise<void>
  /** Deliveries still pending (to be retried). */
  readonly pending: () => Promise<number>
  /** Events emitted so far (ids), oldest first. */
  readonly emitted: readonly string[]
  /** The `kid` each event of `emitted` was signed with. */
  readonly signedWith: readonly string[]
  /**
   * Rotates the tool's signing key: a new key is published now and signs from the returned time,
   * 10 seconds later (the JWKS is served with `max-age=10`, so every receiver has it by then); the
   * old key stays published for the event window after that (EVT-ROT-001, EVT-ROT-002).
   */
  readonly rotateKey: () => Promise<Date>
  readonly close: () => Promise<void>
}

export async function startProducer(options: ProducerOptions): Promise<Producer> {
  const server: Listening = await listen()
  const { origin } = server
  const key = await generateSigningKey({ origin })
  // The tool's keys over time; its JWKS is served with `Cache-Control: max-age=10`, so a new key
  // is published 10 seconds before it signs.
  const ring = createKeyRing({ current: key, publishLead: 10 })
  const manifest = createToolManifest({
    id: origin,
    name: options.name,
    jwks_uri: `${origin}/.well-known/jwks.json`,
    subscriptions: `${origin}/cta/subscriptions`,
    feed: `${origin}/cta/feed`,
    ...(options.exports === true ? { export: `${origin}/cta/export` } : {}),
    ...(options.consumes === undefined ? {} : { inbox: `${origin}/cta/inbox` }),
    emits: [...options.emits],
    consumes: [...(options.consumes ?? [])],
    profiles: options.profiles,
  })
  // The examples keep each tool's outbox in memory, to start fast; a tool that must not lose queued
  // deliveries on restart uses createPgliteDeliveryStore or createPostgresDeliveryStore instead.
  // `npm run demo -- --store nats` keeps them on NATS JetStream instead (store-choice.ts).
  const store = await createToolStore()
  const resolver = createManifestResolver({
    ...LOCAL,
    trustedSources: options.isKnownTool ?? (() => false),
  })
  const subscriptions = createSubscriptionsHandler({
    url: `${origin}/cta/subscriptions`,
    store,
    resolveKey: resolver.resolveKey,
    isInstalled: options.isInstalled,
    ...LOCAL,
  })
  const feed = createFeed({
    url: `${origin}/cta/feed`,
    store,
    resolveKey: resolver.resolveKey,
    isInstalled: options.isInstalled,
  })
  // Retries start after one second and wait at most four here (the SDK's defaults are 30 s and
  // 8 h), so that the demo sees them. Nothing depends on when they come: a receiver that is not
  // ready answers 503 with Retry-After, and the delivery stays in the outbox until it is delivered.
  // Before each delivery the worker asks whether the subscriber is still installed in the group,
  // and ends (and announces) a subscription that expired, lost its installation or kept failing;
  // a tool the group disconnected still gets the `group.tool.disconnected` event that says so.
  const worker = createDeliveryWorker({
    store,
    ...LOCAL,
    retry: { initialDelay: 1, maxDelay: 4 },
    pollInterval: 100,
    isInstalled: options.isInstalled,
    announce: { key, name: options.name, subscriptions: `${origin}/cta/subscriptions` },
  })
  worker.start()
  const routes: Route[] = options.routes === undefined ? [] : [options.routes(origin)]
  server.handle(async (request) => {
    const path = new URL(request.url).pathname
    if (path === TOOL_MANIFEST_PATH) return json(manifest)
    if (path === '/.well-known/jwks.json') {
      const answer = json(ring.jwks())
      answer.headers.set('cache-control', ring.cacheControl)
      return answer
    }
    if (path === '/cta/subscriptions' || path.startsWith('/cta/subscriptions/'))
      return subscriptions(request)
    if (path === '/cta/feed') return feed(request)
    for (const route of routes) {
      const response = await route(request)
      if (response !== undefined) return response
    }
    // A browser gets the examples' styled 404 page (ERR_NOT_FOUND); any other client, as before.
    if (/text\/html/i.test(request.headers.get('accept') ?? ''))
      return notFound(request, { name: options.name, origin })
    return new Response('not found', { status: 404 })
  })
  const emitted: string[] = []
  const signedWith: string[] = []
  const flush = async (): Promise<void> => {
    while ((await worker.runOnce()).claimed > 0) {
      // keep going until nothing is due
    }
  }
  const publish = async (jws: string, event: Event): Promise<void> => {
    await publishEvent(jws, { store })
    emitted.push(event.id)
    const header = Buffer.from(jws.slice(0, jws.indexOf('.')), 'base64url').toString()
    signedWith.push(String((JSON.parse(header) as { kid?: unknown }).kid))
    await flush()
  }
  return {
    origin,
    key,
    manifest,
    store,
    emitted,
    signedWith,
    signingKey: () => ring.signingKey(),
    emit: async (event) => publish(await signEvent(event, ring.signingKey()), event),
    rotateKey: async () => ring.rotate(await generateSigningKey({ origin })),
    publish,
    addRoute: (route) => {
      routes.push(route)
    },
    mount: (match, listener) => {
      server.mount(match, listener)
    },
    flush,
    pending: async () => (await store.listDeliveries({ status: 'pending' })).length,
    async close() {
      await worker.stop()
      await server.close()
      await store.close()
    },
  }
}
