// Differential test of the security-critical token parsing: the strict-JSON pre-scan and the
// base64url decoders as they are now (array of names; `Buffer` in the Node entry) against the
// versions they replaced (sdk/test/helpers/reference-parser.ts), over every string of every
// conformance vector and over fast-check corpora aimed at the refusals.
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MAX_EVENT_DEPTH } from '../src/index.js'
import { webBase64urlDecoder } from '../src/internal/base64url.js'
import { parseStrictJson } from '../src/internal/strict-json.js'
import { nodeBase64urlDecoder } from '../node/node-base64url-decoder.js'
import { isProtocolError } from '../src/errors.js'
import { referenceBase64urlToBinary, referenceParseStrictJson } from './helpers/reference-parser.js'

const VECTORS = new URL('../../conformance/vectors/', import.meta.url).pathname

function vectorFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? vectorFiles(join(dir, entry.name))
      : entry.name.endsWith('.json')
        ? [join(dir, entry.name)]
        : [],
  )
}

function stringsOf(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value)
  else if (Array.isArray(value)) for (const item of value) stringsOf(item, out)
  else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      out.push(key)
      stringsOf(item, out)
    }
  }
  return out
}

const files = vectorFiles(VECTORS)
const texts = files.map((file) => readFileSync(file, 'utf8'))
const strings = [...new Set(texts.flatMap((text) => stringsOf(JSON.parse(text))))]
const parts = [...new Set(strings.flatMap((s) => (s.split('.').length === 3 ? s.split('.') : [])))]

type Outcome = { value: unknown; keys: string } | { code: string; message: string; keys: string }

/** What a parser does with `text`: its value or refusal, and every onKey call before it. */
function outcome(
  parse: typeof parseStrictJson,
  text: string,
  maxDepth: number,
  refuse?: string,
): Outcome {
  const calls: string[] = []
  const onKey = (key: string, depth: number): void => {
    calls.push(`${depth}:${key}`)
    if (key === refuse && depth !== 2) throw new Error(`refused ${key} at ${depth}`)
  }
  try {
    return { value: parse(text, { maxDepth, onKey }), keys: calls.join('|') }
  } catch (err) {
    if (isProtocolError(err)) return { code: err.code, message: err.message, keys: calls.join('|') }
    if (err instanceof Error) return { code: 'thrown', message: err.message, keys: calls.join('|') }
    throw err
  }
}

function sameParse(text: string): void {
  for (const [maxDepth, refuse] of [
    [MAX_EVENT_DEPTH, '@context'],
    [2, undefined],
    [5, 'a'],
  ] as const) {
    const ours = outcome(parseStrictJson, text, maxDepth, refuse)
    const reference = outcome(referenceParseStrictJson, text, maxDepth, refuse)
    expect(ours, text.slice(0, 200)).toEqual(reference)
  }
}

function sameDecode(part: string): void {
  const reference = referenceBase64urlToBinary(part)
  const node = nodeBase64urlDecoder()
  expect(webBase64urlDecoder.binary(part), part).toBe(reference)
  expect(node.binary(part), part).toBe(reference)
  const bytes = reference === undefined ? undefined : Buffer.from(reference, 'latin1')
  for (const decoded of [webBase64urlDecoder.bytes(part), node.bytes(part)]) {
    expect(decoded === undefined ? undefined : Buffer.from(decoded), part).toEqual(bytes)
  }
}

