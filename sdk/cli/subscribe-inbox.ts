import { createManifestResolver, type DedupeStore, type SigningKey } from '@cta-interop/sdk'
import { createSafeFetch, nodeSignatureVerifier, subscribe } from '@cta-interop/sdk/node'

/** What `cta inbox --subscribe` asks an emitter for. */
export interface SubscribeInboxOptions {
  readonly group: string
  readonly types?: readonly string[]
  /** The inbox's URL, on the origin of `key`. */
  readonly sink: string
  /** The inbox's key: signs the subscription request. */
  readonly key: SigningKey
  /** The inbox's dedupe store. */
  readonly dedupe: DedupeStore
  /** Development: allow an emitter on `http:` or a loopback or private address. */
  readonly allowHttp: boolean
}

/**
 * Subscribes the running `cta inbox` to `producer`'s events of one group with the SDK's
 * `subscribe`: the emitter's manifest and keys through a resolver that trusts only that origin
 * (guarded by `createSafeFetch` unless `allowHttp`), then the signed subscription request; the
 * inbox must already answer the emitter's handshake. The inbox shows what is pushed from now on,
 * not the group's history: the emitter's feed is not read (`subscribe` reads it only when the
 * manifest it is given names one), so a refusal is the subscription endpoint's coded answer.
 * @throws {ProtocolError} The emitter's refusal (`ERR_NOT_INSTALLED`, `ERR_HANDSHAKE_FAILED`, …),
 *   `ERR_ADDRESS_NOT_ALLOWED` without `allowHttp`, `ERR_FETCH_FAILED`, `ERR_MANIFEST_INVALID`.
 * @see {@link https://w3id.org/cta/spec/delivery#subscription-requests Spec: subscription requests}
 */
export async function subscribeInbox(
  producer: string,
  options: SubscribeInboxOptions,
): Promise<{ subscription: string; expires?: string; processed: number }> {
  const policy = options.allowHttp
    ? ({ allowHttp: true, allowPrivateNetwork: true } as const)
    : { fetch: createSafeFetch() }
  const resolver = createManifestResolver({ trustedSources: [producer], ...policy })
  const { subscription, processed } = await subscribe(producer, {
    ...policy,
    group: options.group,
    ...(options.types === undefined ? {} : { types: options.types }),
    sink: options.sink,
    key: options.key,
    resolveKey: resolver.resolveKey,
    manifest: async (origin) => {
      const { feed: _history, ...manifest } = await resolver.manifest(origin)
      return manifest
    },
    dedupe: options.dedupe,
    verifySignature: nodeSignatureVerifier(),
    // Without a feed nothing is pulled: events arrive at the inbox, which prints them.
    onEvent: () => undefined,
  })
  const expires = subscription['expires']
  return {
    subscription: subscription.id,
    ...(typeof expires === 'string' ? { expires } : {}),
    processed,
  }
}
