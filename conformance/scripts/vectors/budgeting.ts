// The vectors of spec/budgeting.md: the example documents and their invalid twins, and rounds
// computed from their documents (`computeRound`): balances never overdrawn, buckets funded at their
// minimum and never past their maximum, refunds on cancellation, contributions only while the round
// and the bucket are open, amounts in the currency's decimals, and one order of the log.
// Registered in ../generate-vectors.ts.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import {
  computeRound,
  createAllocation,
  createBucket,
  createContribution,
  createFundingRound,
  isProtocolError,
  type Allocation,
  type Bucket,
  type Contribution,
  type FundingRound,
  type ResourceSpecification,
} from '@cta-interop/sdk'
import type { ComputeRoundInput, Level, Profile, SingleExpectation } from '../../src/types.js'
import { manifestVectors, type Built, type ProfileVectorTools } from './manifest-vectors.js'

/** The requirements these vectors cite, with their profiles and level as spec/budgeting.md states them. */
export const BUDGETING_REQUIREMENTS: Record<string, { profiles: Profile[]; level: Level }> = {
  'BUD-DOC-001': { profiles: ['core'], level: 'MUST' },
  'BUD-ROUND-001': { profiles: ['budgeting'], level: 'MUST' },
  'BUD-AMT-001': { profiles: ['budgeting'], level: 'MUST' },
  'BUD-OPEN-001': { profiles: ['budgeting'], level: 'MUST' },
  'BUD-OPEN-002': { profiles: ['budgeting'], level: 'MUST' },
  'BUD-BAL-001': { profiles: ['budgeting'], level: 'MUST' },
  'BUD-FUND-001': { profiles: ['budgeting'], level: 'MUST' },
  'BUD-FUND-002': { profiles: ['budgeting'], level: 'MUST' },
  'BUD-FUND-003': { profiles: ['budgeting'], level: 'MUST' },
  'BUD-CANC-001': { profiles: ['budgeting'], level: 'MUST' },
  'BUD-STATE-001': { profiles: ['budgeting'], level: 'MUST' },
}

type Doc = Record<string, unknown>

/** What the generator lends this module: where the examples are, and its vector builder. */
export type BudgetingVectorTools = ProfileVectorTools

const GROUP = 'https://decisions.example/g/harbour-commons'
const AROHA = 'https://decisions.example/u/aroha'
const BEN = 'https://decisions.example/u/ben'
const CAROL = 'https://decisions.example/u/carol'
const B = 'https://budgeting.example/buckets/'

/** A document with one member replaced, bypassing the SDK's builders (for defects they refuse). */
const amountOf = <T extends Allocation | Contribution>(doc: T, value: string): T => ({
  ...doc,
  resourceQuantity: { hasUnit: 'one', hasNumericalValue: value },
})

