/**
 * Participatory budgeting: the suite opens a funding round on the tool with allocations for the
 * session's members, publishes buckets and contributes as the members through the control API.
 * The tool must refuse what the rules forbid with their codes and emit nothing for it, fund a
 * bucket with exactly the contribution that reaches its minimum, refund every contribution of a
 * cancelled bucket, and emit events from which the suite's own `computeRound` reproduces the
 * statuses the tool reported.
 */
import {
  CONTEXT,
  computeRound,
  createAllocation,
  validateDocument,
  type Bucket,
  type Contribution,
  type Event,
  type FundingRound,
  type RoundState,
} from '@cta-interop/sdk'
import type { LiveCase, LiveContext } from '../case.js'
import { check } from '../case.js'
import type { Attempt } from '../control.js'
import {
  act,
  answerOf,
  attempt,
  eventsSince,
  objectOf,
  once,
  profileSession,
  refusedWith,
  waitForEvents,
} from './decisions-support.js'
import { canonical } from './decisions-polls.js'

/** One contribution the scenario tries: who, to which bucket, how much, and what must happen. */
interface Step {
  readonly name: string
  readonly member: number
  readonly bucket: 'b1' | 'b2' | 'b3'
  readonly amount: string | ((decimals: number | undefined) => string | undefined)
  /** `undefined`: accepted; otherwise the code it must be refused with. */
  readonly refused?: string
  /** Done after the named phase. */
  readonly after?: 'cancel' | 'close'
}

/**
 * Ana 100, Ben 50, Cleo 30, Dev 10. B1 needs 120 (at most 150), B2 exactly 40, B3 10 to 100.
 */
const STEPS: readonly Step[] = [
  { name: 'ana-60-b1', member: 0, bucket: 'b1', amount: '60' },
  {
    name: 'ana-over-allocation',
    member: 0,
    bucket: 'b1',
    amount: '50',
    refused: 'ERR_BUDGET_OVERDRAWN',
  },
  { name: 'ana-exact-balance', member: 0, bucket: 'b1', amount: '40' },
  { name: 'ben-over-max', member: 1, bucket: 'b2', amount: '41', refused: 'ERR_BUDGET_OVER_MAX' },
  { name: 'ben-reaches-min', member: 1, bucket: 'b1', amount: '20' },
  { name: 'ben-reaches-max', member: 1, bucket: 'b1', amount: '30' },
  { name: 'cleo-30-b2', member: 2, bucket: 'b2', amount: '30' },
  { name: 'cleo-refunded-again', member: 2, bucket: 'b3', amount: '30', after: 'cancel' },
  {
    name: 'dev-to-cancelled',
    member: 3,
    bucket: 'b2',
    amount: '1',
    refused: 'ERR_BUCKET_NOT_OPEN',
    after: 'cancel',
  },
  {
    name: 'dev-too-precise',
    member: 3,
    bucket: 'b3',
    amount: (d) => (d === undefined ? undefined : `1.${'0'.repeat(d)}1`),
    refused: 'ERR_AMOUNT_PRECISION',
    after: 'cancel',
  },
  {
    name: 'dev-after-close',
    member: 3,
    bucket: 'b3',
    amount: '1',
    refused: 'ERR_ROUND_NOT_OPEN',
    after: 'close',
  },
]

interface Tried {
  readonly step: Step
  readonly amount?: string
  readonly answer?: Attempt
}

/** What the round scenario produced. */
interface RoundRun {
  readonly round: string
  readonly buckets: Readonly<Record<'b1' | 'b2' | 'b3', string>>
  readonly members: readonly string[]
  readonly decimals?: number
  readonly tried: readonly Tried[]
  /** Buckets published with a maxGoal below the minGoal, and a minGoal of 0. */
  readonly invalidBuckets: readonly Attempt[]
  readonly events: readonly Event[]
  /** The suite's computeRound over the documents the events carried, or the code it refused. */
  readonly oracle: RoundState | { readonly error: string }
}

