import { readFileSync, readdirSync } from 'node:fs'
import Ajv2020 from 'ajv/dist/2020.js'
import { describe, expect, it } from 'vitest'
import { eventValidatorsByKind } from '../src/validate/generated/event-validators.js'
import { documentKinds, eventKindByType, kindByType } from '../src/validate/generated/kinds.js'
import { validatorsByKind } from '../src/validate/generated/validators.js'
import type { GeneratedValidator } from '../src/validate/generated/validators.js'
import { formats } from '../src/validate/formats.js'
import { ROOT, examples, loadDocument, twins } from './helpers/documents.js'

// The generated validators are the schemas as data (sdk/scripts/validator-data.ts) read by
// schemaValidator (sdk/src/validate/schema-validator.ts). This checks them against Ajv compiling
// the published JSON Schemas as they are, with the options the SDK validated with before: the
// same outcome and the same errors (path, keyword, message) for every example, twin and vector
// document, against every kind, and for mutations of each against its own kind.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
type Issue = { instancePath: string; keyword: string; message: string | undefined }

const reference = new Ajv2020.default({
  strict: true,
  strictTuples: false,
  allErrors: false,
  inlineRefs: false,
  formats,
})
const files = readdirSync(`${ROOT}schemas/v1`).filter((file) => file.endsWith('.json'))
const published = files.map(
  (file) =>
    JSON.parse(readFileSync(`${ROOT}schemas/v1/${file}`, 'utf8')) as {
      $id: string
      title?: string
    },
)
for (const schema of published) reference.addSchema(schema)
const schemaIdOf = new Map<string, string>()
for (const schema of published) {
  if (typeof schema.title === 'string') schemaIdOf.set(schema.title, schema.$id)
}

const generated: Readonly<Record<string, GeneratedValidator>> = validatorsByKind

function outcome(validate: GeneratedValidator, input: unknown): [boolean, Issue[]] {
  const valid = validate(input)
  const issues = valid
    ? []
    : (validate.errors ?? []).map(({ instancePath, keyword, message }) => ({
        instancePath,
        keyword,
        message,
      }))
  return [valid, issues]
}

function referenceFor(kind: string): GeneratedValidator {
  const id = schemaIdOf.get(kind)
  if (id === undefined) throw new Error(`no published schema titled ${kind}`)
  const validate = reference.getSchema(id)
  if (validate === undefined) throw new Error(`no schema ${id}`)
  return validate as GeneratedValidator
}

