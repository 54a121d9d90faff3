import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  addAmounts,
  compareAmounts,
  convertAmount,
  isProtocolError,
  multiplyAmounts,
  normalizeAmount,
  roundAmount,
  subtractAmounts,
  type RoundingMode,
} from '../../src/index.js'
import { HC, JPY, NZD, USD, thrown } from './fixtures.js'

/** The code of a ProtocolError thrown by `fn`. */
function codeOf(fn: () => unknown): string | undefined {
  const err = thrown(fn)
  return isProtocolError(err) ? err.code : `not a ProtocolError: ${String(err)}`
}

const HOSTILE = [
  '1e400',
  '1E3',
  'NaN',
  'Infinity',
  '-0',
  '-0.00',
  '-1',
  '+1',
  '1,5',
  '1 000',
  '1_000',
  '01',
  '00.5',
  '.5',
  '5.',
  '',
  ' 1',
  '1 ',
  '0x10',
  '١٢',
  '1.2.3',
  '9'.repeat(31),
  `0.${'1'.repeat(31)}`,
  '9'.repeat(10_000),
]

const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']

// Amounts as the wire allows them: up to 30 digits before and after the point.
const intPart = fc.oneof(
  fc.constant('0'),
  fc
    .tuple(
      fc.integer({ min: 1, max: 9 }),
      fc.string({ unit: fc.constantFrom(...DIGITS), maxLength: 29 }),
    )
    .map(([d, rest]) => `${d}${rest}`),
)
const amount = fc
  .tuple(
    intPart,
    fc.option(fc.string({ unit: fc.constantFrom(...DIGITS), minLength: 1, maxLength: 30 })),
  )
  .map(([i, f]) => (f === null ? i : `${i}.${f}`))
const signed = fc
  .tuple(fc.boolean(), amount)
  .map(([neg, a]) => (neg && /[1-9]/.test(a) ? `-${a}` : a))

/** The exact value of a decimal string as a BigInt at a fixed scale of 10^-40. */
function scaled(value: string): bigint {
  const negative = value.startsWith('-')
  const [i = '', f = ''] = (negative ? value.slice(1) : value).split('.')
  const units = BigInt(i + f.padEnd(40, '0'))
  return negative ? -units : units
}