const runs = new WeakMap<LiveContext, Map<string, Promise<RoundRun>>>()
const T = 'tech.collaborative.'
const ALLOCATIONS = ['100', '50', '30', '10']

function runRound(ctx: LiveContext): Promise<RoundRun> {
  return once(runs, ctx, 'round', async () => {
    const ps = await profileSession(ctx)
    const from = ctx.peer.deliveries.length
    const opened = await act(ctx, ps, 'round-open', {
      allocations: ALLOCATIONS.map((amount, i) => ({ member: ps.members[i], amount })),
    })
    const round = String(opened['round'])
    const currency = opened['currency'] as { decimals?: unknown } | undefined
    const decimals = typeof currency?.decimals === 'number' ? currency.decimals : undefined
    const publish = async (name: string, minGoal: string, maxGoal?: string) =>
      String(
        (
          await act(ctx, ps, 'bucket-publish', {
            round,
            name,
            minGoal,
            ...(maxGoal === undefined ? {} : { maxGoal }),
          })
        )['bucket'],
      )
    const buckets = {
      b1: await publish('A tool library', '120', '150'),
      b2: await publish('A bike shed', '40', '40'),
      b3: await publish('Seeds', '10', '100'),
    }
    const invalidBuckets = [
      await attempt(ctx, ps, 'bucket-publish', {
        round,
        name: 'Upside down',
        minGoal: '10',
        maxGoal: '5',
      }),
      await attempt(ctx, ps, 'bucket-publish', { round, name: 'Nothing needed', minGoal: '0' }),
    ]
    const tried: Tried[] = []
    const tryStep = async (step: Step) => {
      const amount = typeof step.amount === 'string' ? step.amount : step.amount(decimals)
      if (amount === undefined) {
        tried.push({ step })
        return
      }
      const answer = await attempt(ctx, ps, 'contribute', {
        bucket: buckets[step.bucket],
        member: ps.members[step.member],
        amount,
      })
      tried.push({ step, amount, answer })
    }
    for (const step of STEPS.filter((s) => s.after === undefined)) await tryStep(step)
    await act(ctx, ps, 'bucket-cancel', { bucket: buckets.b2 })
    for (const step of STEPS.filter((s) => s.after === 'cancel')) await tryStep(step)
    await act(ctx, ps, 'round-close', { round })
    for (const step of STEPS.filter((s) => s.after === 'close')) await tryStep(step)
    const accepted = tried.filter((t) => t.answer?.status === 200).length
    // Everything the tool should have emitted by now: the round closed, the bucket cancelled and
    // refunded, and a contribution.made for each contribution it accepted.
    await waitForEvents(
      ctx,
      from,
      (events) => {
        const mine = events.filter((e) => inRound(e, round, buckets))
        return mine.some((e) => e.type === `${T}round.closed`) &&
          mine.some((e) => e.type === `${T}bucket.cancelled`) &&
          mine.some((e) => e.type === `${T}contribution.refunded`) &&
          mine.filter((e) => e.type === `${T}contribution.made`).length >= accepted
          ? true
          : undefined
      },
      `round.closed and ${accepted} contribution.made of ${round}`,
    )
    const events = (await eventsSince(ctx, from)).filter((e) => inRound(e, round, buckets))
    return {
      round,
      buckets,
      members: ps.members,
      ...(decimals === undefined ? {} : { decimals }),
      tried,
      invalidBuckets,
      events,
      oracle: oracle(events, ps.members),
    }
  })
}

const inRound = (e: Event, round: string, buckets: Record<string, string>): boolean => {
  const o = objectOf(e)
  return (
    o['id'] === round ||
    o['inScopeOf'] === round ||
    Object.values(buckets).includes(String(o['id'])) ||
    Object.values(buckets).includes(String(o['receiver']))
  )
}

