import {
  checkDecimals,
  checkRoundingMode,
  formatDecimal,
  parseDecimal,
  rescale,
} from './internal/decimal.js'
import { ARITHMETIC_DIGITS } from './internal/decimal.js'

/**
 * How a result is rounded when it has more fraction digits than wanted. `half-even` (round half to
 * even, "banker's rounding") is the default everywhere the SDK rounds.
 *
 * - `half-even`: to the nearest; a tie goes to the even neighbour (`2.345` → `2.34`, `2.355` → `2.36`).
 * - `half-up`: to the nearest; a tie goes away from zero (`2.345` → `2.35`).
 * - `down`: toward zero (truncate). `up`: away from zero.
 * - `floor`: toward negative infinity. `ceiling`: toward positive infinity.
 *
 * @see {@link https://w3id.org/cta/spec/intents#INT-AMT-004 Spec: INT-AMT-004}
 */
export type RoundingMode = 'half-even' | 'half-up' | 'down' | 'up' | 'floor' | 'ceiling'

/** Options of {@link roundAmount}. */
export interface RoundAmountOptions {
  /** How many fraction digits the result has (0 to 30), e.g. a currency's `decimals`. */
  readonly decimals: number
  /** How to round dropped digits. Defaults to `half-even`. */
  readonly rounding?: RoundingMode
}

/**
 * Rounds a decimal string to a number of fraction digits, exactly (BigInt arithmetic, no floats).
 * The result always has exactly `decimals` fraction digits, so `roundAmount('45', { decimals: 2 })`
 * is `'45.00'`.
 *
 * @param value A decimal string; a leading `-` is allowed. At most 64 digits on each side of the point.
 * @param options `decimals`, and `rounding` (default `half-even`).
 * @returns The rounded decimal string.
 * @throws {ProtocolError} `ERR_AMOUNT_INVALID` when `value` is not a decimal string (`1e3`, `NaN`,
 *   `-0`, `1,5`, too many digits).
 * @throws {TypeError} When `value` is not a string, `decimals` is not an integer from 0 to 30 or
 *   `rounding` is not a rounding mode.
 * @example
 * ```ts
 * import { roundAmount } from '@cta-interop/sdk'
 * roundAmount('2.345', { decimals: 2 }) // '2.34' (half-even)
 * roundAmount('2.345', { decimals: 2, rounding: 'half-up' }) // '2.35'
 * ```
 * @see {@link https://w3id.org/cta/spec/intents#INT-AMT-004 Spec: INT-AMT-004}
 */
export function roundAmount(value: string, options: RoundAmountOptions): string {
  const decimals = checkDecimals(options.decimals)
  const rounding = checkRoundingMode(options.rounding ?? 'half-even')
  const d = parseDecimal(value, { signed: true, digits: ARITHMETIC_DIGITS })
  return formatDecimal(rescale(d, decimals, rounding))
}
