import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
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
  publishEvent,
  signEvent,
  toJwks,
  type CreateEventOptions,
  type DeliveryStore,
  type Event,
  type EventData,
  type EventOf,
  type InboxContext,
  type InstallationCacheOptions,
  type OutboundPolicy,
  type SigningKey,
  type ToolManifest,
} from '@cta-interop/sdk'
import { createNodeServer, type NodeServerOptions } from './create-node-server.js'
import { namePreset, namingPreset } from './internal/preset-refusal.js'
import { openToolStore, type ToolStoreOptions } from './internal/open-tool-store.js'
import { createToolControl } from './internal/create-tool-control.js'
import { createSafeFetch } from './safe-fetch.js'
import { subscribe as subscribeTo, type SubscribeResult } from './subscribe.js'
import { toNodeListener } from './to-node-listener.js'

export type { ToolStoreOptions } from './internal/open-tool-store.js'
export { PresetRefusal } from './internal/preset-refusal.js'

/**
 * `'production'` (the default): every URL a peer supplies must be `https:` and is fetched through
 * {@link createSafeFetch}, which refuses loopback, private and link-local addresses.
 * `'development'`: `http:` and loopback addresses are allowed, and retries start after a second.
 */
export type ToolPreset = 'production' | 'development'

/** Options of {@link createTool}. */
export interface CreateToolOptions {
  /** The tool's name, as its manifest says it. */
  readonly name: string
  /**
   * The tool's public origin, the `id` of its manifest. Default, with `port`: `http://<host>:<port>`
   * (development only). Required on the production preset, and `https:` there.
   */
  readonly origin?: string
  /**
   * Listen on this port (`0`: any free one) with {@link createNodeServer}. Without it the tool does
   * not listen: serve `handler` or `listener` yourself.
   */
  readonly port?: number
  /** The address to listen on. Default `127.0.0.1`. */
  readonly host?: string
  /** The connection limits of the server it starts. */
  readonly server?: NodeServerOptions
  /** The event types the tool emits. */
  readonly emits?: readonly string[]
  /** The event types it consumes (types or `prefix.*`), as its manifest lists them. Default none. */
  readonly consumes?: readonly string[]
  /**
   * Called once per new event, pushed to the inbox or read from a feed. It must ignore types it
   * does not know. If it throws, the event is not recorded and the sender tries again.
   */
  readonly onEvent?: (event: Event, context: InboxContext) => Promise<void> | void
  /** The signing key (`<origin>#…`). Default: a new Ed25519 key each start. */
  readonly key?: SigningKey
  /**
   * Where the outbox, feed, subscriptions, dedupe records and feed cursors are kept: PGlite in
   * `dataDir` (default: in memory), PostgreSQL (`{ postgres: connectionString | pool }`), or
   * `{ memory: true }` (no database; lost on restart).
   */
  readonly store?: ToolStoreOptions
  /**
   * The installations of the groups the tool serves, from each group's authority
   * (`createInstallationCache`): who may subscribe, read the feed and speak for a group. Tools
   * installed with {@link Tool.install} count too.
   */
  readonly installations?: InstallationCacheOptions
  /**
   * Who may speak for a group: `'installed'` (default; the group's authority or an installed tool)
   * or `'any-source'` (development preset only).
   */
  readonly speaksFor?: 'installed' | 'any-source'
  /**
   * The tool origins whose keys may be fetched. Default: the tools installed with
   * {@link Tool.install}, the producers subscribed to, and the control API's peers.
   */
  readonly trustedSources?: readonly string[] | ((origin: string) => boolean | Promise<boolean>)
  /** See {@link ToolPreset}. Default `'production'`. */
  readonly preset?: ToolPreset
  /** The fetch for URLs peers supply. Default `createSafeFetch()` (production), `fetch` (development). */
  readonly fetch?: typeof fetch
  /**
   * Mounts the test-only conformance control API at `/__cta-conformance` with this bearer token
   * (32 random bytes in base64url). Never in production.
   */
  readonly control?: { readonly token: string }
  /** Failures of the delivery worker's loop, for logs. */
  readonly onError?: (error: unknown) => void
}

