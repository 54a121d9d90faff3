/**
 * Mutual credit: the suite opens accounts with limits for the session's members and makes
 * transfers between them through the control API. The tool must refuse a transfer past a limit
 * (one unit past, and accept exactly the limit), between an account and itself or more precise than
 * the currency, emit nothing for what it refuses, and emit events from which the suite's own
 * `computeBalances` reproduces the balances.
 */
import {
  CONTEXT,
  computeBalances,
  validateDocument,
  type Account,
  type Event,
  type Transfer,
} from '@cta-interop/sdk'
import type { LiveCase, LiveContext } from '../case.js'
import { check } from '../case.js'
import type { Attempt } from '../control.js'
import { canonical } from './decisions-polls.js'
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

const T = 'tech.collaborative.'

interface Step {
  readonly name: string
  readonly from: number
  readonly to: number
  readonly amount: string | ((decimals: number | undefined) => string | undefined)
  readonly refused?: string
}

/** `whole` and one unit of the currency's last fraction digit: `20.01` for 2 decimals. */
const onePast =
  (whole: string) =>
  (decimals: number | undefined): string =>
    decimals === undefined || decimals === 0
      ? String(Number(whole) + 1)
      : `${whole}.${'0'.repeat(decimals - 1)}1`

/** Ana may go 50 below zero and 100 above; Ben 0 below and 30 above; Cleo 100 either way. */
const LIMITS = [
  { creditLimit: '100', debitLimit: '50' },
  { creditLimit: '30', debitLimit: '0' },
  { creditLimit: '100', debitLimit: '100' },
]

const STEPS: readonly Step[] = [
  { name: 'ana-pays-ben', from: 0, to: 1, amount: '20' },
  { name: 'ben-past-debit', from: 1, to: 0, amount: onePast('20'), refused: 'ERR_DEBIT_LIMIT' },
  { name: 'ben-to-debit-limit', from: 1, to: 0, amount: '20' },
  { name: 'cleo-past-credit', from: 2, to: 1, amount: onePast('30'), refused: 'ERR_CREDIT_LIMIT' },
  { name: 'cleo-to-credit-limit', from: 2, to: 1, amount: '30' },
  { name: 'ana-to-herself', from: 0, to: 0, amount: '1', refused: 'ERR_CREDIT_INVALID' },
  {
    name: 'ana-too-precise',
    from: 0,
    to: 2,
    amount: (d) => (d === undefined ? undefined : `1.${'0'.repeat(d)}1`),
    refused: 'ERR_AMOUNT_PRECISION',
  },
]

interface Tried {
  readonly step: Step
  readonly amount?: string
  readonly answer?: Attempt
}

interface CreditRun {
  readonly members: readonly string[]
  readonly tried: readonly Tried[]
  readonly events: readonly Event[]
}

const runs = new WeakMap<LiveContext, Map<string, Promise<CreditRun>>>()

function runCredit(ctx: LiveContext): Promise<CreditRun> {
  return once(runs, ctx, 'credit', async () => {
    const ps = await profileSession(ctx)
    const from = ctx.peer.deliveries.length
    let decimals: number | undefined
    const accounts: string[] = []
    for (const [i, limits] of LIMITS.entries()) {
      const opened = await act(ctx, ps, 'account-open', { member: ps.members[i], ...limits })
      accounts.push(String(opened['account']))
      const d = (opened['currency'] as { decimals?: unknown } | undefined)?.decimals
      if (typeof d === 'number') decimals = d
    }
    const tried: Tried[] = []
    for (const step of STEPS) {
      const amount = typeof step.amount === 'string' ? step.amount : step.amount(decimals)
      if (amount === undefined) {
        tried.push({ step })
        continue
      }
      const answer = await attempt(ctx, ps, 'transfer', {
        from: ps.members[step.from],
        to: ps.members[step.to],
        amount,
      })
      tried.push({ step, amount, answer })
    }
    const accepted = tried.filter((t) => t.answer?.status === 200).length
    const mine = (events: Event[]) =>
      events.filter((e) => {
        const o = objectOf(e)
        return (
          accounts.includes(String(o['id'])) ||
          accounts.includes(String(o['resourceInventoriedAs'])) ||
          accounts.includes(String(o['toResourceInventoriedAs']))
        )
      })
    await waitForEvents(
      ctx,
      from,
      (events) => {
        const m = mine(events)
        return m.filter((e) => e.type === `${T}account.opened`).length >= accounts.length &&
          m.filter((e) => e.type === `${T}transfer.made`).length >= accepted
          ? true
          : undefined
      },
      `${accounts.length} account.opened and ${accepted} transfer.made`,
    )
    return { members: ps.members, tried, events: mine(await eventsSince(ctx, from)) }
  })
}

