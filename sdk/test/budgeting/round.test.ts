// computeRound: balances, funded buckets, refunds and the order of the log (spec/budgeting.md).
// Every expectation here is computed by hand; the vectors under conformance/vectors/budgeting/
// check the same rules against any implementation.
import { describe, expect, it } from 'vitest'
import { computeRound, isProtocolError, type Bucket } from '../../src/index.js'
import { AROHA, BEN, CAROL, allocate, bucket, give, round } from './fixtures.js'

const bikes = bucket('bikes', '200', '350')
const garden = bucket('garden', '100', '100')
const base = [allocate(AROHA, '250'), allocate(BEN, '100')]

function codeOf(run: () => unknown): string | undefined {
  try {
    run()
  } catch (err) {
    if (isProtocolError(err)) return err.code
    throw err
  }
  return undefined
}

const compute = (contributions: ReturnType<typeof give>[], buckets: Bucket[] = [bikes, garden]) =>
  computeRound({ round, buckets, allocations: base, contributions })

describe('computeRound', () => {
  it('[BUD-BAL-001] accepts a contribution of exactly the balance and refuses one cent more', () => {
    const state = compute([give(AROHA, bikes, '250', '2027-03-05T10:00:00Z')])
    expect(state.balances[AROHA]).toBe('0.00')
    expect(codeOf(() => compute([give(AROHA, bikes, '250.01', '2027-03-05T10:00:00Z')]))).toBe(
      'ERR_BUDGET_OVERDRAWN',
    )
    expect(codeOf(() => compute([give(CAROL, bikes, '0.01', '2027-03-05T10:00:00Z')]))).toBe(
      'ERR_BUDGET_OVERDRAWN',
    )
  })

  it('[BUD-FUND-003] funds a bucket with the contribution that reaches its minimum, not before', () => {
    const below = compute([
      give(AROHA, bikes, '150', '2027-03-05T10:00:00Z'),
      give(BEN, bikes, '49.99', '2027-03-06T10:00:00Z'),
    ])
    expect(below.buckets[bikes.id]).toEqual({ status: 'open', total: '199.99', refunded: '0.00' })
    const at = compute([
      give(AROHA, bikes, '150', '2027-03-05T10:00:00Z'),
      give(BEN, bikes, '50', '2027-03-06T10:00:00Z'),
    ])
    expect(at.buckets[bikes.id]).toEqual({
      status: 'funded',
      total: '200.00',
      refunded: '0.00',
      fundedAt: '2027-03-06T10:00:00Z',
    })
  })

  it('[BUD-FUND-002] takes a bucket to exactly its maximum and refuses a cent past it', () => {
    expect(
      compute([give(AROHA, garden, '100', '2027-03-05T10:00:00Z')]).buckets[garden.id]?.total,
    ).toBe('100.00')
    expect(codeOf(() => compute([give(AROHA, garden, '100.01', '2027-03-05T10:00:00Z')]))).toBe(
      'ERR_BUDGET_OVER_MAX',
    )
  })

  it('[BUD-FUND-001] refuses a bucket whose goals are zero or inverted', () => {
    expect(codeOf(() => compute([], [{ ...bikes, minGoal: '0' }]))).toBe('ERR_BUDGET_INVALID')
    expect(codeOf(() => compute([], [{ ...bikes, maxGoal: '199.99' }]))).toBe('ERR_BUDGET_INVALID')
    expect(codeOf(() => compute([], [{ ...bikes, maxGoal: '200.00' }]))).toBeUndefined()
  })

  it('[BUD-CANC-001] returns every contribution of a cancelled bucket at its cancellation', () => {
    const cancelled = {
      ...bikes,
      bucketStatus: 'cancelled' as const,
      updated: '2027-03-10T12:00:00Z',
    }
    const state = compute(
      [
        give(AROHA, bikes, '150', '2027-03-05T10:00:00Z'),
        give(BEN, bikes, '60', '2027-03-06T10:00:00Z'),
        give(AROHA, garden, '100', '2027-03-11T10:00:00Z'),
      ],
      [cancelled, garden],
    )
    expect(state.buckets[bikes.id]).toMatchObject({
      status: 'cancelled',
      total: '0.00',
      refunded: '210.00',
    })
    expect(state.balances).toEqual({ [AROHA]: '150.00', [BEN]: '100.00' })
    expect(state.refunded).toBe('210.00')
    // Spent before the cancellation: the refund comes back only at the cancellation.
    expect(
      codeOf(() =>
        compute(
          [
            give(AROHA, bikes, '250', '2027-03-05T10:00:00Z'),
            give(AROHA, garden, '1', '2027-03-09T10:00:00Z'),
          ],
          [cancelled, garden],
        ),
      ),
    ).toBe('ERR_BUDGET_OVERDRAWN')
  })

  it('[BUD-OPEN-001] takes contributions from startTime until just before endTime', () => {
    expect(codeOf(() => compute([give(AROHA, bikes, '1', '2027-03-01T00:00:00Z')]))).toBeUndefined()
    expect(codeOf(() => compute([give(AROHA, bikes, '1', '2027-02-28T23:59:59.999Z')]))).toBe(
      'ERR_ROUND_NOT_OPEN',
    )
    expect(codeOf(() => compute([give(AROHA, bikes, '1', '2027-04-01T00:00:00Z')]))).toBe(
      'ERR_ROUND_NOT_OPEN',
    )
  })

  it('[BUD-OPEN-002] refuses contributions to ideas, unknown and completed buckets', () => {
    const at = '2027-03-05T10:00:00Z'
    expect(
      codeOf(() => compute([give(AROHA, bikes, '1', at)], [{ ...bikes, bucketStatus: 'idea' }])),
    ).toBe('ERR_BUCKET_NOT_OPEN')
    expect(
      codeOf(() => compute([give(AROHA, 'https://budgeting.example/buckets/x', '1', at)])),
    ).toBe('ERR_BUCKET_NOT_OPEN')
    const completed = { ...bikes, bucketStatus: 'completed' as const, updated: at }
    expect(codeOf(() => compute([give(AROHA, bikes, '1', at)], [completed]))).toBe(
      'ERR_BUCKET_NOT_OPEN',
    )
    expect(
      compute([give(AROHA, bikes, '1', '2027-03-05T09:59:59.999Z')], [completed]).buckets[bikes.id],
    ).toEqual({ status: 'completed', total: '1.00', refunded: '0.00' })
  })

  it('[BUD-AMT-001] refuses amounts finer than the currency and writes every amount with its decimals', () => {
    const precise = { ...give(AROHA, bikes, '1', '2027-03-05T10:00:00Z') }
    const finer = {
      ...precise,
      resourceQuantity: { hasUnit: 'one' as const, hasNumericalValue: '12.345' },
    }
    const zeros = {
      ...precise,
      resourceQuantity: { hasUnit: 'one' as const, hasNumericalValue: '12.300' },
    }
    expect(codeOf(() => compute([finer]))).toBe('ERR_AMOUNT_PRECISION')
    const state = compute([zeros])
    expect(state.balances[AROHA]).toBe('237.70')
    expect(state.allocated).toBe('350.00')
  })

  it('[BUD-ROUND-001] refuses a round that ends when it starts', () => {
    expect(
      codeOf(() =>
        computeRound({
          round: { ...round, endTime: round.startTime },
          buckets: [],
          allocations: [],
          contributions: [],
        }),
      ),
    ).toBe('ERR_BUDGET_INVALID')
    expect(computeRound({ round, buckets: [], allocations: [], contributions: [] }).allocated).toBe(
      '0.00',
    )
  })

  it('[BUD-STATE-001] gives the same state whatever order the documents come in', () => {
    const a = give(AROHA, bikes, '150', '2027-03-05T10:00:00Z')
    const b = give(BEN, bikes, '50', '2027-03-06T10:00:00Z')
    const one = computeRound({
      round,
      buckets: [bikes, garden],
      allocations: base,
      contributions: [a, b],
    })
    const two = computeRound({
      round,
      buckets: [garden, bikes],
      allocations: [...base].reverse(),
      contributions: [b, a],
    })
    expect(two).toEqual(one)
    expect(Object.keys(one.balances)).toEqual([AROHA, BEN])
  })

  it('[BUD-STATE-001] applies an allocation before a contribution of the same instant, and refuses an inconsistent log', () => {
    const at = '2027-03-05T10:00:00Z'
    const late = allocate(CAROL, '5', at)
    expect(
      computeRound({
        round,
        buckets: [bikes],
        allocations: [late],
        contributions: [give(CAROL, bikes, '5', at)],
      }).balances[CAROL],
    ).toBe('0.00')
    const c = give(AROHA, bikes, '1', at)
    expect(codeOf(() => compute([c, c]))).toBe('ERR_BUDGET_INVALID')
    expect(
      codeOf(() => compute([{ ...c, inScopeOf: 'https://budgeting.example/rounds/other' }])),
    ).toBe('ERR_BUDGET_INVALID')
    expect(codeOf(() => compute([give(AROHA, bikes, '0', at)]))).toBe('ERR_BUDGET_INVALID')
  })

  it('refuses a document that does not validate, and a caller that passes no lists', () => {
    expect(
      codeOf(() =>
        compute([{ ...give(AROHA, bikes, '1', '2027-03-05T10:00:00Z'), published: 'soon' }]),
      ),
    ).toBe('ERR_SCHEMA_INVALID')
    expect(() => computeRound({ round } as never)).toThrow(TypeError)
  })
})
