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

/** One open object or array during the scan. */
interface Frame {
  /** Member names seen so far; `null` for an array. */
  readonly keys: Set<string> | null
  /** Is the next string in this object a member name? */
  expectKey: boolean
}

/**
 * Parses JSON text after a linear pre-scan that refuses what `JSON.parse` would accept silently:
 * nesting deeper than `maxDepth`, duplicate member names (which parsers resolve differently) and
 * `__proto__` members. The scan stops at the first problem, so hostile input is rejected cheaply.
 * @throws {ProtocolError} `ERR_JSON_INVALID`.
 * @internal
 */
export function parseStrictJson(text: string, limits: StrictJsonLimits): unknown {
  const stack: Frame[] = []
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x22) {
      const start = i
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i)
        if (d === 0x5c) i++
        else if (d === 0x22) break
      }
      if (i >= text.length) fail('unterminated string')
      const top = stack[stack.length - 1]
      if (top?.keys != null && top.expectKey) {
        const raw = text.slice(start, i + 1)
        let key = raw.slice(1, -1)
        if (raw.includes('\\')) {
          try {
            key = JSON.parse(raw) as string
          } catch {
            fail('invalid escape in a member name')
          }
        }
        if (key === '__proto__') fail('__proto__ member')
        if (top.keys.has(key)) fail(`duplicate member name: ${key}`)
        top.keys.add(key)
        limits.onKey?.(key, stack.length)
        top.expectKey = false
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (stack.length >= limits.maxDepth) fail(`nesting deeper than ${limits.maxDepth}`)
      stack.push({ keys: c === 0x7b ? new Set() : null, expectKey: c === 0x7b })
    } else if (c === 0x7d || c === 0x5d) {
      if (stack.pop() === undefined) fail('unbalanced brackets')
    } else if (c === 0x2c) {
      const top = stack[stack.length - 1]
      if (top?.keys != null) top.expectKey = true
    }
  }
  if (stack.length !== 0) fail('unbalanced brackets')
  try {
    return JSON.parse(text) as unknown
  } catch (err) {
    return fail(err instanceof Error ? err.message : 'not JSON')
  }
}
