/**
 * Emitter: what the tool makes of its sink's answers. Each case uses a sink of its own (another
 * origin of the suite, subscribed in a group of its own), so that the answers it arms never reach
 * the run's main subscription: `410` ends the subscription, another `4xx` is final, and a `3xx` is
 * neither followed nor final.
 */
import type { LiveCase } from '../case.js'
import { check, waitUntil } from '../case.js'
import {
  awaitDelivery,
  deliveredId,
  deliveredIds,
  emitIn,
  expectCreated,
  expectSubscribed,
  settle,
  subscribeTool,
  withSeparateSession,
} from './emitter-support.js'

/** How many times `id` reached the sink's inbox. */
const attempts = (ids: readonly (string | undefined)[], id: string): number =>
  ids.filter((d) => d === id).length

export const EMITTER_ANSWER_CASES: readonly LiveCase[] = [
  {
    id: 'live.emitter.gone-ends-subscription',
    title:
      'A delivery answered 410 ends the subscription: nothing more is sent to it, not even a retry',
    requirements: ['DLV-RTY-003'],
    profile: 'emitter',
    level: 'MUST',
    actions: ['emit'],
    async run(ctx) {
      await expectSubscribed(ctx)
      return withSeparateSession(ctx, { extraPeer: true }, async (separate, sink) => {
        expectCreated(await subscribeTool(ctx, sink, separate.group), 'a sink of its own')
        // A delivery left pending: answered 503, to be retried in two seconds.
        sink.failNext(1, 503, '2')
        const pending = await emitIn(ctx, separate)
        const { delivery: first } = await awaitDelivery(ctx, sink, pending)
        sink.failNext(1, 410)
        const gone = await emitIn(ctx, separate)
        const { index } = await awaitDelivery(ctx, sink, gone)
        // The tool has the 410 once two later events went through; only then comes the next one.
        await settle(ctx)
        const after = await emitIn(ctx, separate)
        // Past the time the pending retry was due, everything due has been attempted after this.
        const due = first.at + 2500 - Date.now()
        if (due > 0) await new Promise((resolve) => setTimeout(resolve, due))
        await settle(ctx)
        const expected = { answered410: gone, afterwards: [] }
        const actual = {
          answered410: sink.deliveries[index]?.status === 410 ? gone : undefined,
          afterwards: deliveredIds(sink, index + 1),
          emitted: { pending, gone, after },
        }
        check(
          actual.afterwards.length === 0,
          actual.afterwards.includes(after)
            ? 'an event emitted after the sink answered 410 was delivered to it'
            : actual.afterwards.includes(pending)
              ? 'a delivery pending when the sink answered 410 was still sent'
              : 'the delivery answered 410 was retried',
          expected,
          actual,
        )
        return { expected, actual }
      })
    },
  },
  {
    id: 'live.emitter.client-error-not-retried',
    title: 'A delivery answered 400 is a permanent failure: it is not retried',
    requirements: ['DLV-RTY-004'],
    profile: 'emitter',
    level: 'MUST',
    actions: ['emit'],
    async run(ctx) {
      return withSeparateSession(ctx, { extraPeer: true }, async (separate, sink) => {
        expectCreated(await subscribeTool(ctx, sink, separate.group), 'a sink of its own')
        sink.failNext(1, 400)
        const refused = await emitIn(ctx, separate)
        await awaitDelivery(ctx, sink, refused)
        // A second event, answered 503 with Retry-After: 2, must come back after two seconds; a
        // producer that retried the 400 on its own schedule has done so by then.
        sink.failNext(1, 503, '2')
        const later = await emitIn(ctx, separate)
        const { index } = await awaitDelivery(ctx, sink, later)
        const retry = await waitUntil(
          () => sink.deliveries.slice(index + 1).find((d) => deliveredId(d.body) === later),
          ctx.patience,
        )
        const ids = deliveredIds(sink)
        const expected = { attemptsOf400: 1, retriedAfter503: true }
        const actual = {
          attemptsOf400: attempts(ids, refused),
          retriedAfter503: retry !== undefined,
          deliveries: ids,
        }
        check(
          retry !== undefined,
          `the delivery answered 503 with Retry-After: 2 was not retried within ${ctx.patience} ms`,
          expected,
          actual,
        )
        check(actual.attemptsOf400 === 1, 'the delivery answered 400 was retried', expected, actual)
        return { expected, actual }
      })
    },
  },
  {
    id: 'live.emitter.redirect-not-followed',
    title: 'A delivery answered 302 is never followed: the producer retries it like a 5xx',
    requirements: ['DLV-SND-002'],
    profile: 'emitter',
    level: 'MUST',
    actions: ['emit'],
    async run(ctx) {
      return withSeparateSession(ctx, { extraPeer: true }, async (separate, sink) => {
        expectCreated(await subscribeTool(ctx, sink, separate.group), 'a sink of its own')
        sink.failNext(1, 302)
        const moved = await emitIn(ctx, separate)
        const { delivery, index } = await awaitDelivery(ctx, sink, moved)
        // A followed redirect is part of the same attempt: it has happened by the time the retry
        // (a new attempt) arrives.
        const retry = await waitUntil(
          () => sink.deliveries.slice(index + 1).find((d) => deliveredId(d.body) === moved),
          ctx.patience,
        )
        const expected = { first: 302, followed: [], retried: true, unchanged: true }
        const actual = {
          first: delivery.status,
          followed: [...sink.moved],
          retried: retry !== undefined,
          unchanged: retry?.body === delivery.body,
        }
        check(actual.followed.length === 0, 'the tool followed the redirect', expected, actual)
        check(
          retry !== undefined,
          `the delivery answered 302 was not retried within ${ctx.patience} ms (a tool whose first retry waits longer needs a longer --patience)`,
          expected,
          actual,
        )
        check(actual.unchanged, 'the retry is not the same JWS', expected, actual)
        return { expected, actual }
      })
    },
  },
]