describe('the strict-JSON pre-scan and base64url decoders agree with the versions they replaced', () => {
  it('on every string and every JWS part of the conformance vectors', () => {
    expect(files.length).toBeGreaterThan(100)
    expect(parts.length).toBeGreaterThan(100)
    let decodedJson = 0
    for (const part of parts) {
      sameDecode(part)
      const binary = referenceBase64urlToBinary(part)
      if (binary !== undefined && /^[\x20-\x7e\s]*$/.test(binary) && binary.startsWith('{')) {
        sameParse(binary)
        decodedJson++
      }
    }
    expect(decodedJson).toBeGreaterThan(100)
    for (const text of texts) sameParse(text)
    for (const s of strings) {
      sameParse(s)
      sameDecode(s)
    }
  })

  it('on hand-picked refusals', () => {
    for (const text of [
      '{"a":1,"a":2}',
      '{"a":1,"\\u0061":2}',
      '{"__proto__":1}',
      '{"\\u005f_proto__":1}',
      '{"a":{"@context":1}}',
      '[[[[[[[[]]]]]]]]',
      '{"a":[{"b":1,"b":2}]}',
      '{"a":"\\"}',
      '{"a\\x":1}',
      '{]',
      '}',
      '{"a":1}}',
      '\ufeff{}',
      `{${Array.from({ length: 40 }, (_, i) => `"k${i % 33}":${i}`).join(',')}}`,
      `{${Array.from({ length: 40 }, (_, i) => `"k${i}":{"k${i}":${i}}`).join(',')}}`,
    ]) {
      sameParse(text)
    }
    // Every size of object up to past the Set threshold, repeating each earlier name once.
    for (let n = 1; n <= 40; n++) {
      const names = Array.from({ length: n }, (_, i) => `"m${i}":${i}`)
      sameParse(`{${names.join(',')}}`)
      for (let j = 0; j < n; j++) sameParse(`{${names.join(',')},"m${j}":0}`)
      sameParse(`[{${names.join(',')}},{${names.join(',')}}]`)
    }
    for (const part of [
      '',
      'YQ',
      'YR',
      'YQ=',
      'YQ==',
      'Y+Q',
      'Y/Q',
      'Y Q',
      'YQ\n',
      'Y',
      'YWJj',
      'é',
    ]) {
      sameDecode(part)
    }
  })

  it('on a fast-check corpus of JSON texts with structural characters planted in them', () => {
    const snippet = fc.constantFrom(
      '"a":1,',
      '"a":2,',
      '{',
      '}',
      '[',
      ']',
      ',',
      ':',
      '"',
      '\\',
      '"__proto__":0,',
      '"@context":1,',
      '"\\u0061":2,',
      '"a":{"a":1},',
      '\\"',
      '\ufeff',
    )
    const planted = fc
      .tuple(fc.json({ maxDepth: 6 }), fc.array(fc.tuple(fc.nat(), snippet), { maxLength: 4 }))
      .map(([json, plants]) =>
        plants.reduce((text, [at, s]) => {
          const i = at % (text.length + 1)
          return text.slice(0, i) + s + text.slice(i)
        }, json),
      )
    fc.assert(
      fc.property(planted, (text) => {
        sameParse(text)
      }),
      { numRuns: 3000 },
    )
  })

  it('on a fast-check corpus of objects with many, sometimes repeated, member names', () => {
    const name = fc.constantFrom(...Array.from({ length: 24 }, (_, i) => `m${i}`), '__proto__')
    const members = (value: fc.Arbitrary<string>): fc.Arbitrary<string> =>
      fc
        .array(fc.tuple(name, value), { minLength: 8, maxLength: 36 })
        .map((list) => `{${list.map(([k, v]) => `"${k}":${v}`).join(',')}}`)
    // Two levels: the names of an inner object must not count against the outer one's.
    const object = members(fc.oneof(fc.constant('1'), members(fc.constant('[]'))))
    fc.assert(
      fc.property(object, (text) => {
        sameParse(text)
      }),
      { numRuns: 2000 },
    )
  })

  it('on a fast-check corpus of JSON-alphabet strings', () => {
    const alphabet = fc.constantFrom(...'{}[],:"\\ab_@ 1\n'.split(''))
    fc.assert(
      fc.property(fc.string({ unit: alphabet, maxLength: 40 }), (text) => {
        sameParse(text)
      }),
      { numRuns: 3000 },
    )
  })

  it('on a fast-check corpus of base64url encodings and near misses', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const part = Buffer.from(bytes).toString('base64url')
        sameDecode(part)
        expect(nodeBase64urlDecoder().bytes(part)).toEqual(Buffer.from(bytes))
      }),
      { numRuns: 2000 },
    )
    const alphabet = fc.constantFrom(...'ABYQRZaz09-_+/= \n.é'.split(''))
    fc.assert(
      fc.property(fc.string({ unit: alphabet, maxLength: 12 }), (part) => {
        sameDecode(part)
      }),
      { numRuns: 5000 },
    )
  })
})