/** Round vectors: `computeRound` on a round of Harbour Credit (2 decimals) and one of points. */
async function roundVectors(tools: BudgetingVectorTools): Promise<Built[]> {
  const hc = JSON.parse(
    await readFile(join(tools.examples, 'resource-specification.json'), 'utf8'),
  ) as ResourceSpecification
  const points: ResourceSpecification = {
    ...hc,
    id: 'https://ledger.example/currencies/bike-points',
    name: 'Bike points',
    currencyType: 'points',
    symbol: 'BP',
    decimals: 0,
  }
  const roundIn = (currency: ResourceSpecification, extra: Partial<Doc> = {}): FundingRound =>
    createFundingRound({
      id: `https://budgeting.example/rounds/${currency.decimals === 0 ? 'points' : 'spring-2027'}`,
      name: 'Spring 2027',
      audience: GROUP,
      currency,
      published: '2027-02-20T09:00:00Z',
      startTime: '2027-03-01T00:00:00Z',
      endTime: '2027-04-01T00:00:00Z',
      ...extra,
    })
  const round = roundIn(hc)
  const bucket = (
    slug: string,
    minGoal: string,
    maxGoal: string,
    extra: Doc = {},
    r = round,
  ): Bucket =>
    createBucket({
      id: `${B}${slug}`,
      round: r,
      name: slug,
      attributedTo: BEN,
      minGoal,
      maxGoal,
      published: '2027-02-25T00:00:00Z',
      ...extra,
    })
  const bikes = bucket('bikes', '200', '350')
  const garden = bucket('garden', '100', '100')
  const oven = bucket('oven', '100', '300')
  let n = 0
  const allocate = (
    member: string,
    amount: string,
    published = '2027-02-28T00:00:00Z',
    r = round,
  ) =>
    createAllocation({
      id: `https://budgeting.example/allocations/${++n}`,
      round: r,
      member,
      amount,
      provider: GROUP,
      published,
    })
  const give = (
    member: string,
    to: Bucket | string,
    amount: string,
    published: string,
    id = `https://budgeting.example/contributions/${++n}`,
    r = round,
  ) => createContribution({ id, round: r, bucket: to, member, amount, published })
  const base = [allocate(AROHA, '250'), allocate(BEN, '100')]

  const out: Built[] = []
  const add = (
    id: string,
    title: string,
    requirements: string[],
    input: {
      round?: FundingRound | Doc
      buckets?: (Bucket | Doc)[]
      allocations?: (Allocation | Doc)[]
      contributions: (Contribution | Doc)[]
    },
    error?: string,
  ) => {
    const full: ComputeRoundInput = {
      round: input.round ?? round,
      buckets: input.buckets ?? [bikes, garden, oven],
      allocations: input.allocations ?? base,
      contributions: input.contributions,
    }
    let expected: SingleExpectation
    try {
      const state = computeRound(full as never)
      if (error !== undefined) throw new Error(`${id}: expected ${error}, the round computed`)
      expected = { valid: true, kind: 'RoundState', result: { ...state } }
    } catch (err) {
      if (!isProtocolError(err)) throw err
      if (err.code !== error) throw new Error(`${id}: expected ${String(error)}, got ${err.code}`)
      expected = { error: err.code }
    }
    out.push(
      tools.vector({
        dir: 'budgeting/rounds',
        id: `bud.${id}`,
        title,
        requirements,
        operation: 'computeRound',
        flags: [error === undefined ? 'Valid' : 'RoundRefused'],
        input: full,
        expected,
      }),
    )
  }
  /** Checks a hand-computed expectation against the state a vector expects. */
  const check = (id: string, path: (state: Record<string, unknown>) => unknown, want: unknown) => {
    const v = out.find((x) => x.id === `bud.${id}`)
    const got =
      v !== undefined && 'result' in v.expected ? path(v.expected.result ?? {}) : undefined
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      throw new Error(`${id}: expected ${JSON.stringify(want)}, computed ${JSON.stringify(got)}`)
    }
  }
  const bucketOf = (slug: string) => (s: Record<string, unknown>) =>
    (s['buckets'] as Record<string, unknown>)[`${B}${slug}`]
  const balanceOf = (member: string) => (s: Record<string, unknown>) =>
    (s['balances'] as Record<string, unknown>)[member]

  // BUD-BAL-001: never more than the balance.
  add(
    'bal.valid.exact-balance',
    'Accepts a contribution of exactly what the member has left',
    ['BUD-BAL-001'],
    {
      contributions: [give(AROHA, bikes, '250', '2027-03-05T10:00:00Z')],
    },
  )
  check('bal.valid.exact-balance', balanceOf(AROHA), '0.00')
  add(
    'bal.overdrawn',
    'Refuses a contribution one cent more than the member has left',
    ['BUD-BAL-001'],
    {
      contributions: [give(AROHA, bikes, '250.01', '2027-03-05T10:00:00Z')],
    },
    'ERR_BUDGET_OVERDRAWN',
  )
  add(
    'bal.overdrawn-across-buckets',
    'Refuses contributions to two buckets that together exceed the allocation',
    ['BUD-BAL-001'],
    {
      contributions: [
        give(AROHA, bikes, '200', '2027-03-05T10:00:00Z'),
        give(AROHA, oven, '60', '2027-03-06T10:00:00Z'),
      ],
    },
    'ERR_BUDGET_OVERDRAWN',
  )
  add(
    'bal.no-allocation',
    'Refuses a contribution from a member without an allocation',
    ['BUD-BAL-001'],
    {
      contributions: [give(CAROL, bikes, '1', '2027-03-05T10:00:00Z')],
    },
    'ERR_BUDGET_OVERDRAWN',
  )
  add('bal.valid.allocations-add-up', 'Adds a second allocation to the balance', ['BUD-BAL-001'], {
    allocations: [...base, allocate(AROHA, '50', '2027-03-06T00:00:00Z')],
    contributions: [
      give(AROHA, bikes, '250', '2027-03-05T10:00:00Z'),
      give(AROHA, oven, '50', '2027-03-07T10:00:00Z'),
    ],
  })
  check('bal.valid.allocations-add-up', (s) => s['allocated'], '400.00')

  // BUD-FUND-001, -002, -003: goals, funded at the minimum, never past the maximum.
  add(
    'fund.valid.at-minimum',
    'Funds a bucket with the contribution that reaches its minimum goal',
    ['BUD-FUND-003'],
    {
      contributions: [
        give(AROHA, bikes, '150', '2027-03-05T10:00:00Z'),
        give(BEN, bikes, '50', '2027-03-06T10:00:00Z'),
      ],
    },
  )
  check('fund.valid.at-minimum', bucketOf('bikes'), {
    status: 'funded',
    total: '200.00',
    refunded: '0.00',
    fundedAt: '2027-03-06T10:00:00Z',
  })
  add(
    'fund.valid.below-minimum',
    'Leaves a bucket one cent below its minimum goal open',
    ['BUD-FUND-003'],
    {
      contributions: [
        give(AROHA, bikes, '150', '2027-03-05T10:00:00Z'),
        give(BEN, bikes, '49.99', '2027-03-06T10:00:00Z'),
      ],
    },
  )
  check('fund.valid.below-minimum', (s) => (bucketOf('bikes')(s) as Doc)['status'], 'open')
  add(
    'fund.valid.stretch-to-maximum',
    'Keeps a funded bucket taking contributions up to exactly its maximum goal',
    ['BUD-FUND-002', 'BUD-FUND-003'],
    {
      contributions: [
        give(AROHA, bikes, '250', '2027-03-05T10:00:00Z'),
        give(BEN, bikes, '100', '2027-03-06T10:00:00Z'),
      ],
    },
  )
  check('fund.valid.stretch-to-maximum', (s) => (bucketOf('bikes')(s) as Doc)['total'], '350.00')
  add(
    'fund.over-maximum',
    'Refuses a contribution that would take a funded bucket past its maximum goal',
    ['BUD-FUND-002', 'BUD-FUND-003'],
    {
      allocations: [...base, allocate(CAROL, '200')],
      contributions: [
        give(AROHA, bikes, '250', '2027-03-05T10:00:00Z'),
        give(CAROL, bikes, '100.01', '2027-03-06T10:00:00Z'),
      ],
    },
    'ERR_BUDGET_OVER_MAX',
  )
  add(
    'fund.over-maximum-at-once',
    'Refuses a single contribution larger than what a bucket may still receive',
    ['BUD-FUND-002'],
    {
      contributions: [give(AROHA, garden, '100.01', '2027-03-05T10:00:00Z')],
    },
    'ERR_BUDGET_OVER_MAX',
  )
  add(
    'fund.valid.goals-equal',
    'Accepts a bucket whose maximum goal equals its minimum',
    ['BUD-FUND-001'],
    {
      contributions: [give(AROHA, garden, '100', '2027-03-05T10:00:00Z')],
    },
  )
  add(
    'fund.goals.zero-minimum',
    'Refuses a bucket whose minimum goal is zero',
    ['BUD-FUND-001'],
    {
      buckets: [{ ...bikes, minGoal: '0.00' }],
      contributions: [],
    },
    'ERR_BUDGET_INVALID',
  )
  add(
    'fund.goals.maximum-below-minimum',
    'Refuses a bucket whose maximum goal is below its minimum',
    ['BUD-FUND-001'],
    {
      buckets: [{ ...bikes, maxGoal: '199.99' }],
      contributions: [],
    },
    'ERR_BUDGET_INVALID',
  )

  // BUD-CANC-001: refunds on cancellation.
  const cancelled = { ...bikes, bucketStatus: 'cancelled', updated: '2027-03-10T12:00:00Z' }
  add(
    'canc.valid.refunds',
    'Returns every contribution of a cancelled bucket, and the members spend it again',
    ['BUD-CANC-001'],
    {
      buckets: [cancelled, garden, oven],
      contributions: [
        give(AROHA, bikes, '150', '2027-03-05T10:00:00Z'),
        give(BEN, bikes, '60', '2027-03-06T10:00:00Z'),
        give(AROHA, oven, '250', '2027-03-11T10:00:00Z'),
      ],
    },
  )
  check('canc.valid.refunds', bucketOf('bikes'), {
    status: 'cancelled',
    total: '0.00',
    refunded: '210.00',
    fundedAt: '2027-03-06T10:00:00Z',
  })
  check('canc.valid.refunds', balanceOf(BEN), '100.00')
  check('canc.valid.refunds', balanceOf(AROHA), '0.00')
  add(
    'canc.refund-is-what-was-given',
    'Refuses to spend more after a refund than the refund gave back',
    ['BUD-CANC-001', 'BUD-BAL-001'],
    {
      buckets: [cancelled, garden, oven],
      contributions: [
        give(AROHA, bikes, '150', '2027-03-05T10:00:00Z'),
        give(AROHA, garden, '100', '2027-03-06T10:00:00Z'),
        give(AROHA, oven, '150.01', '2027-03-11T10:00:00Z'),
      ],
    },
    'ERR_BUDGET_OVERDRAWN',
  )
  add(
    'canc.after-cancel',
    'Refuses a contribution to a bucket after it was cancelled',
    ['BUD-CANC-001', 'BUD-OPEN-002'],
    {
      buckets: [cancelled, garden, oven],
      contributions: [give(AROHA, bikes, '10', '2027-03-10T12:00:00Z')],
    },
    'ERR_BUCKET_NOT_OPEN',
  )
  add('canc.valid.completed-keeps', 'Keeps what a completed bucket holds', ['BUD-CANC-001'], {
    buckets: [
      { ...bikes, bucketStatus: 'completed', updated: '2027-03-20T12:00:00Z' },
      garden,
      oven,
    ],
    contributions: [give(AROHA, bikes, '200', '2027-03-05T10:00:00Z')],
  })
  check('canc.valid.completed-keeps', balanceOf(AROHA), '50.00')

  // BUD-OPEN-001 and -002: only while the round and the bucket are open.
  add(
    'open.valid.at-start',
    "Accepts a contribution at the round's startTime",
    ['BUD-OPEN-001', 'BUD-OPEN-002'],
    {
      contributions: [give(AROHA, bikes, '10', '2027-03-01T00:00:00Z')],
    },
  )
  add(
    'open.before-start',
    "Refuses a contribution a millisecond before the round's startTime",
    ['BUD-OPEN-001'],
    {
      contributions: [give(AROHA, bikes, '10', '2027-02-28T23:59:59.999Z')],
    },
    'ERR_ROUND_NOT_OPEN',
  )
  add(
    'open.valid.before-end',
    "Accepts a contribution a millisecond before the round's endTime",
    ['BUD-OPEN-001'],
    {
      contributions: [give(AROHA, bikes, '10', '2027-03-31T23:59:59.999Z')],
    },
  )
  add(
    'open.at-end',
    "Refuses a contribution at the round's endTime",
    ['BUD-OPEN-001'],
    {
      contributions: [give(AROHA, bikes, '10', '2027-04-01T00:00:00Z')],
    },
    'ERR_ROUND_NOT_OPEN',
  )
  add(
    'open.idea',
    'Refuses a contribution to a bucket that is still an idea',
    ['BUD-OPEN-002'],
    {
      buckets: [{ ...bikes, bucketStatus: 'idea' }, garden, oven],
      contributions: [give(AROHA, bikes, '10', '2027-03-05T10:00:00Z')],
    },
    'ERR_BUCKET_NOT_OPEN',
  )
  add(
    'open.unknown-bucket',
    'Refuses a contribution to a bucket the round does not hold',
    ['BUD-OPEN-002'],
    {
      contributions: [give(AROHA, `${B}elsewhere`, '10', '2027-03-05T10:00:00Z')],
    },
    'ERR_BUCKET_NOT_OPEN',
  )
  add(
    'open.before-published',
    'Refuses a contribution dated before its bucket was published',
    ['BUD-OPEN-002'],
    {
      buckets: [{ ...bikes, published: '2027-03-08T00:00:00Z' }, garden, oven],
      contributions: [give(AROHA, bikes, '10', '2027-03-05T10:00:00Z')],
    },
    'ERR_BUCKET_NOT_OPEN',
  )

  // BUD-AMT-001: amounts in the currency's decimals.
  add(
    'amt.valid.trailing-zeros',
    'Reads 12.300 as 12.30 and writes every amount with two decimals',
    ['BUD-AMT-001'],
    {
      contributions: [amountOf(give(AROHA, bikes, '12.3', '2027-03-05T10:00:00Z'), '12.300')],
    },
  )
  check('amt.valid.trailing-zeros', balanceOf(AROHA), '237.70')
  add(
    'amt.precision',
    'Refuses a contribution of 12.345 in a currency of two decimals',
    ['BUD-AMT-001'],
    {
      contributions: [amountOf(give(AROHA, bikes, '12', '2027-03-05T10:00:00Z'), '12.345')],
    },
    'ERR_AMOUNT_PRECISION',
  )
  add(
    'amt.goal-precision',
    'Refuses a minimum goal of 200.001 in a currency of two decimals',
    ['BUD-AMT-001'],
    {
      buckets: [{ ...bikes, minGoal: '200.001' }],
      contributions: [],
    },
    'ERR_AMOUNT_PRECISION',
  )
  const pts = roundIn(points)
  const ptsBucket = bucket('points-bikes', '10', '20', {}, pts)
  add('amt.valid.points', 'Computes a round of points without fraction digits', ['BUD-AMT-001'], {
    round: pts,
    buckets: [ptsBucket],
    allocations: [allocate(AROHA, '10', '2027-02-28T00:00:00Z', pts)],
    contributions: [give(AROHA, ptsBucket, '3', '2027-03-05T10:00:00Z', undefined, pts)],
  })
  check('amt.valid.points', balanceOf(AROHA), '7')
  add(
    'amt.points-fraction',
    'Refuses half a point',
    ['BUD-AMT-001'],
    {
      round: pts,
      buckets: [ptsBucket],
      allocations: [allocate(AROHA, '10', '2027-02-28T00:00:00Z', pts)],
      contributions: [
        amountOf(give(AROHA, ptsBucket, '1', '2027-03-05T10:00:00Z', undefined, pts), '0.5'),
      ],
    },
    'ERR_AMOUNT_PRECISION',
  )

  // BUD-ROUND-001: the round's window.
  add(
    'round.window.ends-before-start',
    'Refuses a round whose endTime is its startTime',
    ['BUD-ROUND-001'],
    {
      round: { ...round, endTime: round.startTime },
      contributions: [],
    },
    'ERR_BUDGET_INVALID',
  )
  add(
    'round.window.valid.open-ended',
    'Keeps a round without endTime open',
    ['BUD-ROUND-001', 'BUD-OPEN-001'],
    {
      round: Object.fromEntries(Object.entries(round).filter(([k]) => k !== 'endTime')),
      contributions: [give(AROHA, bikes, '10', '2030-01-01T00:00:00Z')],
    },
  )

  // BUD-STATE-001: one order of the log, and a consistent log.
  const early = give(AROHA, bikes, '150', '2027-03-05T10:00:00Z')
  const late = give(BEN, bikes, '50', '2027-03-06T10:00:00Z')
  add(
    'state.valid.any-input-order',
    'Applies the log in time order whatever order the documents come in',
    ['BUD-STATE-001'],
    {
      buckets: [oven, garden, bikes],
      allocations: [...base].reverse(),
      contributions: [late, early],
    },
  )
  check(
    'state.valid.any-input-order',
    (s) => (bucketOf('bikes')(s) as Doc)['fundedAt'],
    '2027-03-06T10:00:00Z',
  )
  add(
    'state.valid.allocation-first',
    'Applies an allocation before a contribution of the same instant',
    ['BUD-STATE-001'],
    {
      allocations: [allocate(CAROL, '20', '2027-03-05T10:00:00Z')],
      contributions: [give(CAROL, bikes, '20', '2027-03-05T10:00:00Z')],
    },
  )
  add(
    'state.closing-before-contribution',
    'Closes a bucket before a contribution of the same instant',
    ['BUD-STATE-001', 'BUD-OPEN-002'],
    {
      buckets: [cancelled, garden, oven],
      contributions: [give(AROHA, bikes, '10', '2027-03-10T12:00:00Z')],
    },
    'ERR_BUCKET_NOT_OPEN',
  )
  add(
    'state.ties-by-id',
    'Orders two contributions of the same instant by id: the first refused names the code',
    ['BUD-STATE-001'],
    {
      contributions: [
        give(
          AROHA,
          garden,
          '100.01',
          '2027-03-05T10:00:00Z',
          'https://budgeting.example/contributions/b',
        ),
        give(
          CAROL,
          bikes,
          '1',
          '2027-03-05T10:00:00Z',
          'https://budgeting.example/contributions/a',
        ),
      ],
    },
    'ERR_BUDGET_OVERDRAWN',
  )
  add(
    'state.other-round',
    'Refuses a contribution that names another round',
    ['BUD-STATE-001'],
    {
      contributions: [
        {
          ...give(AROHA, bikes, '10', '2027-03-05T10:00:00Z'),
          inScopeOf: 'https://budgeting.example/rounds/autumn',
        },
      ],
    },
    'ERR_BUDGET_INVALID',
  )
  const twice = give(AROHA, bikes, '10', '2027-03-05T10:00:00Z')
  add(
    'state.duplicate-id',
    'Refuses a log that holds one contribution twice',
    ['BUD-STATE-001'],
    {
      contributions: [twice, { ...twice, published: '2027-03-06T10:00:00Z' }],
    },
    'ERR_BUDGET_INVALID',
  )
  add(
    'state.zero-contribution',
    'Refuses a contribution of zero',
    ['BUD-STATE-001'],
    {
      contributions: [give(AROHA, bikes, '0', '2027-03-05T10:00:00Z')],
    },
    'ERR_BUDGET_INVALID',
  )
  return out
}

/** Every vector of spec/budgeting.md. */
export async function budgetingVectors(tools: BudgetingVectorTools): Promise<Built[]> {
  return [...(await manifestVectors(tools, 'budgeting', 'bud')), ...(await roundVectors(tools))]
}
