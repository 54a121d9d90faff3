import {
  ARITHMETIC_DIGITS,
  checkDecimals,
  checkRoundingMode,
  formatDecimal,
  parseDecimal,
  rescale,
} from './internal/decimal.js'
import type { RoundingMode } from './round-amount.js'

/** Options of {@link multiplyAmounts}. */
export interface MultiplyAmountsOptions {
  /** Round the product to this many fraction digits (0 to 30). By default the product is exact. */
  readonly decimals?: number
  /** How to round when `decimals` is given. Defaults to `half-even`. */
  readonly rounding?: RoundingMode
}

/**
 * Multiplies two decimal strings: a price by a quantity, an amount by an exchange rate. The exact
 * product has as many fraction digits as both operands together; give `decimals` to round it.
 *
 * @param a A decimal string; a leading `-` is allowed. At most 64 digits on each side of the point.
 * @param b Another decimal string.
 * @param options `decimals` and `rounding`, to round the product.
 * @returns `a × b`, exact unless `decimals` is given.
 * @throws {ProtocolError} `ERR_AMOUNT_INVALID` when either is not a decimal string.
 * @throws {TypeError} When either is not a string, or `decimals` or `rounding` is invalid.
 * @example
 * ```ts
 * import { multiplyAmounts } from '@cta-interop/sdk'
 * multiplyAmounts('1.25', '6') // '7.50'
 * multiplyAmounts('19.99', '0.915', { decimals: 2 }) // '18.29' (18.29085, half-even)
 * ```
 * @see {@link https://w3id.org/cta/spec/intents#INT-AMT-002 Spec: INT-AMT-002}
 */
export function multiplyAmounts(
  a: string,
  b: string,
  options: MultiplyAmountsOptions = {},
): string {
  const x = parseDecimal(a, { signed: true, digits: ARITHMETIC_DIGITS })
  const y = parseDecimal(b, { signed: true, digits: ARITHMETIC_DIGITS })
  const product = { units: x.units * y.units, scale: x.scale + y.scale }
  if (options.decimals === undefined) return formatDecimal(product)
  const decimals = checkDecimals(options.decimals)
  return formatDecimal(
    rescale(product, decimals, checkRoundingMode(options.rounding ?? 'half-even')),
  )
}
