import { ARITHMETIC_DIGITS, formatDecimal, parseDecimal, unitsAt } from './internal/decimal.js'

/**
 * Adds two decimal strings exactly. The result has as many fraction digits as the more precise
 * operand (`'1.50' + '1'` is `'2.50'`), so currency amounts keep their decimals.
 *
 * @param a A decimal string; a leading `-` is allowed. At most 64 digits on each side of the point.
 * @param b Another decimal string.
 * @returns `a + b`, exact.
 * @throws {ProtocolError} `ERR_AMOUNT_INVALID` when either is not a decimal string.
 * @throws {TypeError} When either is not a string.
 * @example
 * ```ts
 * import { addAmounts } from '@cta-interop/sdk'
 * addAmounts('0.1', '0.2') // '0.3' (0.1 + 0.2 in floating point is 0.30000000000000004)
 * ```
 * @see {@link https://w3id.org/cta/spec/intents#INT-AMT-002 Spec: INT-AMT-002}
 */
export function addAmounts(a: string, b: string): string {
  const x = parseDecimal(a, { signed: true, digits: ARITHMETIC_DIGITS })
  const y = parseDecimal(b, { signed: true, digits: ARITHMETIC_DIGITS })
  const scale = Math.max(x.scale, y.scale)
  return formatDecimal({ units: unitsAt(x, scale) + unitsAt(y, scale), scale })
}
