import { describe, expect, it } from 'vitest'
import { createOutcome, isProtocolError, validateDocument } from '../../src/index.js'
import { AROHA, opt, poll } from './fixtures.js'

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (err) {
    return isProtocolError(err) ? err.code : `not a ProtocolError: ${String(err)}`
  }
  return undefined
}

const bucket = {
  id: 'https://budgeting.example/buckets/roof',
  type: 'Bucket',
  resourceConformsTo: 'https://ledger.example/currencies/eur',
  resourceQuantity: { hasUnit: 'one', hasNumericalValue: '1200.00' },
}

describe('outcomes', () => {
  const p = poll('meeting', ['mon', 'tue'], { closed: '2026-09-05T09:00:00Z' })
  const base = { id: 'https://decisions.example/o/1', attributedTo: AROHA.id, statement: 'Monday.' }

  it('[DEC-OUT-001] accepts an outcome naming its option, a review date and the bucket and amount it decides', () => {
    const outcome = createOutcome(p, {
      ...base,
      option: opt('mon'),
      reviewDate: '2026-12-01T00:00:00Z',
      decides: [bucket],
    })
    expect(outcome.decides?.[0]?.resourceQuantity?.hasNumericalValue).toBe('1200.00')
    expect(validateDocument(outcome).valid).toBe(true)
  })

  it('[DEC-OUT-001] refuses an option the poll does not have, an amount without currency, an early review', () => {
    expect(codeOf(() => createOutcome(p, { ...base, option: opt('sun') }))).toBe('ERR_POLL_INVALID')
    const { resourceConformsTo: _, ...noCurrency } = bucket
    expect(codeOf(() => createOutcome(p, { ...base, decides: [noCurrency] }))).toBe(
      'ERR_POLL_INVALID',
    )
    expect(codeOf(() => createOutcome(p, { ...base, reviewDate: '2026-09-04T00:00:00Z' }))).toBe(
      'ERR_POLL_INVALID',
    )
  })

  it('refuses an amount that is not a decimal string, with ERR_SCHEMA_INVALID', () => {
    const float = { ...bucket, resourceQuantity: { hasUnit: 'one', hasNumericalValue: 1200.5 } }
    expect(codeOf(() => createOutcome(p, { ...base, decides: [float as never] }))).toBe(
      'ERR_SCHEMA_INVALID',
    )
  })
})