/** Options of {@link Tool.subscribe}. */
export interface ToolSubscribeOptions {
  readonly group: string
  /** Event types or `prefix.*` patterns; absent: every type. */
  readonly types?: readonly string[]
  /** When the subscription is to end at the latest (RFC 3339). */
  readonly expires?: string
}

/** A running tool, from {@link createTool}. */
export interface Tool {
  readonly origin: string
  readonly manifest: ToolManifest
  readonly key: SigningKey
  /** The outbox, feed, subscriptions and dedupe records. */
  readonly store: DeliveryStore
  /** Every route of the tool, as a Fetch API handler. */
  readonly handler: (request: Request) => Promise<Response>
  /** The same routes as a `node:http` request listener. */
  readonly listener: (req: IncomingMessage, res: ServerResponse) => void
  /** Installs `tool` (an origin) in `group` here: it may subscribe, read the feed and speak for it. */
  install(group: string, tool: string): void
  /** Ends an installation made with {@link Tool.install}. */
  uninstall(group: string, tool: string): void
  /**
   * Creates, signs and publishes an event: appended to the feed and delivered to every matching
   * subscription by the delivery worker.
   */
  emit<const T extends string>(
    type: T,
    activity: EventData<T>,
    options?: Omit<CreateEventOptions, 'source'>,
  ): Promise<EventOf<T>>
  /**
   * Subscribes to a producer's events in a group: catches up from its feed (from the saved
   * cursor), subscribes with the signed request and the handshake, then receives pushes.
   */
  subscribe(producer: string, options: ToolSubscribeOptions): Promise<SubscribeResult>
  /** Runs the delivery worker until nothing is due now. */
  flush(): Promise<void>
  /** Stops the worker and the server, then closes the store; a second call waits for the first. */
  close(): Promise<void>
}

/** What `createTool({ ...development() })` adds: the development preset. */
export function development(): { readonly preset: 'development' } {
  return { preset: 'development' }
}

const PATHS = {
  jwks: '/.well-known/jwks.json',
  inbox: '/cta/inbox',
  subscriptions: '/cta/subscriptions',
  feed: '/cta/feed',
} as const

async function listen(options: CreateToolOptions, listener: Tool['listener']) {
  const server = createNodeServer(listener, options.server)
  const host = options.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, host, resolve)
  })
  const { port } = server.address() as AddressInfo
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => {
        resolve()
      })
      server.closeAllConnections()
    })
  return { origin: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, close }
}

function checkOptions(options: CreateToolOptions): ToolPreset {
  const preset = options.preset ?? 'production'
  if (!(['production', 'development'] as unknown[]).includes(preset)) {
    throw new TypeError("preset must be 'production' or 'development'")
  }
  if (options.origin === undefined && options.port === undefined) {
    throw new TypeError('give the tool its public origin, or a port to listen on')
  }
  if (preset === 'production') {
    if (options.origin === undefined || !options.origin.startsWith('https://')) {
      throw new TypeError(
        "a production tool needs its public https: origin; for a loopback tool use createTool({ ...development(), … }) (preset: 'development')",
      )
    }
    if (options.speaksFor === 'any-source') {
      throw new TypeError("speaksFor: 'any-source' is for the development preset only")
    }
  }
  if (options.origin !== undefined && new URL(options.origin).origin !== options.origin) {
    throw new TypeError('origin must be an origin, such as https://decisions.example')
  }
  return preset
}

