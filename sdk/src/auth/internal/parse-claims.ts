import { ProtocolError } from '../../errors.js'

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
 * Parses a token's claims as strict JSON: refuses duplicate member names, `__proto__` members and
 * nesting deeper than `maxDepth`, then parses with `JSON.parse`. The same rules as the SDK's
 * `parseStrictJson`, but it skips over string contents with the native `indexOf`, which makes it
 * about 1.5 times as fast on claims made mostly of IRIs: this runs once for every assertion a
 * tool verifies.
 * @throws {ProtocolError} `ERR_JSON_INVALID`.
 * @internal
 */
export function parseClaims(text: string, maxDepth: number): unknown {
  // Member names per open object (`null` for an array). A short list beats a Set for the dozen
  // claims of a token; a token is at most 8 KiB, which bounds the worst case.
  const stack: (string[] | null)[] = []
  let expectKey = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x22) {
      const end = closingQuote(text, i)
      if (expectKey) {
        const names = stack[stack.length - 1] as string[]
        let name = text.slice(i + 1, end)
        if (name.includes('\\')) {
          try {
            name = JSON.parse(text.slice(i, end + 1)) as string
          } catch {
            fail('invalid escape in a member name')
          }
        }
        if (name === '__proto__') fail('__proto__ member')
        if (names.includes(name)) fail(`duplicate member name: ${name}`)
        names.push(name)
        expectKey = false
      }
      i = end
    } else if (c === 0x7b || c === 0x5b) {
      if (stack.length >= maxDepth) fail(`nesting deeper than ${maxDepth}`)
      stack.push(c === 0x7b ? [] : null)
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
