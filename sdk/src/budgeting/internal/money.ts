import { ProtocolError } from '../../errors.js'
import type { RoundingMode } from '../../intents/round-amount.js'
import { normalizeAmount } from '../../intents/normalize-amount.js'
import {
  AMOUNT_DIGITS,
  formatDecimal,
  parseDecimal,
  unitsAt,
} from '../../intents/internal/decimal.js'

/**
 * An amount in a round's currency as an integer count of its smallest unit (`10^-decimals`), so
 * that balances and totals are added and compared exactly, with BigInt only. @internal
 */
export type Units = bigint

/**
 * Reads an amount on the wire in a currency of `decimals` fraction digits (BUD-AMT-001): refused
 * with `ERR_AMOUNT_INVALID` when it is not an amount, `ERR_AMOUNT_PRECISION` when it needs more
 * digits (unless `rounding` is given, then rounded once by INT-AMT-004). @internal
 */
export function unitsOf(value: unknown, decimals: number, rounding?: RoundingMode): Units {
  if (typeof value !== 'string') {
    throw new ProtocolError('ERR_AMOUNT_INVALID', 'an amount must be a decimal string')
  }
  const normalized = normalizeAmount(value, {
    decimals,
    ...(rounding === undefined ? {} : { rounding }),
  })
  const d = parseDecimal(normalized, { signed: false, digits: AMOUNT_DIGITS })
  return unitsAt(d, decimals)
}

/** An amount written with exactly `decimals` fraction digits (BUD-AMT-001). @internal */
export function formatUnits(units: Units, decimals: number): string {
  return formatDecimal({ units, scale: decimals })
}

/** The amount written with exactly `decimals` fraction digits, checked as {@link unitsOf}. @internal */
export function amountIn(value: unknown, decimals: number, rounding?: RoundingMode): string {
  return formatUnits(unitsOf(value, decimals, rounding), decimals)
}