/**
 * Wires a complete CTA tool in one call: its manifest and JWKS, an inbox (whose sources must speak
 * for their group), an outbox with the delivery worker, a feed, the subscriptions API, key
 * resolution through peers' manifests, and {@link Tool.subscribe} for the receiving side. Its
 * state is kept in an embedded PGlite database (in memory unless `store.dataDir` is given) or in
 * PostgreSQL. The preset decides what peers' URLs may be: `https:` and public addresses only
 * (production, the default), or also `http:` and loopback ({@link development}); an address the
 * production preset refuses fails with a {@link PresetRefusal} that names the development preset.
 *
 * Routes: `/.well-known/cta-tool`, `/.well-known/jwks.json`, `/cta/inbox`, `/cta/subscriptions`,
 * `/cta/feed`, and with `control` the conformance control API.
 *
 * @param options `name` and `origin` or `port` (required); the preset, types, `onEvent`, store,
 *   installations and keys.
 * @returns The running tool: its `handler` and `listener`, `emit`, `subscribe`, `close`.
 * @throws {TypeError} Without `origin` or `port`; on the production preset without an `https:`
 *   origin, or with `speaksFor: 'any-source'`; with a control token too weak.
 * @throws {ProtocolError} `ERR_STORE_CORRUPT` when the store's files are damaged.
 * @example
 * ```ts
 * import { createTool, development } from '@cta-interop/sdk/node'
 * const tool = await createTool({ ...development(), name: 'Notes', port: 0, emits: ['org.example.note.created'] })
 * ```
 * @see {@link https://w3id.org/cta/spec/delivery#subscriptions Spec: subscriptions}
 * @see {@link https://w3id.org/cta/spec/events#EVT-AUTHZ-001 Spec: who may speak for a group}
 * @see {@link https://w3id.org/cta/spec/security#SEC-SSRF-002 Spec: SEC-SSRF-002}
 */
