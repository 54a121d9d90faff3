import { ProtocolError } from '../errors.js'
import {
  AMOUNT_DIGITS,
  checkDecimals,
  checkRoundingMode,
  formatDecimal,
  parseDecimal,
  rescale,
  significantScale,
} from './internal/decimal.js'
import type { RoundingMode } from './round-amount.js'

/** Options of {@link normalizeAmount}. */
export interface NormalizeAmountOptions {
  /**
   * The number of fraction digits the amount's currency allows (its `ResourceSpecification`'s
   * `decimals`). The result then has exactly this many fraction digits.
   */
  readonly decimals?: number
  /**
   * Round an amount that is more precise than `decimals` with this mode instead of refusing it.
   * Without it, such an amount is refused with `ERR_AMOUNT_PRECISION`.
   */
  readonly rounding?: RoundingMode
}

/**
 * Checks an amount as it travels on the wire (a non-negative decimal string: no sign, exponent or
 * separators, no leading zeros, at most 30 digits before and 30 after the point) and, given a
 * currency's `decimals`, writes it with exactly that many fraction digits.
 *
 * An amount whose value needs more fraction digits than `decimals` is refused, unless `rounding`
 * is given. Trailing zeros are not significant: `'1.500'` is accepted for 2 decimals as `'1.50'`,
 * `'1.505'` is not.
 *
 * @param value The amount, as received.
 * @param options `decimals` of the currency, and `rounding` to round instead of refusing.
 * @returns The amount, with exactly `decimals` fraction digits when `decimals` is given, else unchanged.
 * @throws {ProtocolError} `ERR_AMOUNT_INVALID` when `value` is not an amount (`1e400`, `NaN`,
 *   `-0`, `-1`, `1,5`, `01`, a 10,000-digit string).
 * @throws {ProtocolError} `ERR_AMOUNT_PRECISION` when it is more precise than `decimals` and no
 *   `rounding` was asked for.
 * @throws {TypeError} When `value` is not a string, or `decimals` or `rounding` is invalid.
 * @example
 * ```ts
 * import { normalizeAmount } from '@cta-interop/sdk'
 * normalizeAmount('45', { decimals: 2 }) // '45.00'
 * normalizeAmount('0.125', { decimals: 2 }) // throws ERR_AMOUNT_PRECISION
 * normalizeAmount('0.125', { decimals: 2, rounding: 'half-even' }) // '0.12'
 * ```
 * @see {@link https://w3id.org/cta/spec/intents#INT-AMT-003 Spec: INT-AMT-003}
 * @see {@link https://w3id.org/cta/spec/intents#INT-AMT-006 Spec: INT-AMT-006}
 */
export function normalizeAmount(value: string, options: NormalizeAmountOptions = {}): string {
  const d = parseDecimal(value, { signed: false, digits: AMOUNT_DIGITS })
  if (options.decimals === undefined) {
    if (options.rounding !== undefined) checkRoundingMode(options.rounding)
    return value
  }
  const decimals = checkDecimals(options.decimals)
  if (options.rounding === undefined && significantScale(d) > decimals) {
    throw new ProtocolError(
      'ERR_AMOUNT_PRECISION',
      `amount has more than the ${decimals} fraction digits its currency allows`,
    )
  }
  return formatDecimal(rescale(d, decimals, checkRoundingMode(options.rounding ?? 'half-even')))
}
