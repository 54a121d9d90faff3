// computeBalances, createAccount and createTransfer: balances, limits both ways, one order of the
// transfers, exact amounts (spec/mutual-credit.md). Every expectation is computed by hand.
import { describe, expect, it } from 'vitest'
import { computeBalances, createAccount, createTransfer, type Transfer } from '../../src/index.js'
import { GROUP, HC, POINTS, U, account, codeOf, pay } from './fixtures.js'

const aroha = account('aroha')
const ben = account('ben')
const carol = account('carol', '20', '0')
const accounts = [aroha, ben, carol]
const T = '2027-01-12T10:00:00Z'
const balances = (transfers: Transfer[], list = accounts) =>
  computeBalances({ accounts: list, transfers })

describe('computeBalances', () => {
  it('[MCR-BAL-001] starts every account at zero and keeps each currency summing to zero', () => {
    const none = balances([])
    expect(none.balances).toEqual({ [aroha.id]: '0.00', [ben.id]: '0.00', [carol.id]: '0.00' })
    const chain = balances([
      pay(aroha, ben, '35.5', '2027-01-12T16:20:00Z'),
      pay(ben, carol, '12.25', '2027-01-13T09:00:00Z'),
      pay(carol, aroha, '2', '2027-01-14T09:00:00Z'),
    ])
    expect(chain.balances).toEqual({
      [aroha.id]: '-33.50',
      [ben.id]: '23.25',
      [carol.id]: '10.25',
    })
    expect(chain.sums).toEqual({ [HC.id]: '0.00' })
  })

  it('[MCR-BAL-001] sums each currency on its own', () => {
    const ap = account('aroha', '10', '10', POINTS)
    const bp = account('ben', '10', '10', POINTS)
    const result = balances([pay(aroha, ben, '5', T), pay(bp, ap, '7', T)], [aroha, ben, ap, bp])
    expect(result.balances[ap.id]).toBe('7')
    expect(result.sums).toEqual({ [POINTS.id]: '0', [HC.id]: '0.00' })
  })

  it('[MCR-BAL-001] applies transfers by time, then by id in code-point order, whatever order they come in', () => {
    const receive = pay(aroha, carol, '10', T)
    const passOn = pay(carol, ben, '10', '2027-01-12T10:00:00.001Z')
    expect(balances([passOn, receive]).balances[carol.id]).toBe('0.00')
    // Carol (debit limit 0) can only pass on what she received first.
    expect(
      codeOf(() =>
        balances([pay(aroha, carol, '10', '2027-01-12T10:00:00.001Z'), pay(carol, ben, '10', T)]),
      ),
    ).toBe('ERR_DEBIT_LIMIT')
    const a = (id: string) => `https://credit.example/transfers/${id}`
    expect(
      codeOf(() =>
        balances([pay(carol, ben, '10', T, a('b')), pay(aroha, carol, '10', T, a('a'))]),
      ),
    ).toBeUndefined()
    expect(
      codeOf(() =>
        balances([pay(carol, ben, '10', T, a('a')), pay(aroha, carol, '10', T, a('b'))]),
      ),
    ).toBe('ERR_DEBIT_LIMIT')
  })

  it('[MCR-BAL-001] refuses a transfer id or an account id that appears twice', () => {
    const once = pay(aroha, ben, '1', T)
    expect(codeOf(() => balances([once]))).toBeUndefined()
    expect(
      codeOf(() => balances([once, { ...once, hasPointInTime: '2027-01-13T00:00:00Z' }])),
    ).toBe('ERR_CREDIT_INVALID')
    expect(codeOf(() => balances([], [aroha, aroha]))).toBe('ERR_CREDIT_INVALID')
  })

  it('[MCR-LIM-001] accepts a transfer to exactly the debit limit and refuses one cent past it', () => {
    expect(balances([pay(aroha, ben, '50', T)]).balances[aroha.id]).toBe('-50.00')
    expect(codeOf(() => balances([pay(aroha, ben, '50.01', T)]))).toBe('ERR_DEBIT_LIMIT')
    expect(
      codeOf(() =>
        balances([pay(aroha, ben, '30', T), pay(aroha, ben, '20.01', '2027-01-13T00:00:00Z')]),
      ),
    ).toBe('ERR_DEBIT_LIMIT')
  })

  it('[MCR-LIM-002] accepts a transfer to exactly the credit limit and refuses one cent past it', () => {
    expect(balances([pay(ben, carol, '20', T)]).balances[carol.id]).toBe('20.00')
    expect(codeOf(() => balances([pay(ben, carol, '20.01', T)]))).toBe('ERR_CREDIT_LIMIT')
    // Spending makes room again.
    const spent = balances([
      pay(ben, carol, '20', T),
      pay(carol, aroha, '5', '2027-01-13T00:00:00Z'),
      pay(ben, carol, '5', '2027-01-14T00:00:00Z'),
    ])
    expect(spent.balances[carol.id]).toBe('20.00')
  })

  it('[MCR-LIM-001] [MCR-LIM-002] checks the debit limit first when a transfer passes both', () => {
    const dan = account('dan', '100', '0')
    expect(codeOf(() => balances([pay(dan, carol, '30', T)], [dan, carol]))).toBe('ERR_DEBIT_LIMIT')
  })

  it('[MCR-AMT-001] refuses amounts and limits more precise than the currency, and writes its decimals', () => {
    const one = pay(aroha, ben, '1', T)
    const withAmount = (value: string) => ({
      ...one,
      resourceQuantity: { hasUnit: 'one' as const, hasNumericalValue: value },
    })
    expect(codeOf(() => balances([withAmount('1.005')]))).toBe('ERR_AMOUNT_PRECISION')
    expect(balances([withAmount('1.500')]).balances[ben.id]).toBe('1.50')
    expect(codeOf(() => balances([], [{ ...aroha, creditLimit: '100.001' }]))).toBe(
      'ERR_AMOUNT_PRECISION',
    )
    expect(one.resourceQuantity.hasNumericalValue).toBe('1.00')
    expect(aroha.creditLimit).toBe('100.00')
    expect(
      codeOf(() =>
        createAccount({
          id: 'https://credit.example/accounts/x',
          member: `${U}x`,
          audience: GROUP,
          currency: HC,
          creditLimit: '1.001',
          debitLimit: '0',
        }),
      ),
    ).toBe('ERR_AMOUNT_PRECISION')
    expect(
      codeOf(() =>
        createTransfer({
          id: 'https://credit.example/t/x',
          from: aroha,
          to: ben,
          amount: '0.5',
          rounding: 'half-even',
        }),
      ),
    ).toBeUndefined()
  })

  it('[MCR-TRF-001] refuses a transfer that does not go between two accounts of its members, currency and group', () => {
    const ok = pay(aroha, ben, '5', T)
    expect(codeOf(() => balances([ok]))).toBeUndefined()
    const broken: Record<string, unknown>[] = [
      { toResourceInventoriedAs: aroha.id, receiver: aroha.primaryAccountable },
      { toResourceInventoriedAs: 'https://credit.example/accounts/nobody' },
      { provider: `${U}carol` },
      { receiver: `${U}carol` },
      { resourceConformsTo: POINTS.id },
      { audience: 'https://decisions.example/g/elsewhere' },
      { resourceQuantity: { hasUnit: 'one', hasNumericalValue: '0' } },
    ]
    for (const patch of broken) {
      expect(
        codeOf(() => balances([{ ...ok, ...patch }])),
        JSON.stringify(patch),
      ).toBe('ERR_CREDIT_INVALID')
    }
    expect(codeOf(() => pay(aroha, aroha, '1', T))).toBe('ERR_CREDIT_INVALID')
    expect(codeOf(() => pay(aroha, account('ben', '10', '10', POINTS), '1', T))).toBe(
      'ERR_CREDIT_INVALID',
    )
  })

  it('[MCR-DOC-001] refuses a transfer that is not a ValueFlows transfer, and a negative limit', () => {
    const ok = pay(aroha, ben, '5', T)
    expect(codeOf(() => balances([{ ...ok, action: 'produce' } as unknown as Transfer]))).toBe(
      'ERR_SCHEMA_INVALID',
    )
    expect(codeOf(() => balances([], [{ ...aroha, debitLimit: '-1.00' }]))).toBe(
      'ERR_SCHEMA_INVALID',
    )
    expect(ok).toMatchObject({ type: 'EconomicEvent', action: 'transfer' })
  })

  it('refuses options that are not lists as a caller’s mistake', () => {
    expect(() => computeBalances({ accounts: 'x', transfers: [] } as never)).toThrow(TypeError)
    expect(() => computeBalances(undefined as never)).toThrow(TypeError)
  })
})
