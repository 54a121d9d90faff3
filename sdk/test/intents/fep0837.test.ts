import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  SchemaInvalid,
  createMatcher,
  fromFep0837Proposal,
  isProtocolError,
  toFep0837Proposal,
  validateDocument,
} from '../../src/index.js'
import { ROOT } from '../helpers/documents.js'
import { NOW, T0, USD, offer, thrown } from './fixtures.js'

const DIR = `${ROOT}sdk/test/fixtures/fep-0837/`
const fixture = (file: string): Record<string, unknown> =>
  JSON.parse(readFileSync(DIR + file, 'utf8')) as Record<string, unknown>
const MARKET = 'https://market.example/groups/bikes'
const read = (input: unknown) => fromFep0837Proposal(input, { audience: MARKET, now: NOW })

function codeOf(fn: () => unknown): string | undefined {
  const err = thrown(fn)
  return isProtocolError(err) ? err.code : `not a ProtocolError: ${String(err)}`
}

describe('FEP-0837 proposals', () => {
  it('[INT-FEP-001] accepts the FEP’s minimal and full examples as valid CTA proposals', () => {
    const minimal = read(fixture('offer-minimal.json'))
    expect(validateDocument(minimal)).toMatchObject({ valid: true, kind: 'Proposal' })
    expect(minimal).toMatchObject({
      '@context': ['https://www.w3.org/ns/activitystreams', 'https://w3id.org/cta/v1'],
      name: 'Untitled offer',
      published: '2026-09-02T00:00:00Z',
      audience: MARKET,
      to: ['https://www.w3.org/ns/activitystreams#Public'],
      unitBased: false,
    })
    const full = read(fixture('offer-full.json'))
    expect(validateDocument(full).valid).toBe(true)
    expect(full).not.toHaveProperty('location')
    expect(full.published).toBe('2023-06-18T19:22:03.918737Z')
    expect(full.reciprocal).toEqual({
      type: 'Intent',
      id: 'https://market.example/proposals/ddde9d6f-6f3b-4770-a966-3a18ef006930#reciprocal',
      action: 'transfer',
      resourceConformsTo: USD.id,
      resourceQuantity: { hasUnit: 'one', hasNumericalValue: '30' },
    })
    expect(Object.isFrozen(full.publishes)).toBe(true)
  })

  it('[INT-FEP-001] accepts a Note with an object attributedTo, no name, a value-less quantity and an exact JSON number', () => {
    const note = read(fixture('request-any-amount.json'))
    expect(note).toMatchObject({
      type: 'Proposal',
      purpose: 'request',
      attributedTo: 'https://social.example/users/carol',
      name: 'Looking for bike lessons, any number of hours, paid in USD.',
    })
    expect(note.publishes).not.toHaveProperty('resourceQuantity')
    const tagged = read({
      ...fixture('offer-full.json'),
      tag: [
        { type: 'Hashtag', name: '#bikes', href: 'https://market.example/tags/bikes', id: 'x:1' },
        { type: 'Emoji', name: ':bike:' },
      ],
    })
    expect(tagged.tag).toEqual([
      { type: 'Hashtag', name: '#bikes', href: 'https://market.example/tags/bikes' },
    ])
    expect(note.reciprocal?.resourceQuantity).toEqual({ hasUnit: 'one', hasNumericalValue: '25' })
  })

  it('[INT-FEP-001] accepts FEP proposals in the matcher: the bike offer for 30 USD matches the request with 40 USD', () => {
    const matcher = createMatcher({ now: () => T0, currencies: [USD] })
    const bike = read(fixture('offer-full.json'))
    const wanted = read(fixture('request-bike.json'))
    const lessons = read(fixture('request-any-amount.json'))
    expect(matcher.upsert(bike)).toBe('added')
    expect(matcher.upsert(lessons)).toBe('added')
    const [found, ...rest] = matcher.match(wanted)
    expect(rest).toEqual([])
    expect(found?.proposal.id).toBe(bike.id)
    // (2 × 1 + 1/1 + (1 − 30/40 ÷ 2)) ÷ 4
    expect(found?.score).toBe('0.90625')
  })

  it('[INT-FEP-001] rejects a JSON number amount that cannot be exact with ERR_AMOUNT_INVALID', () => {
    const base = fixture('request-bike.json')
    const withAmount = (value: unknown): Record<string, unknown> => ({
      ...base,
      reciprocal: {
        ...(base['reciprocal'] as object),
        resourceQuantity: { hasUnit: 'one', hasNumericalValue: value },
      },
    })
    for (const value of [
      1e21,
      JSON.parse('1e400') as number,
      0.1 + 0.2,
      2 ** 53 + 2,
      -5,
      Number.NaN,
      1 + Number.EPSILON,
    ]) {
      expect(
        codeOf(() => read(withAmount(value))),
        String(value),
      ).toBe('ERR_AMOUNT_INVALID')
    }
    expect(read(withAmount(40)).reciprocal?.resourceQuantity?.hasNumericalValue).toBe('40')
    expect(read(withAmount(0.3)).reciprocal?.resourceQuantity?.hasNumericalValue).toBe('0.3')
    // strings are checked by the schema, as in any CTA document
    for (const value of ['1e400', '-0', '1,5', 'NaN']) {
      expect(
        codeOf(() => read(withAmount(value))),
        value,
      ).toBe('ERR_SCHEMA_INVALID')
    }
  })

  it('[INT-FEP-001] rejects what is not a proposal, and what does not validate once mapped', () => {
    expect(() => read({ ...fixture('offer-full.json'), type: 'Person' })).toThrow(SchemaInvalid)
    expect(() => read('a proposal')).toThrow(SchemaInvalid)
    expect(() => read({ ...fixture('offer-full.json'), purpose: 'gift' })).toThrow(SchemaInvalid)
    const tags = Array.from({ length: 10_000 }, (_, i) => ({ type: 'Hashtag', name: `#t${i}` }))
    expect(() => read({ ...fixture('offer-full.json'), tag: tags })).toThrow(SchemaInvalid)
    expect(() => fromFep0837Proposal(fixture('offer-full.json'), undefined as never)).toThrow(
      TypeError,
    )
  })

  it('writes a CTA proposal as FEP-0837 and reads it back as the same proposal, the group added to to', () => {
    const original = offer('fep', {
      tags: ['bikes'],
      price: { amount: '12.5', currency: USD },
      to: ['https://www.w3.org/ns/activitystreams#Public'],
    })
    const fep = toFep0837Proposal(original)
    expect(fep['@context'][0]).toBe('https://www.w3.org/ns/activitystreams')
    expect(fep['@context'][1]).toMatchObject({ publishes: 'vf:publishes', hasUnit: 'om2:hasUnit' })
    expect(fep.to).toEqual(['https://www.w3.org/ns/activitystreams#Public', original.audience])
    const back = fromFep0837Proposal(JSON.parse(JSON.stringify(fep)), {
      audience: original.audience,
    })
    expect(back).toEqual({ ...original, to: fep.to })
  })
})