/** The transfer.made events for what a step tried. */
function madeFor(r: CreditRun, t: Tried): Event[] {
  return r.events.filter((e) => {
    if (e.type !== `${T}transfer.made`) return false
    const o = objectOf(e) as {
      provider?: string
      receiver?: string
      resourceQuantity?: { hasNumericalValue?: string }
    }
    return (
      o.provider === r.members[t.step.from] &&
      o.receiver === r.members[t.step.to] &&
      Number(o.resourceQuantity?.hasNumericalValue) === Number(t.amount)
    )
  })
}

const ACTIONS = ['account-open', 'transfer']

function stepsCase(
  id: string,
  title: string,
  requirements: readonly string[],
  names: readonly string[],
): LiveCase {
  return {
    id: `live.mutual-credit.${id}`,
    title,
    requirements,
    profile: 'mutual-credit',
    level: 'MUST',
    actions: ACTIONS,
    async run(ctx) {
      const r = await runCredit(ctx)
      const expected: Record<string, unknown> = {}
      const actual: Record<string, unknown> = {}
      let ok = true
      for (const name of names) {
        const t = r.tried.find((x) => x.step.name === name)
        if (t?.answer === undefined) continue
        const made = madeFor(r, t).length
        const refused = t.step.refused
        expected[name] = {
          ...(refused === undefined ? { status: 200 } : { status: 422, code: refused }),
          emitted: refused === undefined ? 1 : 0,
        }
        actual[name] = { ...answerOf(t.answer), emitted: made }
        ok &&=
          refused === undefined
            ? t.answer.status === 200 && made === 1
            : refusedWith(t.answer, refused) && made === 0
      }
      check(ok, 'a transfer was not accepted or refused as the rules say', expected, actual)
      return { expected, actual }
    },
  }
}

const withContext = (o: Record<string, unknown>) => ({ '@context': [...CONTEXT], ...o })

export const CREDIT_CASES: readonly LiveCase[] = [
  stepsCase(
    'refuses-debit-limit',
    'A transfer one unit past the provider’s debit limit is refused with ERR_DEBIT_LIMIT and never emitted; one to exactly the limit is accepted',
    ['MCR-LIM-001'],
    ['ana-pays-ben', 'ben-past-debit', 'ben-to-debit-limit'],
  ),
  stepsCase(
    'refuses-credit-limit',
    'A transfer one unit past the receiver’s credit limit is refused with ERR_CREDIT_LIMIT and never emitted; one to exactly the limit is accepted',
    ['MCR-LIM-002'],
    ['cleo-past-credit', 'cleo-to-credit-limit'],
  ),
  stepsCase(
    'refuses-same-account',
    'A transfer from an account to itself is refused with ERR_CREDIT_INVALID and never emitted',
    ['MCR-TRF-001'],
    ['ana-to-herself'],
  ),
  stepsCase(
    'refuses-too-precise',
    'A transfer with more fraction digits than the currency is refused with ERR_AMOUNT_PRECISION',
    ['MCR-AMT-001'],
    ['ana-too-precise'],
  ),
  {
    id: 'live.mutual-credit.events',
    title:
      'The tool sends valid account.opened and transfer.made events from which the suite’s computeBalances reproduces the balances, never a transfer it refused',
    requirements: ['MCR-EVT-001', 'MCR-BAL-001'],
    profile: 'mutual-credit',
    level: 'MUST',
    actions: ACTIONS,
    async run(ctx) {
      const r = await runCredit(ctx)
      const docs = (type: string) =>
        r.events.filter((e) => e.type === `${T}${type}`).map((e) => withContext(objectOf(e)))
      const accounts = docs('account.opened') as unknown as Account[]
      let balances: unknown
      try {
        const b = computeBalances({
          accounts,
          transfers: docs('transfer.made') as unknown as Transfer[],
        })
        balances = {
          members: r.members.slice(0, 3).map((m) => {
            const account = accounts.find((a) => a.primaryAccountable === m)
            return account === undefined ? undefined : Number(b.balances[account.id])
          }),
          sums: Object.values(b.sums).map(Number),
        }
      } catch (err) {
        balances = { error: (err as { code?: string }).code ?? String(err) }
      }
      const accepted = r.tried.filter((t) => t.answer?.status === 200).length
      const actual = {
        invalid: r.events.flatMap((e) => {
          const v = validateDocument(e)
          return v.valid ? [] : [`${e.type}: ${v.code}`]
        }),
        accounts: accounts.length,
        transfers: docs('transfer.made').length,
        balances,
      }
      const expected = {
        invalid: [],
        accounts: 3,
        transfers: accepted,
        balances: { members: [0, 30, -30], sums: [0] },
      }
      check(
        canonical(actual) === canonical(expected),
        'the credit events do not reproduce the balances',
        expected,
        actual,
      )
      return { expected, actual }
    },
  },
]