/** The suite's state of the round from the tool's events and the allocations it asked for. */
function oracle(
  events: readonly Event[],
  members: readonly string[],
): RoundState | { error: string } {
  try {
    const docs = (type: string) =>
      events.filter((e) => e.type === `${T}${type}`).map((e) => withContext(objectOf(e)))
    const round = [...docs('round.closed'), ...docs('round.opened')][0] as unknown as FundingRound
    const buckets = new Map<string, Bucket>()
    for (const b of [
      ...docs('bucket.published'),
      ...docs('bucket.funded'),
      ...docs('bucket.cancelled'),
      ...docs('bucket.completed'),
    ] as unknown as Bucket[]) {
      const known = buckets.get(b.id)
      if (known === undefined || version(b) >= version(known)) buckets.set(b.id, b)
    }
    const allocations = ALLOCATIONS.map((amount, i) =>
      createAllocation({
        id: `${round.id}/suite-allocation-${i}`,
        round,
        member: members[i] as string,
        amount,
        published: round.startTime,
      }),
    )
    return computeRound({
      round,
      buckets: [...buckets.values()],
      allocations,
      contributions: docs('contribution.made') as unknown as Contribution[],
    })
  } catch (err) {
    return { error: (err as { code?: string }).code ?? String(err) }
  }
}

const withContext = (o: Record<string, unknown>) => ({
  '@context': [...CONTEXT],
  ...o,
})
const version = (b: Bucket) => Date.parse(b.updated ?? b.published)

const triedOf = (r: RoundRun, name: string) => r.tried.find((t) => t.step.name === name)

/** The contribution.made events for what a step tried (there must be none for a refusal). */
function madeFor(r: RoundRun, t: Tried): Event[] {
  return r.events.filter((e) => {
    if (e.type !== `${T}contribution.made`) return false
    const o = objectOf(e) as {
      provider?: string
      receiver?: string
      resourceQuantity?: { hasNumericalValue?: string }
    }
    return (
      o.provider === r.members[t.step.member] &&
      o.receiver === r.buckets[t.step.bucket] &&
      Number(o.resourceQuantity?.hasNumericalValue) === Number(t.amount)
    )
  })
}

/** A case judging the steps named: each accepted or refused with its code, and nothing emitted for a refusal. */
function stepsCase(
  id: string,
  title: string,
  requirements: readonly string[],
  names: readonly string[],
): LiveCase {
  return {
    id: `live.budgeting.${id}`,
    title,
    requirements,
    profile: 'budgeting',
    level: 'MUST',
    actions: ['round-open', 'bucket-publish', 'contribute', 'bucket-cancel', 'round-close'],
    async run(ctx) {
      const r = await runRound(ctx)
      const expected: Record<string, unknown> = {}
      const actual: Record<string, unknown> = {}
      let ok = true
      for (const name of names) {
        const t = triedOf(r, name)
        if (t?.answer === undefined) continue
        const made = madeFor(r, t).length
        expected[name] = {
          ...(t.step.refused === undefined
            ? { status: 200 }
            : { status: 422, code: t.step.refused }),
          emitted: t.step.refused === undefined ? 1 : 0,
        }
        actual[name] = { ...answerOf(t.answer), emitted: made }
        ok &&=
          t.step.refused === undefined
            ? t.answer.status === 200 && made === 1
            : refusedWith(t.answer, t.step.refused) && made === 0
      }
      check(ok, 'a contribution was not accepted or refused as the rules say', expected, actual)
      return { expected, actual }
    },
  }
}

