/**
 * Emitter: a subscription lasts only as long as the group's consent. Each case subscribes a sink of
 * its own (another origin of the suite) in a group of its own: once the group stops using that tool
 * (`disconnect-tool`) the tool sends it nothing more and, if it still answers that tool, shows the
 * subscription ended; a subscription gets an `expires` of at most 90 days, the one asked for when
 * earlier; and nothing is sent to a subscription once its `expires` has passed.
 */
import { signRequestToken, signSubscriptionRequest } from '@cta-interop/sdk'
import type { LiveCase, LiveContext } from '../case.js'
import { check } from '../case.js'
import type { PeerTool } from '../peer.js'
import {
  awaitDelivery,
  controlOf,
  deliveredIds,
  emitIn,
  expectSubscribed,
  settle,
  subscriptionsUrl,
  withSeparateSession,
} from './emitter-support.js'
import { problemType } from './suite-events.js'

/** The longest a subscription may live (DLV-SUB-010), in ms. */
const MAX_LIFETIME = 90 * 24 * 60 * 60 * 1000

/** What the subscriptions endpoint answered to a request, with its JSON body. */
interface Created {
  readonly status: number
  readonly location: string | null
  readonly body: Record<string, unknown>
}

/** Subscribes `tool`'s inbox to `group`, asking for `expires` when given. */
async function subscribeUntil(
  ctx: LiveContext,
  tool: PeerTool,
  group: string,
  expires?: string,
  iat?: Date,
): Promise<Created> {
  const body = await signSubscriptionRequest(
    { sink: `${tool.origin}/cta/inbox`, group, ...(expires === undefined ? {} : { expires }) },
    tool.key,
    { audience: ctx.sut.endpoints.origin, ...(iat === undefined ? {} : { currentDate: iat }) },
  )
  const response = await ctx.wire.fetch(subscriptionsUrl(ctx), {
    method: 'POST',
    headers: { 'content-type': 'application/jose' },
    body,
  })
  const parsed = (await response.json().catch(() => ({}))) as unknown
  return {
    status: response.status,
    location: response.headers.get('location'),
    body: typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {},
  }
}

/** Reads a subscription as its subscriber, with a fresh request token. */
export async function readSubscription(
  ctx: LiveContext,
  tool: PeerTool,
  location: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const token = await signRequestToken({ method: 'GET', url: location }, tool.key)
  const response = await ctx.wire.fetch(location, {
    headers: { authorization: `CTA-JWS ${token}` },
  })
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>
  return { status: response.status, body }
}

