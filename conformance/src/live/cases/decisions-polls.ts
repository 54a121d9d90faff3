/**
 * How the decisions cases run a poll on the tool: open it through the control API, cast the
 * ballots as the profile session's members, close it, and collect the events the tool emitted
 * about it; the suite's own tally (its SDK's `tallyPoll`, the algorithm of the vectors) over the
 * same stances is the oracle the tool's `poll.closed` is judged against.
 */
import {
  createStance,
  tallyPoll,
  type EmbeddedPoll,
  type Event,
  type StanceChoice,
  type Tally,
} from '@cta-interop/sdk'
import type { LiveContext } from '../case.js'
import type { Attempt } from '../control.js'
import {
  act,
  attempt,
  eventsSince,
  objectOf,
  once,
  profileSession,
  waitForEvents,
  type ProfileSession,
} from './decisions-support.js'

/** One ballot: the member (index into the session's members) and the choice over the options. */
export interface Ballot {
  readonly member: number
  readonly choice: (options: readonly string[], poll: EmbeddedPoll) => StanceChoice[]
  readonly reason?: string
}

/** A poll to run. */
export interface PollPlan {
  readonly params: Record<string, unknown>
  readonly ballots: readonly Ballot[]
  /** Stances tried while the poll is open that the tool must refuse. */
  readonly invalid?: readonly Ballot[]
  /** A stance tried after the poll closed. */
  readonly late?: Ballot
}

/** What running a poll produced. */
export interface PollRun {
  readonly poll: string
  readonly options: readonly string[]
  readonly members: readonly string[]
  readonly opened: Event
  readonly stances: readonly Event[]
  readonly closed: Event
  /** Every event about the poll, in arrival order. */
  readonly events: readonly Event[]
  readonly invalid: readonly Attempt[]
  readonly late?: Attempt
  /** The suite's tally over the stances the tool accepted (the last of each voter). */
  readonly oracle: Tally | { readonly error: string }
}

const runs = new WeakMap<LiveContext, Map<string, Promise<PollRun>>>()

const aboutPoll = (event: Event, poll: string): boolean =>
  objectOf(event)['id'] === poll ||
  (event.data as { target?: { id?: string } }).target?.id === poll ||
  objectOf(event)['inReplyTo'] === poll

/** The option of a proposal with this `position`. */
export function position(poll: EmbeddedPoll, which: string): string {
  const found = (poll.oneOf ?? []).find((o) => o.position === which)
  return found?.id ?? `${poll.id}#no-${which}-option`
}

/** Runs `plan` once per run under `key`. */
export function runPoll(ctx: LiveContext, key: string, plan: PollPlan): Promise<PollRun> {
  return once(runs, ctx, key, async () => {
    const ps = await profileSession(ctx)
    const from = ctx.peer.deliveries.length
    const answer = await act(ctx, ps, 'poll-open', plan.params)
    const poll = String(answer['poll'])
    const options = Array.isArray(answer['options']) ? answer['options'].map(String) : []
    const opened = await waitForEvents(
      ctx,
      from,
      (events) =>
        events.find(
          (e) => e.type === 'tech.collaborative.poll.opened' && objectOf(e)['id'] === poll,
        ),
      `poll.opened of ${poll}`,
    )
    const openedPoll = objectOf(opened) as unknown as EmbeddedPoll
    const cast = (b: Ballot) => ({
      poll,
      member: ps.members[b.member],
      choice: b.choice(options, openedPoll),
      ...(b.reason === undefined ? {} : { reason: b.reason }),
    })
    const invalid: Attempt[] = []
    for (const b of plan.invalid ?? []) invalid.push(await attempt(ctx, ps, 'stance-cast', cast(b)))
    const stanceIds: string[] = []
    for (const b of plan.ballots) {
      const cast1 = await act(ctx, ps, 'stance-cast', cast(b))
      stanceIds.push(String(cast1['stance']))
    }
    await act(ctx, ps, 'poll-close', { poll })
    const closed = await waitForEvents(
      ctx,
      from,
      (events) =>
        events.find(
          (e) => e.type === 'tech.collaborative.poll.closed' && objectOf(e)['id'] === poll,
        ),
      `poll.closed of ${poll}`,
    )
    const late =
      plan.late === undefined ? undefined : await attempt(ctx, ps, 'stance-cast', cast(plan.late))
    const stances = await waitForEvents(
      ctx,
      from,
      (events) => {
        const found = events.filter(
          (e) => e.type === 'tech.collaborative.stance.cast' && aboutPoll(e, poll),
        )
        return found.length >= plan.ballots.length ? found : undefined
      },
      `${plan.ballots.length} stance.cast events of ${poll}`,
    )
    const closedPoll = objectOf(closed) as unknown as EmbeddedPoll
    return {
      poll,
      options,
      members: ps.members,
      opened,
      stances,
      closed,
      events: await eventsOf(ctx, from, poll),
      invalid,
      ...(late === undefined ? {} : { late }),
      oracle: oracle(closedPoll, plan.ballots, stanceIds, ps, options),
    }
  })
}

async function eventsOf(ctx: LiveContext, from: number, poll: string) {
  return (await eventsSince(ctx, from)).filter((e) => aboutPoll(e, poll))
}

/** The suite's tally: the last ballot of each member, as the stances the tool said it took. */
function oracle(
  poll: EmbeddedPoll,
  ballots: readonly Ballot[],
  ids: readonly string[],
  ps: ProfileSession,
  options: readonly string[],
): Tally | { error: string } {
  try {
    const last = new Map<number, number>()
    ballots.forEach((b, i) => last.set(b.member, i))
    const stances = [...last.entries()].map(([member, i]) =>
      createStance(poll, {
        id: ids[i] ?? `${poll.id}/suite-stance-${i}`,
        attributedTo: ps.members[member] as string,
        choice: (ballots[i] as Ballot).choice(options, poll),
        published: poll.published,
      }),
    )
    return tallyPoll(poll, stances)
  } catch (err) {
    return { error: (err as { code?: string }).code ?? String(err) }
  }
}

/** JSON with object keys sorted, so that two tallies compare by content. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  )
}

/** The tally `poll.closed` carries. */
export const resultOf = (event: Event): unknown => (event.data as { result?: unknown }).result