export async function createTool(options: CreateToolOptions): Promise<Tool> {
  const preset = checkOptions(options)
  const dev = preset === 'development'
  const policy: OutboundPolicy = dev
    ? {
        allowHttp: true,
        allowPrivateNetwork: true,
        ...(options.fetch ? { fetch: options.fetch } : {}),
      }
    : { fetch: options.fetch ?? createSafeFetch() }
  // Requests are answered once the routes exist, on the tool's origin (request tokens name it).
  const routes: { listener?: Tool['listener'] } = {}
  const listener: Tool['listener'] = (req, res) => {
    if (routes.listener !== undefined) {
      routes.listener(req, res)
      return
    }
    res.writeHead(503, { 'retry-after': '1' }).end()
  }
  const server = options.port === undefined ? undefined : await listen(options, listener)
  // checkOptions saw an origin or a port: one of the two is there.
  const origin = options.origin ?? server?.origin ?? ''
  const opened = await openToolStore(options.store).catch(async (err: unknown) => {
    await server?.close()
    throw err
  })
  const { store, cursors } = opened
  const key = options.key ?? (await generateSigningKey({ origin }))
  const emits = [...(options.emits ?? [])]
  const consumes = [...(options.consumes ?? [])]
  const manifest = createToolManifest({
    id: origin,
    name: options.name,
    jwks_uri: `${origin}${PATHS.jwks}`,
    inbox: `${origin}${PATHS.inbox}`,
    subscriptions: `${origin}${PATHS.subscriptions}`,
    feed: `${origin}${PATHS.feed}`,
    emits,
    consumes,
    profiles: ['core', 'emitter', 'receiver'],
  })

  // Installations: the tool's own list, and the groups' authorities when configured.
  const installed = new Set<string>()
  const cache =
    options.installations === undefined ? undefined : createInstallationCache(options.installations)
  const isInstalled = async (group: string, tool: string): Promise<boolean> =>
    installed.has(`${group} ${tool}`) ||
    (cache !== undefined && (await cache.speaksFor(group, tool)))
  const producers = new Set<string>()
  const trusted =
    options.trustedSources ??
    ((o: string) =>
      producers.has(o) ||
      [...installed].some((entry) => entry.endsWith(` ${o}`)) ||
      (control?.sessions().some((s) => s.peer === o) ?? false))
  const resolver = createManifestResolver({ ...policy, trustedSources: trusted })
  const resolveKey: typeof resolver.resolveKey = (kid) =>
    Promise.resolve(resolver.resolveKey(kid)).catch((err: unknown) => {
      throw namePreset(err)
    })

  const failing = new Set<string>()
  const onEvent = async (event: Event, context: InboxContext): Promise<void> => {
    if (failing.delete(event.source)) throw new Error('the application failed (fail-next-event)')
    await cache?.onEvent(event)
    await options.onEvent?.(event, context)
    control?.observe(event)
  }
  const install = (group: string, tool: string): void => {
    installed.add(`${group} ${new URL(tool).origin}`)
  }
  const uninstall = (group: string, tool: string): void => {
    installed.delete(`${group} ${new URL(tool).origin}`)
  }
  const emit: Tool['emit'] = async (type, activity, eventOptions = {}) => {
    const event = createEvent(type, activity, { ...eventOptions, source: origin })
    await publishEvent(await signEvent(event, key), { store })
    return event
  }
  const control =
    options.control === undefined
      ? undefined
      : createToolControl({
          token: options.control.token,
          origin,
          name: options.name,
          emits,
          install,
          uninstall,
          emit: (type, activity) => emit(type, activity as EventData<string>),
          failNext: (peer) => failing.add(peer),
        })

  const inbox = createInbox({
    resolveKey,
    speaksFor: options.speaksFor === 'any-source' ? 'any-source' : isInstalled,
    dedupe: store.dedupe,
    onEvent,
  })
  const subscriptions = createSubscriptionsHandler({
    url: manifest.subscriptions as string,
    store,
    resolveKey,
    isInstalled,
    ...policy,
  })
  const feed = createFeed({ url: manifest.feed as string, store, resolveKey, isInstalled })
  const worker = createDeliveryWorker({
    store,
    ...policy,
    isInstalled,
    announce: { key, name: options.name, subscriptions: manifest.subscriptions as string },
    ...(dev ? { retry: { initialDelay: 1 }, pollInterval: 100 } : {}),
    ...(options.onError === undefined ? {} : { onError: options.onError }),
  })
  worker.start()
  const jwks = toJwks([key])
  let closing: Promise<void> | undefined

  const handler: Tool['handler'] = async (request) => {
    const controlled = await control?.handle(request)
    if (controlled !== undefined) return controlled
    const path = new URL(request.url).pathname
    if (path === TOOL_MANIFEST_PATH) return Response.json(manifest)
    if (path === PATHS.jwks) return Response.json(jwks)
    if (path === PATHS.inbox) {
      const allowedOrigins = (o: string) => producers.has(o)
      return (await answerHandshake(request, { allowedOrigins })) ?? inbox(request)
    }
    if (path === PATHS.subscriptions || path.startsWith(`${PATHS.subscriptions}/`)) {
      return subscriptions(request)
    }
    if (path === PATHS.feed) return feed(request)
    return new Response('not found', { status: 404 })
  }

  routes.listener = toNodeListener(handler, { origin })

  return {
    origin,
    manifest,
    key,
    store,
    handler,
    listener,
    install,
    uninstall,
    emit,
    subscribe: (producer, { group, types, expires }) =>
      namingPreset(async () => {
        producers.add(new URL(producer).origin)
        return subscribeTo(new URL(producer).origin, {
          ...policy,
          group,
          ...(types === undefined ? {} : { types }),
          ...(expires === undefined ? {} : { expires }),
          sink: manifest.inbox as string,
          key,
          resolveKey,
          manifest: (o) => resolver.manifest(o),
          dedupe: store.dedupe,
          onEvent,
          cursors,
        })
      }),
    async flush() {
      while ((await worker.runOnce()).claimed > 0) {
        // until nothing is due now
      }
    },
    close() {
      closing ??= (async () => {
        await worker.stop()
        await server?.close()
        await opened.close()
      })()
      return closing
    },
  }
}