describe('amounts', () => {
  it('[INT-AMT-001] accepts amounts written as DOC-AMT-001 defines them', () => {
    for (const value of [
      '0',
      '0.0',
      '45.00',
      '30',
      '1.5',
      '9'.repeat(30),
      `0.${'0'.repeat(29)}1`,
    ]) {
      expect(normalizeAmount(value)).toBe(value)
    }
    expect(normalizeAmount(`${'9'.repeat(30)}.${'9'.repeat(30)}`)).toHaveLength(61)
  })

  it('[INT-AMT-001] rejects 1e400, NaN, -0, "1,5", a 10,000-digit string and every other non-amount with ERR_AMOUNT_INVALID', () => {
    for (const value of HOSTILE) {
      expect(
        codeOf(() => normalizeAmount(value)),
        JSON.stringify(value.slice(0, 40)),
      ).toBe('ERR_AMOUNT_INVALID')
    }
    // Signs are refused on the wire; the arithmetic accepts `-1` but never `-0`.
    expect(codeOf(() => addAmounts('-0', '1'))).toBe('ERR_AMOUNT_INVALID')
    expect(codeOf(() => compareAmounts('1e400', '1'))).toBe('ERR_AMOUNT_INVALID')
    expect(codeOf(() => multiplyAmounts('9'.repeat(10_000), '1'))).toBe('ERR_AMOUNT_INVALID')
  })

  // How fast the refusal is belongs to bench/ (reject-hostile), not to a timed test.
  it('refuses a 10,000-digit string by its length with ERR_AMOUNT_INVALID', () => {
    for (const huge of ['1'.repeat(10_000), `1.${'0'.repeat(10_000)}`, `${'9'.repeat(9_999)}x`]) {
      expect(codeOf(() => compareAmounts(huge, huge))).toBe('ERR_AMOUNT_INVALID')
      expect(codeOf(() => addAmounts(huge, '1'))).toBe('ERR_AMOUNT_INVALID')
    }
  })

  it('throws TypeError when an amount is a number rather than a string (a caller bug)', () => {
    expect(() => addAmounts(0.1 as never, '0.2')).toThrow(TypeError)
    expect(() => normalizeAmount(Number.NaN as never)).toThrow(TypeError)
  })

  it('[INT-AMT-002] adds 0.1 and 0.2 to exactly 0.3 and keeps 30-digit amounts exact', () => {
    expect(0.1 + 0.2).not.toBe(0.3) // the reason amounts are strings
    expect(addAmounts('0.1', '0.2')).toBe('0.3')
    expect(compareAmounts(addAmounts('0.1', '0.2'), '0.3')).toBe(0)
    expect(subtractAmounts('0.3', '0.1')).toBe('0.2')
    expect(addAmounts('1.50', '1')).toBe('2.50')
    expect(subtractAmounts('1', '1.25')).toBe('-0.25')
    expect(subtractAmounts('1.25', '1.25')).toBe('0.00')
    const big = '999999999999999999999999999999.999999999999999999999999999999'
    expect(addAmounts(big, `0.${'0'.repeat(29)}1`)).toBe(`1${'0'.repeat(30)}.${'0'.repeat(30)}`)
    expect(subtractAmounts(`1${'0'.repeat(30)}`, '1')).toBe('9'.repeat(30))
    expect(multiplyAmounts('123456789012345678901234567890', '10')).toBe(
      '1234567890123456789012345678900',
    )
    expect(multiplyAmounts('1.25', '6')).toBe('7.50')
    expect(multiplyAmounts('19.99', '0.915', { decimals: 2 })).toBe('18.29')
  })

  it('[INT-AMT-002] does not treat amounts a float would confuse as equal', () => {
    expect(Number('100000000000000000000000000001')).toBe(Number('100000000000000000000000000000'))
    expect(compareAmounts('100000000000000000000000000001', '100000000000000000000000000000')).toBe(
      1,
    )
    expect(compareAmounts('9007199254740993', '9007199254740992')).toBe(1)
    expect(compareAmounts('0.30000000000000004', '0.3')).toBe(1)
    expect(compareAmounts('0.3', '0.30')).toBe(0)
    expect(['10', '9.5', '10.01', '-3'].sort(compareAmounts)).toEqual(['-3', '9.5', '10', '10.01'])
  })

  it('[INT-AMT-002] accepts any amounts a and b: (a + b) - b is a, and a + b is b + a (property)', () => {
    fc.assert(
      fc.property(signed, signed, (a, b) => {
        const sum = addAmounts(a, b)
        expect(compareAmounts(subtractAmounts(sum, b), a)).toBe(0)
        expect(sum).toBe(addAmounts(b, a))
        expect(scaled(sum)).toBe(scaled(a) + scaled(b))
      }),
      { numRuns: 500 },
    )
  })

  it('[INT-AMT-002] accepts any amounts: compare agrees with BigInt scaling, and products are exact (property)', () => {
    fc.assert(
      fc.property(signed, signed, (a, b) => {
        const x = scaled(a)
        const y = scaled(b)
        expect(compareAmounts(a, b)).toBe(x < y ? -1 : x > y ? 1 : 0)
        expect(compareAmounts(b, a) + compareAmounts(a, b)).toBe(0)
        // a × b at scale 10^-80 is x × y
        const product = multiplyAmounts(a, b)
        const negative = product.startsWith('-')
        const [i = '', f = ''] = (negative ? product.slice(1) : product).split('.')
        const units = BigInt(i + f.padEnd(80, '0'))
        expect(negative ? -units : units).toBe(x * y)
      }),
      { numRuns: 500 },
    )
  })

  it('[INT-AMT-003] [INT-AMT-006] accepts an amount within its currency’s decimals and writes it with exactly that many', () => {
    expect(normalizeAmount('45', { decimals: HC.decimals })).toBe('45.00')
    expect(normalizeAmount('1.500', { decimals: USD.decimals })).toBe('1.50')
    expect(normalizeAmount('1000', { decimals: JPY.decimals })).toBe('1000')
    expect(normalizeAmount('1000.000', { decimals: JPY.decimals })).toBe('1000')
    expect(normalizeAmount('0.125', { decimals: 2, rounding: 'half-even' })).toBe('0.12')
    expect(normalizeAmount('0.5', { decimals: 0, rounding: 'half-up' })).toBe('1')
  })

  it('[INT-AMT-003] [INT-AMT-006] rejects an amount more precise than its currency allows with ERR_AMOUNT_PRECISION', () => {
    expect(codeOf(() => normalizeAmount('1.505', { decimals: USD.decimals }))).toBe(
      'ERR_AMOUNT_PRECISION',
    )
    expect(codeOf(() => normalizeAmount('0.5', { decimals: JPY.decimals }))).toBe(
      'ERR_AMOUNT_PRECISION',
    )
    expect(() => normalizeAmount('1', { decimals: 31 })).toThrow(TypeError)
    expect(() => normalizeAmount('1', { decimals: 1.5 })).toThrow(TypeError)
  })

  it('[INT-AMT-004] rounds half to even by default, and with each named mode', () => {
    expect(roundAmount('2.345', { decimals: 2 })).toBe('2.34')
    expect(roundAmount('2.355', { decimals: 2 })).toBe('2.36')
    expect(roundAmount('-2.345', { decimals: 2 })).toBe('-2.34')
    expect(roundAmount('2.5', { decimals: 0 })).toBe('2')
    expect(roundAmount('3.5', { decimals: 0 })).toBe('4')
    expect(roundAmount('45', { decimals: 2 })).toBe('45.00')
    const table: [RoundingMode, string, string][] = [
      ['half-even', '2.34', '-2.34'],
      ['half-up', '2.35', '-2.35'],
      ['down', '2.34', '-2.34'],
      ['up', '2.35', '-2.35'],
      ['floor', '2.34', '-2.35'],
      ['ceiling', '2.35', '-2.34'],
    ]
    for (const [rounding, up, down] of table) {
      expect(roundAmount('2.345', { decimals: 2, rounding }), rounding).toBe(up)
      expect(roundAmount('-2.345', { decimals: 2, rounding }), rounding).toBe(down)
    }
    expect(roundAmount('2.3451', { decimals: 2, rounding: 'half-even' })).toBe('2.35')
  })

  it('[INT-AMT-004] never rounds a tie away from zero by default, and rejects an unknown mode', () => {
    expect(roundAmount('0.125', { decimals: 2 })).not.toBe('0.13')
    expect(roundAmount('2.5', { decimals: 0 })).not.toBe('3')
    expect(() => roundAmount('1', { decimals: 0, rounding: 'bankers' as never })).toThrow(TypeError)
  })

  it('[INT-AMT-004] accepts any amount: half-even rounding matches a BigInt reference (property)', () => {
    fc.assert(
      fc.property(amount, fc.integer({ min: 0, max: 30 }), (a, decimals) => {
        const x = scaled(a) // 10^-40 units
        const unit = 10n ** BigInt(40 - decimals)
        let q = x / unit
        const r = x - q * unit
        if (2n * r > unit || (2n * r === unit && q % 2n === 1n)) q += 1n
        expect(scaled(roundAmount(a, { decimals }))).toBe(q * unit)
      }),
      { numRuns: 500 },
    )
  })

  it('[INT-AMT-005] converts with the rate supplied for the ordered pair, rounding once to the target decimals', () => {
    const options = {
      from: USD.id,
      to: NZD.id,
      rates: [{ from: USD.id, to: NZD.id, rate: '1.6843' }],
      currencies: [USD, NZD, JPY],
    }
    expect(convertAmount('30.00', options)).toBe('50.53') // 50.529
    expect(convertAmount('30', { ...options, rounding: 'down' })).toBe('50.52')
    expect(convertAmount('30', { ...options, to: USD.id })).toBe('30.00')
    expect(
      convertAmount('1.00', {
        ...options,
        to: JPY.id,
        rates: [{ from: USD.id, to: JPY.id, rate: '152.5' }],
      }),
    ).toBe('152') // 152.5, half-even
  })

  it('[INT-AMT-005] rejects a conversion without a rate for the ordered pair, or with a currency IRI that has no metadata', () => {
    const inverseOnly = [{ from: NZD.id, to: USD.id, rate: '0.5937' }]
    expect(
      codeOf(() =>
        convertAmount('30', {
          from: USD.id,
          to: NZD.id,
          rates: inverseOnly,
          currencies: [USD, NZD],
        }),
      ),
    ).toBe('ERR_RATE_UNKNOWN')
    const mystery = 'https://ledger.example/currencies/unknown'
    const rates = [{ from: USD.id, to: mystery, rate: '2' }]
    expect(
      codeOf(() => convertAmount('30', { from: USD.id, to: mystery, rates, currencies: [USD] })),
    ).toBe('ERR_CURRENCY_UNKNOWN')
    expect(
      codeOf(() => convertAmount('30', { from: mystery, to: USD.id, rates, currencies: [USD] })),
    ).toBe('ERR_CURRENCY_UNKNOWN')
    expect(
      codeOf(() =>
        convertAmount('30.001', {
          from: USD.id,
          to: NZD.id,
          rates: [{ from: USD.id, to: NZD.id, rate: '1.6843' }],
          currencies: [USD, NZD],
        }),
      ),
    ).toBe('ERR_AMOUNT_PRECISION')
    for (const rate of ['0', '-1', '1e3', 'NaN']) {
      expect(() =>
        convertAmount('30', {
          from: USD.id,
          to: NZD.id,
          rates: [{ from: USD.id, to: NZD.id, rate }],
          currencies: [USD, NZD],
        }),
      ).toThrow(TypeError)
    }
  })
})