function expect201(created: Created, what: string): void {
  check(
    created.status === 201 && created.location !== null,
    `subscribing ${what} was answered ${created.status}`,
    { status: 201 },
    { status: created.status, body: created.body },
  )
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export const EMITTER_CONSENT_CASES: readonly LiveCase[] = [
  {
    id: 'live.emitter.disconnect-ends-subscription',
    title:
      'Once the group stops using a tool, nothing more of the group is delivered to it and its subscription shows ended (uninstalled)',
    requirements: ['DLV-SUB-009'],
    profile: 'emitter',
    level: 'MUST',
    actions: ['emit', 'disconnect-tool'],
    async run(ctx) {
      await expectSubscribed(ctx)
      const { control } = controlOf(ctx)
      return withSeparateSession(ctx, { extraPeer: true }, async (separate, sink) => {
        const created = await subscribeUntil(ctx, sink, separate.group)
        expect201(created, 'a sink of its own')
        const before = await emitIn(ctx, separate)
        await awaitDelivery(ctx, sink, before)
        await control.act(separate, 'disconnect-tool', { tool: sink.origin })
        const from = sink.deliveries.length
        const after = await emitIn(ctx, separate)
        // Everything the tool queued before the next two events reached the main inbox has been
        // attempted by then.
        await settle(ctx)
        const read = await readSubscription(ctx, sink, created.location as string)
        const expected = {
          delivered: 'nothing emitted after the disconnection',
          subscription: { status: 'ended', reason: 'uninstalled' },
        }
        const actual = {
          emittedAfter: after,
          deliveredAfter: deliveredIds(sink, from),
          subscription: {
            answer: read.status,
            status: read.body['status'],
            reason: read.body['reason'],
          },
        }
        check(
          !actual.deliveredAfter.includes(after),
          'an event emitted after the group disconnected the tool was delivered to it',
          expected,
          actual,
        )
        // A tool may refuse to authenticate a tool it no longer serves (SEC-SSRF-004: it fetches
        // keys only of tools installed in its groups); when it answers, the answer must say ended.
        if (read.status === 200) {
          check(
            read.body['status'] === 'ended' && read.body['reason'] === 'uninstalled',
            `the subscription of the disconnected tool reads ${JSON.stringify(read.body['status'])} (${JSON.stringify(read.body['reason'])}), not ended (uninstalled)`,
            expected,
            actual,
          )
        } else {
          check(
            [401, 403, 404].includes(read.status),
            `reading the subscription of the disconnected tool was answered ${read.status}`,
            { ...expected, orRefused: [401, 403, 404] },
            actual,
          )
        }
        return { expected, actual }
      })
    },
  },
  {
    id: 'live.emitter.subscription-expires',
    title:
      'A subscription gets an expires: the one asked for, or at most 90 days after it was created; an expires not later than iat is refused',
    requirements: ['DLV-SUB-010'],
    profile: 'emitter',
    level: 'MUST',
    actions: ['emit'],
    async run(ctx) {
      await expectSubscribed(ctx)
      return withSeparateSession(ctx, { extraPeer: true }, async (separate, sink) => {
        const asked = new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString()
        const short = await subscribeUntil(ctx, sink, separate.group, asked)
        expect201(short, 'with an expires in a week')
        const sent = Date.now()
        const plain = await subscribeUntil(ctx, sink, separate.group)
        expect201(plain, 'without an expires')
        const iat = new Date(Date.now() - 60_000)
        const before = new Date(iat.getTime() - 3_600_000).toISOString()
        const past = await subscribeUntil(ctx, sink, separate.group, before, iat)
        const shortExpires = Date.parse(String(short.body['expires']))
        const plainExpires = Date.parse(String(plain.body['expires']))
        const plainCreated = Date.parse(String(plain.body['created']))
        const expected = {
          asked: `at most ${asked}`,
          unasked: 'at most 90 days after created',
          notAfterIat: { status: 422, type: problemType('ERR_SCHEMA_INVALID') },
        }
        const actual = {
          asked: short.body['expires'],
          unasked: { created: plain.body['created'], expires: plain.body['expires'] },
          notAfterIat: { status: past.status, type: past.body['type'] },
        }
        check(
          Number.isFinite(shortExpires) && shortExpires <= Date.parse(asked),
          'a subscription that asked for an expires in a week shows no expires, or a later one',
          expected,
          actual,
        )
        const created = Number.isFinite(plainCreated) ? plainCreated : sent
        check(
          Number.isFinite(plainExpires) && plainExpires <= created + MAX_LIFETIME + 1000,
          'a subscription that asked for no expires shows none, or one more than 90 days away',
          expected,
          actual,
        )
        check(
          past.status === 422 && past.body['type'] === problemType('ERR_SCHEMA_INVALID'),
          `a request whose expires is an hour before its iat was answered ${past.status}, not 422 ERR_SCHEMA_INVALID`,
          expected,
          actual,
        )
        return { expected, actual }
      })
    },
  },
  {
    id: 'live.emitter.expired-not-delivered',
    title: 'Nothing is delivered to a subscription once its expires has passed',
    requirements: ['DLV-SUB-011'],
    profile: 'emitter',
    level: 'MUST',
    actions: ['emit'],
    async run(ctx) {
      await expectSubscribed(ctx)
      return withSeparateSession(ctx, { extraPeer: true }, async (separate, sink) => {
        // A few seconds of life, and as many again for the clocks of the suite and the tool.
        const lifetime = 4000
        const expires = new Date(Date.now() + lifetime).toISOString()
        const created = await subscribeUntil(ctx, sink, separate.group, expires)
        expect201(created, 'with an expires in a few seconds')
        await sleep(Date.parse(expires) - Date.now() + lifetime)
        const from = sink.deliveries.length
        const after = await emitIn(ctx, separate)
        await settle(ctx)
        const expected = { deliveredAfterExpiry: [] }
        const actual = { expires, emitted: after, deliveredAfterExpiry: deliveredIds(sink, from) }
        check(
          !actual.deliveredAfterExpiry.includes(after),
          'an event emitted after the subscription expired was delivered to it',
          expected,
          actual,
        )
        return { expected, actual }
      })
    },
  },
]
