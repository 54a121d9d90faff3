/**
 * Receiver cases about what the tool does with an event once it is verified: the application's
 * failure, redeliveries late in the retry window, event types and attributes it does not know,
 * times that need reading with care, and the handshake of producers it does not subscribe to.
 */
import type { LiveCase, LiveContext } from '../case.js'
import { check } from '../case.js'
import { payload, rejects } from './receiver-rejects.js'
import {
  expectNotObserved,
  headerOf,
  postToInbox,
  signRaw,
  signValid,
  suiteEvent,
} from './suite-events.js'

/** With the control API: how many times the tool reports the event with this id as accepted. */
async function timesObserved(ctx: LiveContext, id: string): Promise<number | undefined> {
  if (ctx.control === undefined || ctx.session === undefined) return undefined
  return (await ctx.control.observations(ctx.session)).filter((o) => o.id === id).length
}

/** Checks that the tool processed the event exactly once (when it can say). */
async function expectProcessedOnce(ctx: LiveContext, id: string): Promise<void> {
  const times = await timesObserved(ctx, id)
  check(
    times === undefined || times === 1,
    `the tool processed the event ${times} times`,
    { processed: 1 },
    { processed: times },
  )
}

/** A case that pushes a changed but valid event and expects `202` and the event processed once. */
const accepts = (
  id: string,
  title: string,
  requirements: string[],
  change: (ctx: LiveContext, event: Record<string, unknown>) => Record<string, unknown>,
): LiveCase => ({
  id: `live.receiver.${id}`,
  title,
  requirements,
  profile: 'receiver',
  level: 'MUST',
  async run(ctx) {
    const event = change(ctx, suiteEvent(ctx))
    const answer = await postToInbox(
      ctx,
      await signRaw(headerOf(ctx.peer.key), payload(event), ctx.peer.key),
    )
    const expected = { status: 202 }
    check(answer.status === 202, `expected 202, got ${answer.status}`, expected, answer)
    await expectProcessedOnce(ctx, event['id'] as string)
    return { expected, actual: answer }
  },
})

/** The given minute's leap second, `…:60Z`, which reads as the minute's last millisecond. */
const leapSecondOf = (minute: number): string =>
  new Date(Math.floor(minute / 60_000) * 60_000).toISOString().replace(/:00\.000Z$/, ':60Z')

const HOUR = 3_600_000

