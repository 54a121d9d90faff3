import { ProtocolError } from '../../errors.js'
import type { RoundingMode } from '../round-amount.js'

/**
 * A decimal number as an integer and a scale: `units / 10^scale`. Every amount the SDK reads is
 * turned into this form and computed on with BigInt only, so no value ever passes through a
 * binary floating-point number.
 * @internal
 */
export interface Dec {
  readonly units: bigint
  readonly scale: number
}

/** How many digits the arithmetic functions accept on each side of the point. @internal */
export const ARITHMETIC_DIGITS = 64
/** How many digits an amount on the wire may have on each side of the point (DOC-AMT-001). @internal */
export const AMOUNT_DIGITS = 30

// Sign, digits, point, digits: checked by hand so that a hostile 10,000-digit string is refused
// by its length before any regular expression or BigInt conversion sees it.
const DIGIT_0 = 48
const DIGIT_9 = 57

const POW10: bigint[] = [1n]
/** `10^n` as a BigInt, cached. @internal */
export function pow10(n: number): bigint {
  for (let i = POW10.length; i <= n; i++) POW10.push((POW10[i - 1] ?? 1n) * 10n)
  return POW10[n] ?? 10n ** BigInt(n)
}

function invalid(what: string, why: string): ProtocolError {
  return new ProtocolError('ERR_AMOUNT_INVALID', `${what} is not a decimal amount: ${why}`)
}

/**
 * Reads a decimal string. `signed` allows a leading `-` (never on zero: `-0` is refused);
 * `digits` bounds the digits before and after the point.
 * @throws {TypeError} When `value` is not a string.
 * @throws {ProtocolError} `ERR_AMOUNT_INVALID` when it is not a decimal string within the bounds.
 * @internal
 */
export function parseDecimal(
  value: unknown,
  { signed, digits, what = 'amount' }: { signed: boolean; digits: number; what?: string },
): Dec {
  if (typeof value !== 'string') {
    throw new TypeError(`${what} must be a decimal string, got ${typeof value}`)
  }
  const length = value.length
  if (length === 0) throw invalid(what, 'empty')
  if (length > 2 * digits + 2) throw invalid(what, 'too many digits')
  let i = 0
  const negative = value.charCodeAt(0) === 45 // '-'
  if (negative) {
    if (!signed) throw invalid(what, 'negative')
    i = 1
  }
  const intStart = i
  while (i < length) {
    const c = value.charCodeAt(i)
    if (c < DIGIT_0 || c > DIGIT_9) break
    i++
  }
  const intDigits = i - intStart
  if (intDigits === 0) throw invalid(what, 'no digits before the point')
  if (intDigits > digits) throw invalid(what, `more than ${digits} digits before the point`)
  if (intDigits > 1 && value.charCodeAt(intStart) === DIGIT_0) throw invalid(what, 'leading zero')
  let fraction = ''
  if (i < length) {
    if (value.charCodeAt(i) !== 46) throw invalid(what, 'unexpected character') // '.'
    const fracStart = ++i
    while (i < length) {
      const c = value.charCodeAt(i)
      if (c < DIGIT_0 || c > DIGIT_9) throw invalid(what, 'unexpected character')
      i++
    }
    const fracDigits = i - fracStart
    if (fracDigits === 0) throw invalid(what, 'no digits after the point')
    if (fracDigits > digits) throw invalid(what, `more than ${digits} digits after the point`)
    fraction = value.slice(fracStart)
  }
  const magnitude = BigInt(value.slice(intStart, intStart + intDigits) + fraction)
  if (negative && magnitude === 0n) throw invalid(what, 'negative zero')
  return { units: negative ? -magnitude : magnitude, scale: fraction.length }
}

/** Writes a decimal with exactly `scale` fraction digits; zero is never negative. @internal */
export function formatDecimal({ units, scale }: Dec): string {
  const negative = units < 0n
  let digits = (negative ? -units : units).toString()
  if (scale > 0) {
    if (digits.length <= scale) digits = '0'.repeat(scale - digits.length + 1) + digits
    digits = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`
  }
  return negative ? `-${digits}` : digits
}

/** The units of `d` at a larger or equal `scale`. @internal */
export function unitsAt(d: Dec, scale: number): bigint {
  return d.scale === scale ? d.units : d.units * pow10(scale - d.scale)
}

/** -1, 0 or 1 as `a` is less than, equal to or greater than `b`. @internal */
export function compareDec(a: Dec, b: Dec): -1 | 0 | 1 {
  const scale = Math.max(a.scale, b.scale)
  const x = unitsAt(a, scale)
  const y = unitsAt(b, scale)
  return x < y ? -1 : x > y ? 1 : 0
}

const MODES: ReadonlySet<string> = new Set([
  'half-even',
  'half-up',
  'down',
  'up',
  'floor',
  'ceiling',
])

/** @throws {TypeError} When `mode` is not a rounding mode. @internal */
export function checkRoundingMode(mode: unknown): RoundingMode {
  if (typeof mode !== 'string' || !MODES.has(mode)) {
    throw new TypeError(`unknown rounding mode: ${String(mode)}`)
  }
  return mode as RoundingMode
}

/**
 * Rounds the rational `n / d` (d > 0) to an integer with `mode`. Exact: the decision uses the
 * remainder, never an approximation.
 * @internal
 */
export function roundQuotient(n: bigint, d: bigint, mode: RoundingMode): bigint {
  let q = n / d // truncates toward zero
  const r = n - q * d
  if (r === 0n) return q
  const negative = n < 0n
  const away = negative ? q - 1n : q + 1n
  switch (mode) {
    case 'down':
      return q
    case 'up':
      return away
    case 'floor':
      return negative ? away : q
    case 'ceiling':
      return negative ? q : away
    case 'half-up':
    case 'half-even': {
      const twice = (r < 0n ? -r : r) * 2n
      if (twice > d) return away
      if (twice < d) return q
      if (mode === 'half-up') return away
      q = q % 2n === 0n ? q : away
      return q
    }
  }
}

/** `d` with exactly `scale` fraction digits, rounded with `mode` when digits are dropped. @internal */
export function rescale(d: Dec, scale: number, mode: RoundingMode): Dec {
  if (scale >= d.scale) return { units: unitsAt(d, scale), scale }
  return { units: roundQuotient(d.units, pow10(d.scale - scale), mode), scale }
}

/** The number of fraction digits `d` needs: its scale without trailing zeros. @internal */
export function significantScale(d: Dec): number {
  let { units, scale } = d
  while (scale > 0 && units % 10n === 0n) {
    units /= 10n
    scale--
  }
  return scale
}

/**
 * Reads an exchange rate: a positive decimal string.
 * @throws {TypeError} When it is not one (rates come from the caller, never from a peer).
 * @internal
 */
export function parseRate(rate: unknown): Dec {
  let r: Dec
  try {
    r = parseDecimal(rate, { signed: false, digits: AMOUNT_DIGITS, what: 'rate' })
  } catch (cause) {
    throw new TypeError('a rate must be a positive decimal string', { cause })
  }
  if (r.units === 0n) throw new TypeError('a rate must be positive')
  return r
}

/** @throws {TypeError} When `decimals` is not an integer from 0 to 30. @internal */
export function checkDecimals(decimals: unknown): number {
  if (
    typeof decimals !== 'number' ||
    !Number.isInteger(decimals) ||
    decimals < 0 ||
    decimals > 30
  ) {
    throw new TypeError('decimals must be an integer from 0 to 30')
  }
  return decimals
}
