import { ARITHMETIC_DIGITS, formatDecimal, parseDecimal, unitsAt } from './internal/decimal.js'

/**
 * Subtracts one decimal string from another exactly. The result has as many fraction digits as
 * the more precise operand, and may be negative (`'1' - '1.25'` is `'-0.25'`); a zero result is
 * never written `-0`.
 *
 * @param a A decimal string; a leading `-` is allowed. At most 64 digits on each side of the point.
 * @param b The decimal string to subtract.
 * @returns `a - b`, exact.
 * @throws {ProtocolError} `ERR_AMOUNT_INVALID` when either is not a decimal string.
 * @throws {TypeError} When either is not a string.
 * @example
 * ```ts
 * import { subtractAmounts } from '@cta-interop/sdk'
 * subtractAmounts('30.00', '6') // '24.00'
 * ```
 * @see {@link https://w3id.org/cta/spec/intents#INT-AMT-002 Spec: INT-AMT-002}
 */
export function subtractAmounts(a: string, b: string): string {
  const x = parseDecimal(a, { signed: true, digits: ARITHMETIC_DIGITS })
  const y = parseDecimal(b, { signed: true, digits: ARITHMETIC_DIGITS })
  const scale = Math.max(x.scale, y.scale)
  return formatDecimal({ units: unitsAt(x, scale) - unitsAt(y, scale), scale })
}
