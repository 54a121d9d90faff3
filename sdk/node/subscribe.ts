import {
  JOSE_MEDIA_TYPE,
  ProtocolError,
  isProtocolError,
  pullEvents,
  signSubscriptionRequest,
  type DedupeStore,
  type Event,
  type InboxContext,
  type OutboundPolicy,
  type ProtocolErrorCode,
  type ResolveKey,
  type SignatureVerifier,
  type SigningKey,
  type ToolManifest,
} from '@cta-interop/sdk'

/** Where a subscriber keeps how far it has read each producer's feed, per group. */
export interface CursorStore {
  /** The cursor saved for `producer` and `group`, if any. */
  get(producer: string, group: string): Promise<string | undefined>
  /** Saves the cursor to continue from. */
  set(producer: string, group: string, cursor: string): Promise<void>
}

/** Options of {@link subscribe}. */
export interface SubscribeOptions extends OutboundPolicy {
  /** The group whose events to receive. */
  readonly group: string
  /** Event types or `prefix.*` patterns; absent: every type the producer emits. */
  readonly types?: readonly string[]
  /** The subscriber's inbox URL, on its own origin: where the producer pushes. */
  readonly sink: string
  /** The subscriber's signing key: signs the subscription request and the feed's request tokens. */
  readonly key: SigningKey
  /** Finds keys through tool manifests: `createManifestResolver().resolveKey`. */
  readonly resolveKey: ResolveKey
  /** The producer's validated manifest: `createManifestResolver().manifest`. */
  readonly manifest: (origin: string) => Promise<ToolManifest>
  /** The inbox's dedupe store, so that an event both pulled and pushed is processed once. */
  readonly dedupe: DedupeStore
  /** Called once per new event read from the feed, as the inbox's `onEvent`. */
  readonly onEvent: (event: Event, context: InboxContext) => Promise<void> | void
  /** Keeps the feed cursor between calls (and restarts). Default: start from the feed's oldest. */
  readonly cursors?: CursorStore
  /** When the subscription is to end at the latest (RFC 3339). */
  readonly expires?: string
  /** Checks signatures instead of Web Crypto (`nodeSignatureVerifier()`). */
  readonly verifySignature?: SignatureVerifier
}

/** What {@link subscribe} did. */
export interface SubscribeResult {
  /** The subscription the producer created, as it answered it (`id`, `expires`, …). */
  readonly subscription: Readonly<Record<string, unknown>> & { readonly id: string }
  /** The feed cursor after catching up (saved in `cursors`). */
  readonly cursor: string | undefined
  /** Events read from the feed and handed to `onEvent`. */
  readonly processed: number
}

/** The producer's problem `code`, if its answer is a problem document with one. */
function problemCode(text: string): string | undefined {
  try {
    const problem = JSON.parse(text) as { code?: unknown } | null
    return typeof problem?.code === 'string' && /^ERR_[A-Z_]+$/.test(problem.code)
      ? problem.code
      : undefined
  } catch {
    return undefined
  }
}

