import { describe, expect, it } from 'vitest'
import {
  ProtocolError,
  SchemaInvalid,
  assertValid,
  isProtocolError,
  validateDocument,
} from '../src/index.js'
import { loadDocument } from './helpers/documents.js'

const group = loadDocument('group.json') as Record<string, unknown>
const offer = loadDocument('proposal-offer.json') as {
  reciprocal: { resourceQuantity: { hasNumericalValue: unknown } }
  tag: unknown[]
}
const joined = loadDocument('events/membership-joined.json') as Record<string, unknown>
const poll = loadDocument('events/poll-created.json') as Record<string, unknown>

function firstIssue(input: unknown, options = {}) {
  const result = validateDocument(input, options)
  if (result.valid) throw new Error('expected the document to be invalid')
  return result.issues[0]
}

const withAmount = (amount: unknown) => {
  const doc = structuredClone(offer)
  doc.reciprocal.resourceQuantity.hasNumericalValue = amount
  return doc
}

describe('validateDocument', () => {
  it('dispatches on `type` and returns the same document', () => {
    const result = validateDocument(group)
    expect(result).toEqual({ valid: true, kind: 'Group', document: group })
    if (result.valid) expect(result.document).toBe(group)
  })

  it('dispatches a core event on its CloudEvents type and any other event to the generic schema', () => {
    expect(validateDocument(joined).kind).toBe('MembershipJoinedEvent')
    expect(validateDocument(poll).kind).toBe('Event')
    expect(validateDocument({ ...poll, type: 'tech.collaborative.not.yet.defined' })).toMatchObject(
      {
        valid: true,
        kind: 'Event',
      },
    )
  })

  it('holds a core event type to its typed schema', () => {
    const forged = { ...poll, type: 'tech.collaborative.membership.joined' }
    expect(firstIssue(forged)).toMatchObject({ instancePath: '/dataschema', keyword: 'const' })
  })

  it('reports input that is not an object', () => {
    for (const input of [null, [], 'Group', 42, undefined]) {
      expect(firstIssue(input)).toEqual({
        instancePath: '',
        keyword: 'type',
        message: 'must be object',
      })
    }
  })

  it('reports a document without a type', () => {
    const { type: _, ...untyped } = group
    expect(firstIssue(untyped)).toMatchObject({ instancePath: '', keyword: 'required' })
  })

  it('reports an unknown document type at /type', () => {
    expect(firstIssue({ ...group, type: 'Organization' })).toMatchObject({
      instancePath: '/type',
      keyword: 'enum',
    })
    expect(firstIssue({ ...group, type: 'toString' })).toMatchObject({ instancePath: '/type' })
    expect(firstIssue({ ...group, type: '__proto__' })).toMatchObject({ instancePath: '/type' })
  })

  it('validates against a named kind', () => {
    expect(validateDocument(group, { kind: 'Membership' }).valid).toBe(false)
    expect(validateDocument(joined.data, { kind: 'MembershipJoinedActivity' }).valid).toBe(true)
  })

  it('throws TypeError for a kind that does not exist (a caller bug)', () => {
    expect(() => validateDocument(group, { kind: 'Nope' as never })).toThrow(TypeError)
    expect(() => validateDocument(group, { kind: 'kindByType' as never })).toThrow(TypeError)
  })

  it.each([
    ['1e400', 'pattern'],
    ['NaN', 'pattern'],
    ['-0', 'pattern'],
    ['-1.00', 'pattern'],
    ['1,5', 'pattern'],
    ['+1', 'pattern'],
    ['01.5', 'pattern'],
    ['1.', 'pattern'],
    ['.5', 'pattern'],
    [' 1', 'pattern'],
    ['1'.repeat(31), 'pattern'],
    ['1'.repeat(10_000), 'maxLength'],
    [1.5, 'type'],
    [null, 'type'],
  ])('rejects the amount %j (%s)', (amount, keyword) => {
    expect(firstIssue(withAmount(amount))).toMatchObject({
      instancePath: '/reciprocal/resourceQuantity/hasNumericalValue',
      keyword,
    })
  })

  it.each(['0', '0.1', '45.00', `${'9'.repeat(30)}.${'9'.repeat(30)}`])(
    'accepts the amount %j',
    (amount) => {
      expect(validateDocument(withAmount(amount)).valid).toBe(true)
    },
  )

  it('rejects 10,000 tags at maxItems', () => {
    const doc = {
      ...offer,
      tag: Array.from({ length: 10_000 }, (_, i) => ({ type: 'Hashtag', name: `#t${i}` })),
    }
    expect(firstIssue(doc)).toMatchObject({ instancePath: '/tag', keyword: 'maxItems' })
  })

  it('rejects an own __proto__ property as an unknown property, and pollutes nothing', () => {
    const doc = JSON.parse(
      `{"__proto__":{"polluted":true},${JSON.stringify(group).slice(1)}`,
    ) as object
    expect(firstIssue(doc)).toMatchObject({ instancePath: '', keyword: 'additionalProperties' })
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
  })

  it('rejects deep nesting at the first level it is not allowed', () => {
    let deep: unknown = 'x'
    for (let i = 0; i < 10_000; i++) deep = { a: deep }
    expect(firstIssue({ ...group, icon: deep })).toMatchObject({ instancePath: '/icon' })
  })

  it('rejects oversized strings at maxLength', () => {
    expect(firstIssue({ ...group, name: 'n'.repeat(257) })).toMatchObject({
      instancePath: '/name',
      keyword: 'maxLength',
    })
  })

  it('counts string length in code points, as JSON Schema does', () => {
    expect(validateDocument({ ...group, name: '🌊'.repeat(256) }).valid).toBe(true)
    expect(validateDocument({ ...group, name: '🌊'.repeat(257) }).valid).toBe(false)
  })

  it('accepts CloudEvents extension attributes with primitive values only', () => {
    expect(validateDocument({ ...poll, partitionkey: 'harbour' }).valid).toBe(true)
    expect(firstIssue({ ...poll, partitionkey: { nested: true } })).toMatchObject({
      instancePath: '/partitionkey',
    })
  })
})

describe('assertValid', () => {
  it('returns the document when it is valid', () => {
    expect(assertValid(group)).toBe(group)
  })

  it('throws SchemaInvalid with code ERR_SCHEMA_INVALID and the issues', () => {
    let caught: unknown
    try {
      assertValid({ ...group, joinPolicy: 'whoever' })
    } catch (err) {
      caught = err
    }
    expect(caught).toBeInstanceOf(SchemaInvalid)
    expect(caught).toBeInstanceOf(ProtocolError)
    expect(isProtocolError(caught)).toBe(true)
    if (!isProtocolError(caught) || caught.code !== 'ERR_SCHEMA_INVALID')
      throw new Error('narrowing')
    expect(caught.issues).toEqual([
      expect.objectContaining({ instancePath: '/joinPolicy', keyword: 'enum' }),
    ])
  })

  it('is not fooled by look-alike errors', () => {
    expect(isProtocolError(new Error('ERR_SCHEMA_INVALID'))).toBe(false)
    expect(isProtocolError({ code: 'ERR_SCHEMA_INVALID' })).toBe(false)
    expect(isProtocolError(null)).toBe(false)
  })
})
