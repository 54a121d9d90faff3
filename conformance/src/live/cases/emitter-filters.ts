/**
 * Emitter: who gets which events. The tool delivers an event only to the subscriptions of its group
 * and type, accepts a subscription only from a tool installed in the group, and refuses a
 * subscription request meant for another producer, signed too long ago, or replayed.
 */
import { signRequestToken, signSubscriptionRequest } from '@cta-interop/sdk'
import type { LiveCase } from '../case.js'
import { check, Untested } from '../case.js'
import {
  awaitDelivery,
  controlOf,
  deliveredIds,
  emitIn,
  emittableTypes,
  expectCreated,
  expectSubscribed,
  postSubscription,
  settle,
  subscribeTool,
  subscriptionsUrl,
  withSeparateSession,
} from './emitter-support.js'
import { problemType } from './suite-events.js'

export const EMITTER_FILTER_CASES: readonly LiveCase[] = [
  {
    id: 'live.emitter.delivers-only-matching',
    title:
      "Delivers an event only to the subscriptions of its group and type: never to another group's, nor one that asked for other types",
    requirements: ['DLV-SUB-008'],
    profile: 'emitter',
    level: 'MUST',
    actions: ['emit'],
    async run(ctx) {
      const { session: main } = controlOf(ctx)
      const [asked, other] = emittableTypes(ctx)
      if (asked === undefined || other === undefined) {
        throw new Untested('the tool manifest lists fewer than two event types it emits')
      }
      await expectSubscribed(ctx)
      return withSeparateSession(ctx, { extraPeer: true }, async (separate, sink) => {
        // The suite's main inbox takes every type of the run's group; `sink` only `asked` in the
        // separate group.
        expectCreated(await subscribeTool(ctx, sink, separate.group, [asked]), 'by type')
        const mainFrom = ctx.peer.deliveries.length
        // Neither inbox subscribed to this one: another type in the separate group.
        const otherType = await emitIn(ctx, separate, other)
        // Only the main inbox: the asked type in the run's group.
        const otherGroup = await emitIn(ctx, main, asked)
        await awaitDelivery(ctx, ctx.peer, otherGroup, mainFrom)
        // The marker, emitted once the one before it arrived: what was queued with or before that
        // one has been attempted by the time the marker arrives.
        const marker = await emitIn(ctx, separate, asked)
        await awaitDelivery(ctx, sink, marker)
        const expected = { sink: [marker], mainInbox: `no ${otherType}` }
        const actual = {
          sink: deliveredIds(sink),
          mainInbox: deliveredIds(ctx.peer, mainFrom).filter((id) => id !== marker),
          emitted: { otherType, otherGroup, marker },
        }
        check(
          !actual.sink.includes(otherType),
          `an event of type ${other} reached a subscription for ${asked} only`,
          expected,
          actual,
        )
        check(
          !actual.sink.includes(otherGroup),
          "an event of the run's group reached a subscription of another group",
          expected,
          actual,
        )
        check(
          !actual.mainInbox.includes(otherType),
          "an event of another group reached the subscription of the run's group",
          expected,
          actual,
        )
        check(
          actual.sink.every((id) => id === marker),
          'the subscription received events it did not ask for',
          expected,
          actual,
        )
        return { expected, actual }
      })
    },
  },
  {
    id: 'live.emitter.delivers-by-prefix',
    title:
      'Delivers an event to a subscription whose prefix.* pattern it starts with, and not to one whose pattern only shares its first characters',
    requirements: ['DLV-SUB-008'],
    profile: 'emitter',
    level: 'MUST',
    actions: ['emit'],
    async run(ctx) {
      const [asked] = emittableTypes(ctx).filter((t) => t.includes('.'))
      if (asked === undefined) throw new Untested('the tool manifest lists no dotted event type')
      await expectSubscribed(ctx)
      // `example.tool.thing.created`: `example.tool.thing.*` takes it, `example.tool.thing.create.*`
      // does not (as `tech.collaborative.membership.*` does not take `...membershipx.joined`).
      const parent = `${asked.slice(0, asked.lastIndexOf('.'))}.*`
      const stem = `${asked.slice(0, -1)}.*`
      return withSeparateSession(ctx, { extraPeer: true }, async (separate, sink) => {
        expectCreated(await subscribeTool(ctx, sink, separate.group, [stem]), `to ${stem}`)
        const unmatched = await emitIn(ctx, separate, asked)
        expectCreated(await subscribeTool(ctx, sink, separate.group, [parent]), `to ${parent}`)
        const matched = await emitIn(ctx, separate, asked)
        await awaitDelivery(ctx, sink, matched)
        // Whatever was queued with the first event has been attempted once these arrived.
        await settle(ctx)
        const expected = { sink: [matched], patterns: { [stem]: [], [parent]: [matched] } }
        const actual = { sink: deliveredIds(sink), emitted: { unmatched, matched } }
        check(
          !actual.sink.includes(unmatched),
          `an event of type ${asked} reached a subscription to ${stem} only`,
          expected,
          actual,
        )
        check(
          actual.sink.filter((id) => id === matched).length === 1,
          `an event of type ${asked} reached the sink subscribed to ${parent} and ${stem} more than once`,
          expected,
          actual,
        )
        return { expected, actual }
      })
    },
  },
  {
    id: 'live.emitter.subscribe-uninstalled',
    title:
      'A subscription for a group the subscriber is not installed in is refused 403, before any handshake',
    requirements: ['DLV-SUB-005'],
    profile: 'emitter',
    level: 'MUST',
    async run(ctx) {
      subscriptionsUrl(ctx)
      return withSeparateSession(ctx, { extraPeer: false, install: false }, async (separate) => {
        const handshakes = ctx.peer.handshakes.length
        const answer = await subscribeTool(ctx, ctx.peer, separate.group)
        const expected = { status: 403, type: problemType('ERR_NOT_INSTALLED'), handshakes: 0 }
        const actual = { ...answer, handshakes: ctx.peer.handshakes.length - handshakes }
        check(
          answer.status === 403 && answer.type === expected.type,
          `a subscription without an installation was answered ${answer.status} ${String(answer.type)}`,
          expected,
          actual,
        )
        check(
          actual.handshakes === 0,
          'the tool contacted the sink before refusing the subscription',
          expected,
          actual,
        )
        return { expected, actual }
      })
    },
  },
  {
    id: 'live.emitter.subscribe-stale',
    title:
      'A subscription request for another producer, signed outside the time window, or replayed is refused',
    requirements: ['DLV-SUB-003'],
    profile: 'emitter',
    level: 'MUST',
    async run(ctx) {
      subscriptionsUrl(ctx)
      return withSeparateSession(ctx, { extraPeer: false }, async (separate) => {
        const audience = ctx.sut.endpoints.origin
        const request = { sink: `${ctx.peer.origin}/cta/inbox`, group: separate.group }
        const sign = (options: { audience?: string; shift?: number }) =>
          signSubscriptionRequest(request, ctx.peer.key, {
            audience: options.audience ?? audience,
            currentDate: new Date(Date.now() + (options.shift ?? 0)),
          })
        const valid = await sign({})
        const answers = {
          otherAudience: await postSubscription(ctx, await sign({ audience: ctx.peer.origin })),
          tenMinutesOld: await postSubscription(ctx, await sign({ shift: -600_000 })),
          fiveMinutesAhead: await postSubscription(ctx, await sign({ shift: 300_000 })),
          first: await postSubscription(ctx, valid),
          replayed: await postSubscription(ctx, valid),
        }
        const refused = { status: 401, type: problemType('ERR_UNAUTHORIZED') }
        const expected = {
          otherAudience: refused,
          tenMinutesOld: refused,
          fiveMinutesAhead: refused,
          first: { status: 201 },
          replayed: refused,
        }
        const actual = Object.fromEntries(
          Object.entries(answers).map(([k, a]) => [k, { status: a.status, type: a.type }]),
        )
        expectCreated(answers.first, 'with a fresh request')
        for (const name of ['otherAudience', 'tenMinutesOld', 'fiveMinutesAhead', 'replayed']) {
          const a = answers[name as keyof typeof answers]
          check(
            a.status === 401 && a.type === refused.type,
            `the request (${name}) was answered ${a.status} ${String(a.type)}`,
            expected,
            actual,
          )
        }
        // The one subscription this case created goes again (its group gets no events anyway).
        if (answers.first.location !== null) {
          const token = await signRequestToken(
            { method: 'DELETE', url: answers.first.location },
            ctx.peer.key,
          )
          await ctx.wire
            .fetch(answers.first.location, {
              method: 'DELETE',
              headers: { authorization: `CTA-JWS ${token}` },
            })
            .catch(() => undefined)
        }
        return { expected, actual }
      })
    },
  },
]
