// The builders of the budgeting documents (spec/budgeting.md, Documents).
import { describe, expect, it } from 'vitest'
import {
  createBucket,
  createContribution,
  createFundingRound,
  isProtocolError,
  validateDocument,
} from '../../src/index.js'
import { AROHA, GROUP, allocate, bucket, give, harbourCredit, round } from './fixtures.js'

function codeOf(run: () => unknown): string | undefined {
  try {
    run()
  } catch (err) {
    if (isProtocolError(err)) return err.code
    throw err
  }
  return undefined
}

describe('budgeting documents', () => {
  it('[BUD-DOC-001] builds frozen, valid documents that name their round and amounts in unit one', () => {
    const b = bucket('bikes', '200', '350')
    const a = allocate(AROHA, '250')
    const c = give(AROHA, b, '40', '2027-03-05T10:00:00Z')
    for (const [doc, kind] of [
      [round, 'FundingRound'],
      [b, 'Bucket'],
      [a, 'Allocation'],
      [c, 'Contribution'],
    ] as const) {
      expect(validateDocument(doc)).toMatchObject({ valid: true, kind })
      expect(Object.isFrozen(doc)).toBe(true)
    }
    expect(round).toMatchObject({ resourceConformsTo: harbourCredit.id, decimals: 2 })
    expect(b).toMatchObject({
      inScopeOf: round.id,
      minGoal: '200.00',
      maxGoal: '350.00',
      bucketStatus: 'open',
    })
    expect(c).toMatchObject({
      provider: AROHA,
      receiver: b.id,
      resourceQuantity: { hasUnit: 'one', hasNumericalValue: '40.00' },
    })
    expect(
      validateDocument({ ...a, resourceQuantity: { hasUnit: 'hour', hasNumericalValue: '1' } }),
    ).toMatchObject({
      valid: false,
      code: 'ERR_SCHEMA_INVALID',
    })
    expect(validateDocument({ ...c, provider: undefined })).toMatchObject({ valid: false })
  })

  it('[BUD-AMT-001] refuses an amount finer than the currency unless asked to round it half to even', () => {
    expect(
      codeOf(() =>
        give(AROHA, 'https://budgeting.example/buckets/x', '2.345', '2027-03-05T10:00:00Z'),
      ),
    ).toBe('ERR_AMOUNT_PRECISION')
    const rounded = createContribution({
      id: 'https://budgeting.example/contributions/r',
      round,
      bucket: 'https://budgeting.example/buckets/x',
      member: AROHA,
      amount: '2.345',
      rounding: 'half-even',
      published: '2027-03-05T10:00:00Z',
    })
    expect(rounded.resourceQuantity.hasNumericalValue).toBe('2.34')
    expect(
      codeOf(() =>
        give(AROHA, 'https://budgeting.example/buckets/x', '1e3', '2027-03-05T10:00:00Z'),
      ),
    ).toBe('ERR_AMOUNT_INVALID')
  })

  it('[BUD-FUND-001] refuses to build a bucket whose goals are zero or inverted', () => {
    expect(codeOf(() => bucket('zero', '0', '10'))).toBe('ERR_BUDGET_INVALID')
    expect(codeOf(() => bucket('inverted', '10', '9.99'))).toBe('ERR_BUDGET_INVALID')
    const only = createBucket({
      id: 'https://budgeting.example/buckets/min-only',
      round,
      name: 'Min only',
      attributedTo: AROHA,
      minGoal: '10',
      published: '2027-02-25T00:00:00Z',
      decidedBy: 'https://decisions.example/g/harbour-commons/polls/7/outcome',
    })
    expect(only).toMatchObject({
      maxGoal: '10.00',
      decidedBy: 'https://decisions.example/g/harbour-commons/polls/7/outcome',
    })
  })

  it('[BUD-ROUND-001] refuses to build a round that ends before it starts', () => {
    const options = {
      id: 'https://budgeting.example/rounds/x',
      name: 'X',
      audience: GROUP,
      currency: harbourCredit,
      published: '2027-02-20T09:00:00Z',
      startTime: '2027-03-01T00:00:00Z',
    }
    expect(codeOf(() => createFundingRound({ ...options, endTime: '2027-02-01T00:00:00Z' }))).toBe(
      'ERR_BUDGET_INVALID',
    )
    expect(createFundingRound(options).endTime).toBeUndefined()
    expect(() => createFundingRound({ ...options, currency: undefined } as never)).toThrow(
      TypeError,
    )
  })
})