const isObject = (value: unknown): value is Record<string, Json> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** Every JSON object with a `type` in the vectors, and the payload of every JWS in them. */
function vectorDocuments(): Json[] {
  const out: Json[] = []
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      const parts = value.split('.')
      if (parts.length === 3 && parts[1] !== undefined && parts[1].length > 0) {
        try {
          const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Json
          if (isObject(payload) && 'type' in payload) out.push(payload)
        } catch {
          // not a JWS
        }
      }
    } else if (Array.isArray(value)) value.forEach(visit)
    else if (isObject(value)) {
      if (typeof value['type'] === 'string') out.push(value)
      Object.values(value).forEach(visit)
    }
  }
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`
      if (entry.isDirectory()) walk(path)
      else if (entry.name.endsWith('.json')) {
        visit((JSON.parse(readFileSync(path, 'utf8')) as { input?: unknown }).input)
      }
    }
  }
  walk(`${ROOT}conformance/vectors`)
  return out
}

/** The kind `validateDocument` would choose, or `undefined`. */
function kindOf(document: Json): string | undefined {
  if (!isObject(document)) return undefined
  const type = document['type']
  if (typeof type !== 'string') return undefined
  if ('specversion' in document) return eventKindByType[type] ?? 'Event'
  return kindByType[type]
}

const corpus: { document: Json; kind: string | undefined }[] = [
  ...new Map(
    [
      ...examples.map((e) => ({ document: loadDocument(e.file) as Json, kind: e.kind })),
      ...twins.map((t) => ({ document: loadDocument(t.file) as Json, kind: t.kind })),
      ...vectorDocuments().map((document) => ({ document, kind: kindOf(document) })),
    ].map((entry) => [`${entry.kind ?? ''} ${JSON.stringify(entry.document)}`, entry]),
  ).values(),
]

const REPLACEMENTS: Json[] = [
  null,
  1.5,
  '',
  'x'.repeat(3000),
  'not an iri',
  'https://example.org/a',
  '2026-13-01T00:00:00Z',
  true,
  [],
  {},
  ['https://example.org/a', 'https://example.org/a'],
]

/** Mutations of a document: each member removed or replaced (to depth 3), and members added. */
function* mutations(document: Json): Generator<Json> {
  const paths: (string | number)[][] = []
  const walk = (value: Json, path: (string | number)[]): void => {
    if (path.length > 3) return
    if (Array.isArray(value))
      value.forEach((item, i) => {
        walk(item, [...path, i])
      })
    else if (isObject(value)) {
      paths.push(path) // objects also get an added member
      for (const [key, item] of Object.entries(value)) {
        paths.push([...path, key])
        walk(item, [...path, key])
      }
    }
  }
  walk(document, [])
  const at = (root: Json, path: (string | number)[]): Json =>
    path.reduce<Json>((node, key) => (node as Record<string, Json>)[key] as Json, root)
  for (const path of paths) {
    const parentPath = path.slice(0, -1)
    const key = path[path.length - 1]
    for (const replacement of key === undefined ? [] : [...REPLACEMENTS, undefined]) {
      const copy = structuredClone(document)
      const parent = at(copy, parentPath) as Record<string, Json>
      if (replacement === undefined) Reflect.deleteProperty(parent, key as string)
      else parent[key as string] = replacement
      yield copy
    }
    const target = at(document, path)
    if (isObject(target)) {
      const added: [string, Json][] = [
        ['unknownMember', 1],
        ['ex:member', 'x'],
        ['@context', []],
      ]
      for (const [name, value] of added) {
        const copy = structuredClone(document)
        ;(at(copy, path) as Record<string, Json>)[name] = value
        yield copy
      }
    }
  }
}

describe('generated validators against Ajv compiling the published schemas', () => {
  it('has a corpus of documents from the examples and the vectors', () => {
    expect(corpus.length).toBeGreaterThan(300)
  })

  it('agrees on every corpus document against every kind', () => {
    let checked = 0
    for (const kind of documentKinds) {
      const ours = generated[kind] as GeneratedValidator
      const theirs = referenceFor(kind)
      for (const { document } of corpus) {
        expect(outcome(ours, document), kind).toEqual(outcome(theirs, document))
        checked++
      }
    }
    expect(checked).toBeGreaterThan(30_000)
  }, 120_000)

  it('agrees on mutations of every corpus document against its own kind', () => {
    let checked = 0
    let refused = 0
    for (const { document, kind } of corpus) {
      if (kind === undefined) continue
      const ours = generated[kind] as GeneratedValidator
      const theirs = referenceFor(kind)
      for (const mutant of mutations(document)) {
        const expected = outcome(theirs, mutant)
        expect(outcome(ours, mutant), kind).toEqual(expected)
        checked++
        if (!expected[0]) refused++
      }
    }
    expect(checked).toBeGreaterThan(50_000)
    expect(refused).toBeGreaterThan(checked / 2)
  }, 120_000)

  it('re-exports for events exactly the generic Event and every core event kind', () => {
    const expected = ['Event', ...new Set(Object.values(eventKindByType))].sort()
    expect(Object.keys(eventValidatorsByKind).sort()).toEqual(expected)
    for (const kind of expected) {
      expect((eventValidatorsByKind as Record<string, unknown>)[kind]).toBe(generated[kind])
    }
  })
})