export const RECEIVER_PROCESSING_CASES: readonly LiveCase[] = [
  {
    id: 'live.receiver.retry-after-failure',
    title:
      'An event whose processing failed is not acknowledged, and its retry is accepted and processed',
    requirements: ['DLV-INB-003'],
    profile: 'receiver',
    level: 'MUST',
    actions: ['fail-next-event'],
    async run(ctx) {
      if (ctx.control === undefined || ctx.session === undefined) {
        throw new Error('unreachable: the case needs the control API')
      }
      await ctx.control.act(ctx.session, 'fail-next-event')
      const event = suiteEvent(ctx)
      const jws = await signValid(event, ctx.peer.key)
      const first = await postToInbox(ctx, jws)
      const expected = { first: 'not 2xx', retry: 202, processed: 1 }
      check(
        first.status < 200 || first.status >= 300,
        `the inbox answered ${first.status} although the application failed to process the event`,
        expected,
        { first: first.status },
      )
      await expectNotObserved(ctx, event['id'] as string)
      const retry = await postToInbox(ctx, jws)
      const actual = { first: first.status, retry: retry.status }
      check(
        retry.status === 202,
        `the retry of an event whose processing failed was answered ${retry.status}, not 202: the event is lost`,
        expected,
        actual,
      )
      await expectProcessedOnce(ctx, event['id'] as string)
      return { expected, actual }
    },
  },
  {
    id: 'live.receiver.redelivery-72-hours',
    title:
      'A redelivery of an event almost 72 hours old, at the end of its window, is answered 200 and not processed again',
    requirements: ['DLV-INB-004', 'EVT-DUP-001'],
    profile: 'receiver',
    level: 'MUST',
    async run(ctx) {
      // A producer's last attempt comes at most 72 hours after the event's time (DLV-WIN-001);
      // a minute less, so that the run itself cannot push the event past the window.
      const time = new Date(Date.now() - 72 * HOUR + 60_000).toISOString()
      const event: Record<string, unknown> = { ...suiteEvent(ctx), time }
      const jws = await signRaw(headerOf(ctx.peer.key), payload(event), ctx.peer.key)
      const first = await postToInbox(ctx, jws)
      const second = await postToInbox(ctx, jws)
      const expected = { first: 202, second: 200, processed: 1 }
      const actual = { first: first.status, second: second.status }
      check(
        first.status === 202 && second.status === 200,
        `expected 202 then 200 for an event stamped ${time}, got ${first.status} then ${second.status}`,
        expected,
        actual,
      )
      await expectProcessedOnce(ctx, event['id'] as string)
      return { expected, actual }
    },
  },
  {
    id: 'live.receiver.handshake-other-origin',
    title: 'A handshake from a producer the tool does not subscribe to is never allowed',
    requirements: ['DLV-SUB-007'],
    profile: 'receiver',
    level: 'MUST',
    async run(ctx) {
      const inbox = ctx.manifest.inbox
      if (inbox === undefined) throw new Error('the tool manifest names no inbox')
      // The stranger is a tool the tool under test has never heard of, let alone subscribed to.
      const response = await ctx.wire.fetch(inbox, {
        method: 'OPTIONS',
        headers: { 'webhook-request-origin': ctx.stranger.origin },
      })
      await response.arrayBuffer()
      const allowed = response.headers.get('webhook-allowed-origin')
      const expected = { 'webhook-allowed-origin': null }
      const actual = { status: response.status, 'webhook-allowed-origin': allowed }
      check(
        allowed === null,
        `the inbox allowed the handshake of ${ctx.stranger.origin} (WebHook-Allowed-Origin: ${allowed})`,
        expected,
        actual,
      )
      return { expected, actual }
    },
  },
  rejects(
    'core-type-schema',
    "An event of a core type whose data does not fit that type's schema is rejected",
    ['DOC-EVT-001'],
    'ERR_SCHEMA_INVALID',
    async (ctx, event) => ({
      // A generic notice relabelled as a removal: valid as an `Event`, not as a removal event.
      body: await signRaw(
        headerOf(ctx.peer.key),
        payload({ ...event, type: 'tech.collaborative.membership.removed' }),
        ctx.peer.key,
      ),
    }),
  ),
  accepts(
    'accepts-unknown-type',
    'An event of a type the tool does not know is accepted and processed',
    ['DOC-EVT-002', 'DOC-EVT-001'],
    (_, event) => ({ ...event, type: 'example.conformance.never-heard-of' }),
  ),
  accepts(
    'accepts-extensions',
    'An event with extension attributes the tool does not know is accepted and processed',
    ['DOC-EXT-001'],
    (_, event) => ({
      ...event,
      conformancetext: 'an extension attribute',
      conformanceflag: true,
      conformancecount: 42,
    }),
  ),
  accepts(
    'accepts-leap-second',
    'An event stamped with a leap second of the last minute is accepted and processed',
    ['EVT-TIME-001'],
    (_, event) => ({ ...event, time: leapSecondOf(Date.now() - 60_000) }),
  ),
  rejects(
    'stale-leap-second',
    'A stale event stamped with a leap second is rejected as stale, never skipped',
    ['EVT-TIME-001', 'EVT-AGE-001'],
    'ERR_EVENT_STALE',
    async (ctx, event) => ({
      body: await signRaw(
        headerOf(ctx.peer.key),
        payload({ ...event, time: leapSecondOf(Date.now() - 5 * 24 * HOUR) }),
        ctx.peer.key,
      ),
    }),
  ),
]