export const BUDGETING_CASES: readonly LiveCase[] = [
  stepsCase(
    'refuses-over-allocation',
    'A contribution beyond the member’s allocation is refused with ERR_BUDGET_OVERDRAWN and no contribution.made; exactly the balance is accepted',
    ['BUD-BAL-001'],
    ['ana-60-b1', 'ana-over-allocation', 'ana-exact-balance'],
  ),
  stepsCase(
    'refuses-over-max',
    'A contribution past a bucket’s maxGoal is refused with ERR_BUDGET_OVER_MAX; one reaching exactly the maxGoal is accepted',
    ['BUD-FUND-002'],
    ['ben-over-max', 'ben-reaches-max'],
  ),
  stepsCase(
    'refuses-closed-bucket',
    'A contribution to a cancelled bucket is refused with ERR_BUCKET_NOT_OPEN',
    ['BUD-OPEN-002'],
    ['dev-to-cancelled'],
  ),
  stepsCase(
    'refuses-closed-round',
    'A contribution after the round closed is refused with ERR_ROUND_NOT_OPEN',
    ['BUD-OPEN-001'],
    ['dev-after-close'],
  ),
  stepsCase(
    'refuses-too-precise',
    'A contribution with more fraction digits than the round’s currency is refused with ERR_AMOUNT_PRECISION',
    ['BUD-AMT-001'],
    ['dev-too-precise'],
  ),
  {
    id: 'live.budgeting.refuses-invalid-bucket',
    title:
      'A bucket whose maxGoal is below its minGoal, or whose minGoal is 0, is refused with ERR_BUDGET_INVALID and never published',
    requirements: ['BUD-FUND-001'],
    profile: 'budgeting',
    level: 'MUST',
    actions: ['round-open', 'bucket-publish'],
    async run(ctx) {
      const r = await runRound(ctx)
      const named = r.events.filter(
        (e) =>
          e.type === `${T}bucket.published` &&
          ['Upside down', 'Nothing needed'].includes(String(objectOf(e)['name'])),
      )
      const expected = {
        answers: [
          { status: 422, code: 'ERR_BUDGET_INVALID' },
          { status: 422, code: 'ERR_BUDGET_INVALID' },
        ],
        published: 0,
      }
      const actual = { answers: r.invalidBuckets.map(answerOf), published: named.length }
      check(
        r.invalidBuckets.every((a) => refusedWith(a, 'ERR_BUDGET_INVALID')) && named.length === 0,
        'an impossible bucket was not refused with ERR_BUDGET_INVALID',
        expected,
        actual,
      )
      return { expected, actual }
    },
  },
  {
    id: 'live.budgeting.funded-at-minimum',
    title:
      'A bucket is funded with exactly the contribution that reaches its minGoal, not before nor after: one bucket.funded, between that contribution and the next',
    requirements: ['BUD-FUND-003'],
    profile: 'budgeting',
    level: 'MUST',
    actions: ['round-open', 'bucket-publish', 'contribute'],
    async run(ctx) {
      const r = await runRound(ctx)
      const status = (name: string) => triedOf(r, name)?.answer?.body['status']
      const funded = r.events.filter(
        (e) => e.type === `${T}bucket.funded` && objectOf(e)['id'] === r.buckets.b1,
      )
      const made = (name: string) => {
        const t = triedOf(r, name)
        return t === undefined
          ? undefined
          : (objectOf(madeFor(r, t)[0] ?? ({ data: {} } as Event))['published'] as
              string | undefined)
      }
      const reached = made('ben-reaches-min')
      const nextOne = made('ben-reaches-max')
      const fundedAt =
        funded[0] === undefined
          ? undefined
          : Date.parse((funded[0].data as { published?: string }).published ?? funded[0].time)
      const actual = {
        statusBefore: status('ana-exact-balance'),
        statusAtMinimum: status('ben-reaches-min'),
        fundedEvents: funded.length,
        fundedBetween:
          fundedAt !== undefined && reached !== undefined && nextOne !== undefined
            ? fundedAt >= Date.parse(reached) && fundedAt < Date.parse(nextOne)
            : false,
        fundedStatus: funded[0] === undefined ? undefined : objectOf(funded[0])['bucketStatus'],
      }
      const expected = {
        statusBefore: 'open',
        statusAtMinimum: 'funded',
        fundedEvents: 1,
        fundedBetween: true,
        fundedStatus: 'funded',
      }
      check(
        canonical(actual) === canonical(expected),
        'the bucket was not funded exactly by the contribution that reached its minimum',
        expected,
        actual,
      )
      return { expected, actual }
    },
  },
  {
    id: 'live.budgeting.cancel-refunds',
    title:
      'A cancelled bucket sends bucket.cancelled and one contribution.refunded per contribution, and the refunded member can contribute again',
    requirements: ['BUD-CANC-001'],
    profile: 'budgeting',
    level: 'MUST',
    actions: ['round-open', 'bucket-publish', 'contribute', 'bucket-cancel'],
    async run(ctx) {
      const r = await runRound(ctx)
      const cancelled = r.events.filter(
        (e) => e.type === `${T}bucket.cancelled` && objectOf(e)['id'] === r.buckets.b2,
      )
      const refunds = r.events.filter(
        (e) => e.type === `${T}contribution.refunded` && objectOf(e)['receiver'] === r.buckets.b2,
      )
      const again = triedOf(r, 'cleo-refunded-again')?.answer
      const actual = {
        cancelled: cancelled.length,
        cancelledStatus:
          cancelled[0] === undefined ? undefined : objectOf(cancelled[0])['bucketStatus'],
        refunds: refunds.map((e) => ({
          provider: objectOf(e)['provider'],
          amount: Number(
            (objectOf(e)['resourceQuantity'] as { hasNumericalValue?: string } | undefined)
              ?.hasNumericalValue,
          ),
          activity: (e.data as { type?: string }).type,
        })),
        contributesAgain: again === undefined ? undefined : answerOf(again),
      }
      const expected = {
        cancelled: 1,
        cancelledStatus: 'cancelled',
        refunds: [{ provider: r.members[2], amount: 30, activity: 'Undo' }],
        contributesAgain: { status: 200 },
      }
      check(
        canonical(actual) === canonical(expected),
        'the cancelled bucket’s contributions were not refunded as the rules say',
        expected,
        actual,
      )
      return { expected, actual }
    },
  },
  {
    id: 'live.budgeting.events',
    title:
      'The tool sends valid round events from which the suite’s computeRound reproduces every status and balance, never a contribution the rules refuse',
    requirements: ['BUD-EVT-001', 'BUD-DOC-001'],
    profile: 'budgeting',
    level: 'MUST',
    actions: ['round-open', 'bucket-publish', 'contribute', 'bucket-cancel', 'round-close'],
    async run(ctx) {
      const r = await runRound(ctx)
      const invalid = r.events.flatMap((e) => {
        const v = validateDocument(e)
        return v.valid ? [] : [`${e.type}: ${v.code}`]
      })
      const types = (t: string) => r.events.filter((e) => e.type === `${T}${t}`).length
      const accepted = r.tried.filter((t) => t.answer?.status === 200).length
      const state = r.oracle
      const actual = {
        invalid,
        counts: {
          roundOpened: types('round.opened'),
          roundClosed: types('round.closed'),
          bucketPublished: types('bucket.published'),
          contributionMade: types('contribution.made'),
        },
        oracle: 'error' in state ? state : undefined,
        statuses:
          'error' in state
            ? undefined
            : Object.fromEntries(
                Object.entries(r.buckets).map(([k, id]) => [k, state.buckets[id]?.status]),
              ),
        balances:
          'error' in state
            ? undefined
            : r.members.slice(0, 4).map((m) => Number(state.balances[m])),
      }
      const expected = {
        invalid: [],
        counts: { roundOpened: 1, roundClosed: 1, bucketPublished: 3, contributionMade: accepted },
        oracle: undefined,
        statuses: { b1: 'funded', b2: 'cancelled', b3: 'funded' },
        balances: [0, 0, 0, 10],
      }
      check(
        canonical(actual) === canonical(expected),
        'the round’s events do not reproduce the tool’s statuses and balances',
        expected,
        actual,
      )
      return { expected, actual }
    },
  },
]
