// The strict-JSON pre-scan and the base64url decoder as they were before the array-of-names and
// Buffer changes (commit c8e4dc3), frozen here as the reference of differential-parser.test.ts.
// Test-only: never imported by the SDK.
import { ProtocolError } from '../../src/errors.js'

interface StrictJsonLimits {
  /** Deepest nesting of objects and arrays allowed. */
  readonly maxDepth: number
  /** Called for every member name with its depth (1 for the top object); may throw to refuse it. */
  readonly onKey?: (key: string, depth: number) => void
}

const fail = (message: string): never => {
  throw new ProtocolError('ERR_JSON_INVALID', message)
}

/** The index of the quote that closes the string opened at `start`. */
function closingQuote(text: string, start: number): number {
  let j = text.indexOf('"', start + 1)
  while (j > 0) {
    if (text.charCodeAt(j - 1) !== 0x5c) return j
    let k = j - 1
    while (text.charCodeAt(k) === 0x5c) k--
    if ((j - 1 - k) % 2 === 0) return j
    j = text.indexOf('"', j + 1)
  }
  return fail('unterminated string')
}

/**
 * Parses JSON text after a linear pre-scan that refuses what `JSON.parse` would accept silently:
 * nesting deeper than `maxDepth`, duplicate member names (which parsers resolve differently) and
 * `__proto__` members. The scan stops at the first problem, so hostile input is rejected cheaply;
 * it skips over string contents with the native `indexOf`. A byte-order mark is not JSON white
 * space, so text that starts with one is refused like any other stray character.
 * @throws {ProtocolError} `ERR_JSON_INVALID`.
 */
export function referenceParseStrictJson(text: string, limits: StrictJsonLimits): unknown {
  const { maxDepth, onKey } = limits
  // Member names per open object (`null` for an array).
  const stack: (Set<string> | null)[] = []
  // Is the next string a member name? Only the last structural character decides.
  let expectKey = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x22) {
      const end = closingQuote(text, i)
      if (expectKey) {
        const names = stack[stack.length - 1] as Set<string>
        let name = text.slice(i + 1, end)
        if (name.includes('\\')) {
          try {
            name = JSON.parse(text.slice(i, end + 1)) as string
          } catch {
            fail('invalid escape in a member name')
          }
        }
        if (name === '__proto__') fail('__proto__ member')
        if (names.has(name)) fail(`duplicate member name: ${name}`)
        names.add(name)
        onKey?.(name, stack.length)
        expectKey = false
      }
      i = end
    } else if (c === 0x7b || c === 0x5b) {
      if (stack.length >= maxDepth) fail(`nesting deeper than ${maxDepth}`)
      stack.push(c === 0x7b ? new Set() : null)
      expectKey = c === 0x7b
    } else if (c === 0x7d || c === 0x5d) {
      if (stack.pop() === undefined) fail('unbalanced brackets')
      expectKey = false
    } else if (c === 0x2c) {
      expectKey = stack[stack.length - 1] != null
    }
  }
  if (stack.length !== 0) fail('unbalanced brackets')
  try {
    return JSON.parse(text) as unknown
  } catch (err) {
    return fail(err instanceof Error ? err.message : 'not JSON')
  }
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const URL_SAFE = /^[A-Za-z0-9_-]*$/

/** The previous strict base64url decoder: canonical check, then `atob`; `undefined` if refused. */
export function referenceBase64urlToBinary(text: string): string | undefined {
  const rest = text.length % 4
  if (rest === 1 || !URL_SAFE.test(text)) return undefined
  if (rest !== 0) {
    const last = ALPHABET.indexOf(text.charAt(text.length - 1))
    if ((last & (rest === 2 ? 0x0f : 0x03)) !== 0) return undefined
  }
  return atob(text.replaceAll('-', '+').replaceAll('_', '/'))
}