/**
 * Subscribes to a producer's events for one group, without missing any: reads the group's events
 * from the producer's feed after the saved cursor, sends the signed subscription request
 * (the producer then runs the abuse-protection handshake against `sink`: let the inbox allow the
 * producer's origin first), and reads the feed once more, for the events emitted meanwhile. From
 * then on the producer pushes to `sink`; an event that arrives both ways is processed once, through
 * the shared `dedupe` store. The cursor is saved in `cursors` after each read.
 *
 * @param producer The producer's origin.
 * @param options `group`, `sink`, `key`, `resolveKey`, `manifest`, `dedupe` and `onEvent`
 *   (required); `types`, `cursors`, `expires`, and the outbound policy.
 * @returns The subscription, the cursor and how many events the feed held.
 * @throws {ProtocolError} `ERR_MANIFEST_INVALID` when the producer's manifest names no
 *   subscriptions endpoint on its own origin; the producer's code when it refuses the request
 *   (`ERR_NOT_INSTALLED`, `ERR_HANDSHAKE_FAILED`, `ERR_ADDRESS_NOT_ALLOWED`, …), or
 *   `ERR_FETCH_FAILED`; the codes of `pullEvents` and of the manifest resolver.
 * @example
 * ```ts
 * declare const cursors: import('@cta-interop/sdk/node').CursorStore // where the feed cursor is kept between runs
 * const { subscription } = await subscribe('https://decisions.example', {
 *   group, sink: 'https://dashboard.example/cta/inbox', key, dedupe: store.dedupe, cursors,
 *   resolveKey: resolver.resolveKey, manifest: resolver.manifest, onEvent, fetch: createSafeFetch(),
 * })
 * ```
 * @see {@link https://w3id.org/cta/spec/delivery#subscription-requests Spec: subscription requests}
 * @see {@link https://w3id.org/cta/spec/delivery#pull Spec: pulling}
 */
export async function subscribe(
  producer: string,
  options: SubscribeOptions,
): Promise<SubscribeResult> {
  if (!URL.canParse(producer) || new URL(producer).origin !== producer) {
    throw new TypeError('producer must be an origin, such as https://decisions.example')
  }
  if (options.fetch === undefined && options.allowPrivateNetwork !== true) {
    throw new TypeError(
      'pass `fetch` (createSafeFetch()), or `allowPrivateNetwork: true` for tests',
    )
  }
  const manifest = await options.manifest(producer)
  const endpoint = manifest.subscriptions
  if (endpoint === undefined || new URL(endpoint).origin !== producer) {
    throw new ProtocolError(
      'ERR_MANIFEST_INVALID',
      `${producer} names no subscriptions endpoint on its origin`,
    )
  }
  const { cursors, group } = options
  let cursor = await cursors?.get(producer, group)
  let processed = 0
  const catchUp = async (): Promise<void> => {
    if (manifest.feed === undefined) return
    const pulled = await pullEvents(manifest.feed, {
      ...options,
      ...(cursor === undefined ? {} : { after: cursor }),
    })
    processed += pulled.processed
    if (pulled.cursor !== undefined && pulled.cursor !== cursor) {
      cursor = pulled.cursor
      await cursors?.set(producer, group, cursor)
    }
  }
  await catchUp()
  const body = await signSubscriptionRequest(
    {
      sink: options.sink,
      group,
      ...(options.types === undefined ? {} : { types: options.types }),
      ...(options.expires === undefined ? {} : { expires: options.expires }),
    },
    options.key,
    { audience: producer },
  )
  const doFetch = options.fetch ?? globalThis.fetch // allowPrivateNetwork: checked above
  let response: Response
  try {
    // The endpoint is on the producer's origin, whose manifest came through the same guards.
    response = await doFetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': JOSE_MEDIA_TYPE, accept: 'application/json' },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeout ?? 15_000),
    })
  } catch (err) {
    if (isProtocolError(err)) throw err
    throw new ProtocolError('ERR_FETCH_FAILED', `could not reach ${endpoint}`, { cause: err })
  }
  const text = await response.text()
  if (response.status !== 201) {
    const code = problemCode(text)
    throw new ProtocolError(
      (code ?? 'ERR_FETCH_FAILED') as ProtocolErrorCode,
      `${producer} refused the subscription: ${response.status} ${code ?? ''}`.trimEnd(),
    )
  }
  let subscription: SubscribeResult['subscription']
  try {
    subscription = JSON.parse(text) as SubscribeResult['subscription']
  } catch (err) {
    throw new ProtocolError('ERR_FETCH_FAILED', `${endpoint} did not answer JSON`, { cause: err })
  }
  // Events emitted between the first read and the subscription reach no inbox: read them now.
  await catchUp()
  return { subscription, cursor, processed }
}
