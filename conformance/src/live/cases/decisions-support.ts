/**
 * What the cases of the collaboration profiles (decisions, budgeting, tasks, mutual credit) share:
 * one session of their own with nine members, the suite's subscription to its group, the events the
 * tool emitted into it (verified), and actions whose refusal is itself a result.
 */
import { verifyEvent, type Event } from '@cta-interop/sdk'
import type { LiveContext } from '../case.js'
import { check, Untested, waitUntil } from '../case.js'
import type { Attempt, Session } from '../control.js'
import type { Exchange } from '../wire.js'
import { expectCreated, subscribe, subscribeTool } from './emitter-support.js'
import { problemType, sessionGroup } from './suite-events.js'

/** The members the profile session asks for. */
export const MEMBER_NAMES = ['Ana', 'Ben', 'Cleo', 'Dev', 'Eli', 'Fay', 'Gus', 'Hal', 'Ida']

/** A session of the profile cases: its members' IRIs, in {@link MEMBER_NAMES} order. */
export interface ProfileSession {
  readonly session: Session
  readonly members: readonly string[]
}

const sessions = new WeakMap<LiveContext, Promise<ProfileSession>>()

/**
 * The profile session of this run, opened once: nine members, and the suite subscribed to every
 * event of its group. Untested without the control API, or when the tool gives fewer members.
 */
export function profileSession(ctx: LiveContext): Promise<ProfileSession> {
  let pending = sessions.get(ctx)
  if (pending === undefined) {
    pending = (async () => {
      if (ctx.control === undefined || ctx.session === undefined) {
        throw new Untested('needs the control API')
      }
      const session = await ctx.control.openSession({
        peer: ctx.peer.origin,
        members: MEMBER_NAMES,
      })
      const members = MEMBER_NAMES.map((name) => session.members.find((m) => m.name === name)?.id)
      if (members.some((m) => m === undefined)) {
        throw new Untested(`the tool gave ${session.members.length} of the 9 members asked for`)
      }
      expectCreated(
        session.group === sessionGroup(ctx)
          ? await subscribe(ctx)
          : await subscribeTool(ctx, ctx.peer, session.group),
        "the suite's inbox",
      )
      return { session, members: members as string[] }
    })()
    sessions.set(ctx, pending)
  }
  return pending
}

/** Performs an action that must succeed; fails the case with what the tool answered otherwise. */
export async function act(
  ctx: LiveContext,
  ps: ProfileSession,
  action: string,
  params: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const answer = await attempt(ctx, ps, action, params)
  check(
    answer.status === 200,
    `${action} was answered ${answer.status}${answer.code === undefined ? '' : ` ${answer.code}`}`,
    { action, status: 200 },
    { action, status: answer.status, ...(answer.code === undefined ? {} : { code: answer.code }) },
  )
  return answer.body
}

/** Performs an action and returns what it was answered, refused or not. */
export function attempt(
  ctx: LiveContext,
  ps: ProfileSession,
  action: string,
  params: Record<string, unknown>,
): Promise<Attempt> {
  if (ctx.control === undefined) throw new Untested('needs the control API')
  return ctx.control.attempt(ps.session, action, params)
}

/** Whether an answer is the refusal `code`: 422 with the registry's problem type. */
export const refusedWith = (answer: Attempt, code: string): boolean =>
  answer.status === 422 && answer.code === code && answer.type === problemType(code)

/** An answer as a case reports it. */
export const answerOf = (answer: Attempt) => ({
  status: answer.status,
  ...(answer.code === undefined ? {} : { code: answer.code }),
})

const verified = new Map<string, Promise<Event | undefined>>()

/** The events delivered to the suite from delivery `from` on that verify, in arrival order. */
export async function eventsSince(ctx: LiveContext, from = 0): Promise<Event[]> {
  const out: Event[] = []
  for (const d of ctx.peer.deliveries.slice(from)) {
    let pending = verified.get(d.body)
    if (pending === undefined) {
      pending = verifyEvent(d.body, { resolveKey: ctx.resolveKey }).then(
        (r) => r.event,
        () => undefined,
      )
      verified.set(d.body, pending)
    }
    const event = await pending
    if (event !== undefined && !out.some((e) => e.id === event.id)) out.push(event)
  }
  return out
}

/** The `data.object` of an event, as a record. */
export const objectOf = (event: Event): Record<string, unknown> =>
  (event.data as { object?: Record<string, unknown> }).object ?? {}

/** Waits until `found` holds for the events since `from`; fails the case after the patience. */
export async function waitForEvents<T>(
  ctx: LiveContext,
  from: number,
  found: (events: Event[]) => T | undefined,
  what: string,
): Promise<T> {
  const value = await waitUntil(async () => found(await eventsSince(ctx, from)), ctx.patience)
  check(
    value !== undefined,
    `${what} did not arrive within ${ctx.patience} ms`,
    { what },
    {
      events: (await eventsSince(ctx, from)).map((e) => e.type),
    },
  )
  return value as T
}

/**
 * Runs `scenario` once per run and key; each case then judges its part of the result. The
 * scenario's HTTP exchanges are recorded again in the transcript of every later case that judges
 * it, so that each result carries the evidence it was judged on.
 */
export async function once<T>(
  cache: WeakMap<LiveContext, Map<string, Promise<T>>>,
  ctx: LiveContext,
  key: string,
  scenario: () => Promise<T>,
): Promise<T> {
  let byKey = cache.get(ctx)
  if (byKey === undefined) {
    byKey = new Map()
    cache.set(ctx, byKey)
  }
  const pending = byKey.get(key)
  if (pending !== undefined) {
    const value = await pending
    for (const exchange of transcripts.get(pending) ?? []) ctx.wire.record(exchange)
    return value
  }
  const before = ctx.wire.take()
  const started = scenario()
  byKey.set(key, started)
  try {
    return await started
  } finally {
    const during = ctx.wire.take()
    transcripts.set(started, during)
    for (const exchange of [...before, ...during]) ctx.wire.record(exchange)
  }
}

const transcripts = new WeakMap<Promise<unknown>, Exchange[]>()
