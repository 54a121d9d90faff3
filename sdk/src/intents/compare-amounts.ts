import { ARITHMETIC_DIGITS, compareDec, parseDecimal } from './internal/decimal.js'

/**
 * Compares two decimal strings exactly: `'0.30'` equals `'0.3'`, and
 * `'100000000000000000000000000001'` is greater than `'100000000000000000000000000000'` (a
 * float would call them equal).
 *
 * @param a A decimal string; a leading `-` is allowed. At most 64 digits on each side of the point.
 * @param b Another decimal string.
 * @returns `-1`, `0` or `1` as `a` is less than, equal to or greater than `b`: usable as an
 *   `Array.prototype.sort` comparator.
 * @throws {ProtocolError} `ERR_AMOUNT_INVALID` when either is not a decimal string.
 * @throws {TypeError} When either is not a string.
 * @example
 * ```ts
 * import { compareAmounts } from '@cta-interop/sdk'
 * compareAmounts('30.00', '30') // 0
 * const sorted = ['10', '9.5', '10.01'].sort(compareAmounts) // ['9.5', '10', '10.01']
 * ```
 * @see {@link https://w3id.org/cta/spec/intents#INT-AMT-002 Spec: INT-AMT-002}
 */
export function compareAmounts(a: string, b: string): -1 | 0 | 1 {
  return compareDec(
    parseDecimal(a, { signed: true, digits: ARITHMETIC_DIGITS }),
    parseDecimal(b, { signed: true, digits: ARITHMETIC_DIGITS }),
  )
}
