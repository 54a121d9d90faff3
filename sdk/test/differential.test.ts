import { FormatRegistry } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { beforeAll, describe, expect, it } from 'vitest'
import { validateDocument, type DocumentKind } from '../src/index.js'
import { documentSchemas } from '../src/schemas/index.js'
import { formats } from '../src/validate/formats.js'
import { examples, loadDocument, twins } from './helpers/documents.js'

const references = Object.values(documentSchemas)

function typeboxVerdict(kind: DocumentKind, value: unknown): boolean {
  return Value.Check(documentSchemas[kind], references, value)
}

/** Variants of a valid document that probe edges both engines must agree on. */
function variants(doc: unknown): unknown[] {
  const base = doc as Record<string, unknown>
  return [
    { ...base, unexpected: true },
    { ...base, type: 42 },
    { ...base, id: 'not an iri' },
    { ...base, id: `https://x.example/${'a'.repeat(2048)}` },
    {
      ...base,
      '@context': [...((base['@context'] as string[] | undefined) ?? []), 'https://x.example/ctx'],
    },
    Object.fromEntries(Object.entries(base).slice(1)),
    JSON.parse(`{"__proto__": {"polluted": true}, ${JSON.stringify(base).slice(1)}`) as unknown,
    [],
    null,
    'a string',
  ]
}

describe('generated validators agree with TypeBox Value.Check', () => {
  beforeAll(() => {
    for (const [name, check] of Object.entries(formats)) FormatRegistry.Set(name, check)
  })

  it.each(examples)('on $file and its variants', ({ file, kind }) => {
    const doc = loadDocument(file)
    for (const value of [doc, ...variants(doc)]) {
      const ours = validateDocument(value, { kind }).valid
      expect(ours, JSON.stringify(value).slice(0, 200)).toBe(typeboxVerdict(kind, value))
    }
    expect(typeboxVerdict(kind, doc)).toBe(true)
  })

  it.each(twins)('on $file', ({ file, kind }) => {
    const doc = loadDocument(file)
    expect(validateDocument(doc, { kind }).valid).toBe(false)
    expect(typeboxVerdict(kind, doc)).toBe(false)
  })
})
