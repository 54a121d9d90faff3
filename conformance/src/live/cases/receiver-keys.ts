/**
 * Receiver cases about finding a sender's key: manifests and JWKS that are wrong on purpose,
 * served by throwaway tools of the suite's, and which requests the tool sends while it looks.
 */
import { toJwks, type SigningKey } from '@cta-interop/sdk'
import type { LiveCase, LiveContext } from '../case.js'
import { check } from '../case.js'
import {
  startVariantPeer,
  withTrustedPeer,
  type VariantPeer,
  type VariantPeerOptions,
} from './receiver-variant-peer.js'
import { payload } from './receiver-rejects.js'
import {
  expectNotObserved,
  expectRejection,
  headerOf,
  postToInbox,
  signRaw,
  signValid,
  suiteEvent,
} from './suite-events.js'

/** Pushes a valid event of `from`'s into the context's session, signed with its key. */
async function pushFrom(ctx: LiveContext, from: VariantPeer, kid = from.key.kid) {
  const event = suiteEvent(ctx, from.tool)
  const jws =
    kid === from.key.kid
      ? await signValid(event, from.key)
      : await signRaw({ ...headerOf(from.key), kid }, payload(event), from.key)
  return { id: event['id'] as string, answer: await postToInbox(ctx, jws) }
}

/** Checks that nobody made the tool send a request to `peer`. */
function expectNoRequests(peer: VariantPeer, what: string): void {
  check(
    peer.requests.length === 0,
    `the tool requested ${peer.requests.join(', ')} from ${what}`,
    { requests: [] },
    { requests: peer.requests },
  )
}

/**
 * A case where the session trusts a variant peer (installed in a group of the tool's), which
 * pushes a valid event, and the tool must refuse it with `code` because of what the peer serves.
 */
const refusesPeer = (
  id: string,
  title: string,
  requirements: string[],
  code: string,
  variant: (ctx: LiveContext) => Promise<{ peer: VariantPeer; others?: VariantPeer[] }>,
  after?: (found: { peer: VariantPeer; others: VariantPeer[] }) => void,
): LiveCase => ({
  id: `live.receiver.${id}`,
  title,
  requirements,
  profile: 'receiver',
  level: 'MUST',
  async run(ctx) {
    const { peer, others = [] } = await variant(ctx)
    try {
      return await withTrustedPeer(ctx, peer.origin, async (inSession) => {
        const { id: eventId, answer } = await pushFrom(inSession, peer)
        const result = expectRejection(answer, code)
        await expectNotObserved(inSession, eventId)
        after?.({ peer, others })
        return result
      })
    } finally {
      for (const p of [peer, ...others]) await p.close()
    }
  },
})

const variantWith = (options: VariantPeerOptions) => async (ctx: LiveContext) => ({
  peer: await startVariantPeer(ctx, options),
})

export const RECEIVER_KEY_CASES: readonly LiveCase[] = [
  refusesPeer(
    'manifest-id-foreign',
    'An event from a tool whose manifest id is not its origin is rejected',
    ['EVT-KEY-004'],
    'ERR_MANIFEST_INVALID',
    variantWith({ manifest: (m) => ({ ...m, id: 'https://another-tool.example' }) }),
  ),
  refusesPeer(
    'jwks-uri-foreign',
    'An event from a tool whose jwks_uri is on another origin is rejected, and that URL never fetched',
    ['SEC-SSRF-006', 'EVT-KEY-004'],
    'ERR_MANIFEST_INVALID',
    async (ctx) => {
      // The other host serves the peer's real key: only its origin is wrong.
      const signer: { key?: SigningKey } = {}
      const host = await startVariantPeer(ctx, { jwks: (own) => toJwks([signer.key ?? own]) })
      const peer = await startVariantPeer(ctx, {
        manifest: (m) => ({ ...m, jwks_uri: `${host.origin}/.well-known/jwks.json` }),
      })
      signer.key = peer.key
      return { peer, others: [host] }
    },
    ({ others }) => {
      for (const host of others) expectNoRequests(host, 'the jwks_uri on another origin')
    },
  ),
  refusesPeer(
    'key-for-encryption',
    'An event whose key is published for encryption (use enc) is rejected as unresolved',
    ['EVT-KEY-005'],
    'ERR_KEY_UNRESOLVED',
    variantWith({
      jwks: (key) => ({ keys: toJwks([key]).keys.map((k) => ({ ...k, use: 'enc' })) }),
    }),
  ),
  {
    id: 'live.receiver.untrusted-origin-not-fetched',
    title: 'An event from a tool installed in none of its groups is rejected without any request',
    requirements: ['SEC-SSRF-004'],
    profile: 'receiver',
    level: 'MUST',
    async run(ctx) {
      const stranger = await startVariantPeer(ctx)
      try {
        const { id, answer } = await pushFrom(ctx, stranger)
        const result = expectRejection(answer, 'ERR_KEY_UNRESOLVED')
        expectNoRequests(stranger, 'a tool it does not trust')
        await expectNotObserved(ctx, id)
        return result
      } finally {
        await stranger.close()
      }
    },
  },
  {
    id: 'live.receiver.failed-fetch-remembered',
    title:
      'After a failed fetch of a tool manifest, another kid of that tool is rejected without a new request',
    requirements: ['SEC-SSRF-005'],
    profile: 'receiver',
    level: 'MUST',
    async run(ctx) {
      const down = await startVariantPeer(ctx, { failWith: 500 })
      try {
        return await withTrustedPeer(ctx, down.origin, async (inSession) => {
          const first = await pushFrom(inSession, down)
          check(
            first.answer.status < 200 || first.answer.status >= 300,
            `the inbox accepted an event whose keys could not be fetched (${first.answer.status})`,
            { first: 'not 2xx' },
            first.answer,
          )
          const fetched = down.requests.length
          // Within the shortest time a failure may be remembered (1 second).
          const second = await pushFrom(inSession, down, `${down.origin}#another-key`)
          const expected = {
            second: { status: first.answer.status, type: first.answer.problemType },
            requests: fetched,
          }
          const actual = {
            second: { status: second.answer.status, type: second.answer.problemType },
            requests: down.requests.length,
          }
          check(
            second.answer.status === first.answer.status &&
              second.answer.problemType === first.answer.problemType,
            'the second kid of the same origin was not failed with the same code',
            expected,
            actual,
          )
          check(
            down.requests.length === fetched,
            `the tool fetched again from ${down.origin} within a second of a failed fetch`,
            expected,
            actual,
          )
          await expectNotObserved(inSession, first.id)
          await expectNotObserved(inSession, second.id)
          return { expected, actual }
        })
      } finally {
        await down.close()
      }
    },
  },
]
