import Ajv2020 from 'ajv/dist/2020.js'
import { describe, expect, it } from 'vitest'
import { formats } from '../src/validate/formats.js'
import { schemaValidator } from '../src/validate/schema-validator.js'

// schemaValidator against Ajv on small schemas that reach each keyword's edge: the order in which
// keywords fail, a wrong type reported before or after untyped keywords, errors kept from the
// branches of `anyOf`, `propertyNames` and `contains`, and which two indices `uniqueItems` names.
// generated-differential.test.ts does the same over the real schemas and documents.

type Schema = { [keyword: string]: unknown }

const ajv = new Ajv2020.default({ strict: true, strictTuples: false, allErrors: false, formats })
const ref: Schema = { $id: 'urn:test:ref', type: 'string', maxLength: 3 }
ajv.addSchema(ref)
const { $id: _, ...refData } = ref

const cases: [string, Schema, unknown[]][] = [
  ['type first without keywords of its type', { type: 'string', const: 'a' }, [1, 'b', 'a']],
  [
    'type after untyped keywords',
    { type: 'string', maxLength: 1, enum: ['a', 'bb'] },
    [1, 'bb', 'c'],
  ],
  ['integer type first', { type: 'integer', minimum: 2, maximum: 4 }, [1.5, 1, 5, 3, '3']],
  ['number group', { type: 'number', minimum: -1 }, ['x', -2, 0]],
  [
    'string keywords in order',
    { type: 'string', minLength: 2, maxLength: 3, pattern: '^a', format: 'iri' },
    ['a', 'bcd', 'abcd', 'ab', 'a:b', '😀😀'],
  ],
  [
    'format',
    { type: 'string', format: 'date-time' },
    ['2026-12-03T10:00:00Z', '2026-02-30T10:00:00Z'],
  ],
  [
    'object keywords in order',
    {
      type: 'object',
      minProperties: 1,
      maxProperties: 3,
      required: ['a', 'b'],
      propertyNames: { type: 'string', maxLength: 2 },
      properties: { a: { type: 'string' }, b: { type: 'integer' } },
      patternProperties: { '^x': { type: 'boolean' } },
      additionalProperties: false,
    },
    [
      {},
      [],
      { a: 'x' },
      { a: 1, b: 1 },
      { a: 'x', b: 'y' },
      { a: 'x', b: 1, ccc: 1 },
      { a: 'x', b: 1, c: 1 },
      { a: 'x', b: 1, x: 1 },
      { a: 'x', b: 1, x: true },
      { a: 'x', b: 1, c: 1, d: 2 },
    ],
  ],
  [
    'additionalProperties schema',
    { type: 'object', additionalProperties: { type: 'null' } },
    [{ 'a/b~': 1 }, { a: null }],
  ],
  [
    'anyOf keeps branch errors',
    { anyOf: [{ type: 'string' }, { type: 'integer', minimum: 3 }] },
    ['a', 4, 1, null],
  ],
  [
    'nested anyOf',
    {
      type: 'object',
      properties: { a: { anyOf: [{ const: 1 }, { anyOf: [{ const: 2 }, { type: 'string' }] }] } },
    },
    [{ a: 1 }, { a: 3 }, { a: 'x' }],
  ],
  ['not', { not: { type: 'string' } }, ['a', 1]],
  [
    'prefixItems and items false',
    {
      type: 'array',
      prefixItems: [{ type: 'string' }, { type: 'integer' }],
      items: false,
      minItems: 1,
    },
    [[], ['a'], [1], ['a', 'b'], ['a', 1, 2]],
  ],
  [
    'prefixItems and items',
    {
      type: 'array',
      prefixItems: [{ type: 'string' }],
      items: { $ref: 'urn:test:ref' },
      maxItems: 3,
    },
    [
      ['a', 'b', 'cccc'],
      ['a', 'b', 'c', 'd'],
      ['a', 'bb'],
    ],
  ],
  ['contains', { type: 'array', contains: { type: 'integer' } }, [[], ['a', 'b'], ['a', 1]]],
  [
    'contains inside anyOf',
    { anyOf: [{ type: 'array', contains: { type: 'integer' } }, { type: 'string' }] },
    [['a', null], [1]],
  ],
  [
    'uniqueItems of strings',
    { type: 'array', items: { type: 'string' }, uniqueItems: true },
    [
      ['a', 'b', 'a', 'b'],
      ['a', 'b'],
      ['a', 1, 1],
    ],
  ],
  [
    'uniqueItems of objects',
    { type: 'array', items: { type: 'object' }, uniqueItems: true },
    [
      [{ a: 1 }, {}, { a: 1 }],
      [{}, { a: 1 }],
    ],
  ],
  [
    'uniqueItems by $ref',
    { type: 'array', items: { $ref: 'urn:test:ref' }, uniqueItems: true },
    [['a', 'b', 'a']],
  ],
  [
    '$ref with siblings',
    { $ref: 'urn:test:ref', type: 'string', minLength: 2 },
    ['a', 'abcd', 1, 'ab'],
  ],
]

/** The schema as validator-data.ts writes it: no `$id`, every `$ref` the node it names. */
function asData(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(asData)
  if (typeof schema !== 'object' || schema === null) return schema
  return Object.fromEntries(
    Object.entries(schema).map(([k, v]) => [k, k === '$ref' ? refData : asData(v)]),
  )
}

describe('schemaValidator', () => {
  it.each(cases)('agrees with Ajv: %s', (_title, schema, values) => {
    const reference = ajv.compile(schema)
    const validate = schemaValidator(asData(schema) as Schema)
    for (const value of values) {
      const valid = reference(value)
      const expected = (reference.errors ?? []).map(({ instancePath, keyword, message }) => ({
        instancePath,
        keyword,
        message,
      }))
      expect([validate(value), validate.errors ?? []]).toEqual([valid, valid ? [] : expected])
    }
  })

  it('throws on a keyword it does not implement', () => {
    expect(() => schemaValidator({ oneOf: [true] })(1)).toThrow()
  })
})
