import { ProtocolError } from '../errors.js'

/** Limits of {@link parseStrictJson}. @internal */
export interface StrictJsonLimits {
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

// Past this many members, an object's names are also kept in a `Set`, so that a hostile object
// with very many members costs linear time, not quadratic.
const LINEAR_NAMES = 16

/**
 * Parses JSON text after a linear pre-scan that refuses what `JSON.parse` would accept silently:
 * nesting deeper than `maxDepth`, duplicate member names (which parsers resolve differently) and
 * `__proto__` members. The scan stops at the first problem, so hostile input is rejected cheaply;
 * it skips over string contents with the native `indexOf`. A byte-order mark is not JSON white
 * space, so text that starts with one is refused like any other stray character. The member names
 * of the open objects live in one flat array (objects here have a few members), searched linearly
 * up to 16 per object and through a `Set` beyond.
 * @throws {ProtocolError} `ERR_JSON_INVALID`.
 * @see {@link https://w3id.org/cta/spec/events#EVT-JSON-002 EVT-JSON-002}
 * @internal
 */
export function parseStrictJson(text: string, limits: StrictJsonLimits): unknown {
  const { maxDepth, onKey } = limits
  // The member names of every open object, innermost last: `names[0..top)`.
  const names: string[] = []
  let top = 0
  // Per open object or array: where its names start in `names`, or -1 for an array.
  const starts: number[] = []
  // Per open object with more than LINEAR_NAMES members: all its names.
  const large: (Set<string> | undefined)[] = []
  let depth = 0
  // Is the next string a member name? Only the last structural character decides.
  let expectKey = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x22) {
      const end = closingQuote(text, i)
      if (expectKey) {
        let name = text.slice(i + 1, end)
        if (name.includes('\\')) {
          try {
            name = JSON.parse(text.slice(i, end + 1)) as string
          } catch {
            fail('invalid escape in a member name')
          }
        }
        if (name === '__proto__') fail('__proto__ member')
        const set = large[depth - 1]
        if (set === undefined) {
          const start = starts[depth - 1] as number
          for (let k = start; k < top; k++) {
            if (names[k] === name) fail(`duplicate member name: ${name}`)
          }
          names[top++] = name
          if (top - start > LINEAR_NAMES) large[depth - 1] = new Set(names.slice(start, top))
        } else {
          if (set.has(name)) fail(`duplicate member name: ${name}`)
          set.add(name)
        }
        onKey?.(name, depth)
        expectKey = false
      }
      i = end
    } else if (c === 0x7b || c === 0x5b) {
      if (depth >= maxDepth) fail(`nesting deeper than ${maxDepth}`)
      starts[depth] = c === 0x7b ? top : -1
      large[depth] = undefined
      depth++
      expectKey = c === 0x7b
    } else if (c === 0x7d || c === 0x5d) {
      if (depth === 0) fail('unbalanced brackets')
      depth--
      const start = starts[depth] as number
      if (start >= 0) top = start
      expectKey = false
    } else if (c === 0x2c) {
      expectKey = depth > 0 && (starts[depth - 1] as number) >= 0
    }
  }
  if (depth !== 0) fail('unbalanced brackets')
  try {
    return JSON.parse(text) as unknown
  } catch (err) {
    return fail(err instanceof Error ? err.message : 'not JSON')
  }
}
