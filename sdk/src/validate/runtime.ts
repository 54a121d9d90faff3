/**
 * The helpers `schemaValidator` shares with the rest of the SDK: JSON Schema's string length and
 * equality, as Ajv computes them.
 * @internal
 */

/** Length of a string in Unicode code points, as JSON Schema counts it. */
export function ucs2length(value: string): number {
  let length = 0
  for (let i = 0; i < value.length; i++) {
    length++
    const code = value.charCodeAt(i)
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < value.length) {
      const next = value.charCodeAt(i + 1)
      if ((next & 0xfc00) === 0xdc00) i++
    }
  }
  return length
}

/** Structural equality of two JSON values (for `const`, `enum` and `uniqueItems`). */
export function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return a !== a && b !== b // both NaN
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false
    return a.every((item, i) => equal(item, b[i]))
  }
  if (Array.isArray(b)) return false
  const keysA = Object.keys(a)
  const keysB = Object.keys(b)
  if (keysA.length !== keysB.length) return false
  return keysA.every(
    (key) =>
      Object.prototype.hasOwnProperty.call(b, key) &&
      equal((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
  )
}
