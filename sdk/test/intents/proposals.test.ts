import { describe, expect, it } from 'vitest'
import {
  SchemaInvalid,
  createOffer,
  createRequest,
  isProtocolError,
  validateDocument,
} from '../../src/index.js'
import { loadDocument } from '../helpers/documents.js'
import { BIKE, GROUP, HC, JPY, NOW, USD, offer, request, thrown } from './fixtures.js'

function codeOf(fn: () => unknown): string | undefined {
  const err = thrown(fn)
  return isProtocolError(err) ? err.code : `not a ProtocolError: ${String(err)}`
}

describe('createOffer and createRequest', () => {
  it('[INT-PROP-001] accepts a price tag: reproduces the example offer, intents at #primary and #reciprocal', () => {
    const example = loadDocument('proposal-offer.json')
    const created = createOffer({
      id: 'https://budgeting.example/proposals/7c1e2a',
      attributedTo: 'https://decisions.example/u/aroha',
      audience: 'https://decisions.example/g/harbour-commons',
      name: 'Bike repairs, priced per hour',
      content: '<p>I fix bikes on Saturday mornings in the shared workshop.</p>',
      published: '2026-08-01T09:00:00Z',
      endTime: '2026-12-31T23:59:59Z',
      to: ['https://decisions.example/g/harbour-commons'],
      tags: ['repairs'],
      unitBased: true,
      intent: {
        action: 'deliverService',
        resourceConformsTo: 'https://decisions.example/g/harbour-commons/skills/bike-repair',
        resourceQuantity: { hasUnit: 'hour', hasNumericalValue: '1' },
        availableQuantity: { hasUnit: 'hour', hasNumericalValue: '12' },
      },
      price: { amount: '1', currency: HC },
      now: new Date('2026-08-01T09:00:00Z'),
    })
    expect(created).toEqual(example)
    expect(created.publishes.id).toBe(`${created.id}#primary`)
    expect(created.reciprocal?.id).toBe(`${created.id}#reciprocal`)
    expect(Object.isFrozen(created)).toBe(true)
    expect(Object.isFrozen(created.reciprocal?.resourceQuantity)).toBe(true)
  })

  it('[INT-PROP-001] accepts a bounty: reproduces the example request, paid by the group', () => {
    const example = loadDocument('proposal-request.json')
    const created = createRequest({
      id: 'https://budgeting.example/buckets/42',
      attributedTo: 'https://decisions.example/u/tomas',
      receiver: 'https://decisions.example/g/harbour-commons',
      payer: 'https://decisions.example/g/harbour-commons',
      audience: 'https://decisions.example/g/harbour-commons',
      name: 'Fix the community bikes before spring',
      summary: 'Bounty: 30 Harbour Credit for servicing the six shared bikes.',
      url: 'https://budgeting.example/harbour-commons/buckets/42',
      published: '2026-09-01T08:00:00Z',
      endTime: '2026-10-31T23:59:59Z',
      intent: {
        action: 'deliverService',
        resourceConformsTo: 'https://decisions.example/g/harbour-commons/skills/bike-repair',
        effortQuantity: { hasUnit: 'hour', hasNumericalValue: '6' },
        hasBeginning: '2026-09-01T00:00:00Z',
        hasEnd: '2026-10-31T23:59:59Z',
      },
      price: { amount: '30', currency: HC },
      now: new Date('2026-09-01T08:00:00Z'),
    })
    expect(created).toEqual(example)
    expect(validateDocument(created)).toMatchObject({ valid: true, kind: 'Proposal' })
  })

  it('[INT-PROP-001] rejects a proposal id with a fragment, which would break the intent ids', () => {
    expect(() => offer('x', { id: 'https://tool.example/p/1#frag' } as never)).toThrow(TypeError)
  })

  it('fills published from the clock and gives the request’s reciprocal to its payer', () => {
    const bounty = createRequest({
      id: 'https://tool.example/p/bounty',
      attributedTo: 'https://tool.example/u/tomas',
      audience: GROUP,
      name: 'A bike',
      intent: { action: 'transfer', resourceConformsTo: BIKE },
      price: { amount: '40', currency: USD },
      now: NOW,
    })
    expect(bounty.published).toBe('2026-09-02T00:00:00Z')
    expect(bounty.publishes.receiver).toBe('https://tool.example/u/tomas')
    expect(bounty.reciprocal).toMatchObject({
      action: 'transfer',
      provider: 'https://tool.example/u/tomas',
      resourceConformsTo: USD.id,
      resourceQuantity: { hasUnit: 'one', hasNumericalValue: '40.00' },
    })
  })

  it('carries a non-monetary reciprocal (an hour of help in return)', () => {
    const swap = offer('swap', {
      reciprocal: {
        action: 'deliverService',
        resourceConformsTo: 'https://decisions.example/g/harbour-commons/skills/gardening',
        effortQuantity: { hasUnit: 'hour', hasNumericalValue: '1' },
      },
    })
    expect(swap.reciprocal).toMatchObject({ action: 'deliverService', receiver: swap.attributedTo })
    expect(() =>
      offer('both', {
        price: { amount: '1', currency: USD },
        reciprocal: { action: 'work' },
      }),
    ).toThrow(TypeError)
  })

  it('[INT-AMT-003] rejects a price more precise than its currency, unless asked to round', () => {
    expect(codeOf(() => offer('p', { price: { amount: '0.5', currency: JPY } }))).toBe(
      'ERR_AMOUNT_PRECISION',
    )
    const rounded = offer('p', { price: { amount: '0.5', currency: JPY }, rounding: 'half-up' })
    expect(rounded.reciprocal?.resourceQuantity?.hasNumericalValue).toBe('1')
    expect(
      offer('q', { price: { amount: '19.9', currency: USD } }).reciprocal?.resourceQuantity,
    ).toEqual({ hasUnit: 'one', hasNumericalValue: '19.90' })
  })

  it('[INT-AMT-001] rejects a price that is not an amount (1e400, NaN, -0, 1,5) with ERR_AMOUNT_INVALID', () => {
    for (const amount of ['1e400', 'NaN', '-0', '1,5', '9'.repeat(10_000)]) {
      expect(
        codeOf(() => offer('p', { price: { amount, currency: USD } })),
        amount.slice(0, 9),
      ).toBe('ERR_AMOUNT_INVALID')
    }
  })

  it('[INT-PROP-002] accepts an endTime after now and after published', () => {
    expect(offer('p', { endTime: '2026-09-02T00:00:01Z' }).endTime).toBe('2026-09-02T00:00:01Z')
  })

  it('[INT-PROP-002] rejects an endTime in the past, or not after published, with ERR_PROPOSAL_EXPIRED', () => {
    expect(codeOf(() => offer('p', { endTime: '2026-09-01T23:59:59Z' }))).toBe(
      'ERR_PROPOSAL_EXPIRED',
    )
    expect(codeOf(() => offer('p', { endTime: '2026-09-02T00:00:00Z' }))).toBe(
      'ERR_PROPOSAL_EXPIRED',
    )
    expect(
      codeOf(() =>
        offer('p', { published: '2027-01-01T00:00:00Z', endTime: '2026-12-31T00:00:00+01:00' }),
      ),
    ).toBe('ERR_PROPOSAL_EXPIRED')
  })

  it('refuses to create what a receiver would reject: 10,000 tags, a bad IRI, bad currency metadata', () => {
    const tags = Array.from({ length: 10_000 }, (_, i) => `tag${i}`)
    const err = thrown(() => offer('p', { tags }))
    expect(err).toBeInstanceOf(SchemaInvalid)
    expect((err as SchemaInvalid).issues[0]).toMatchObject({
      instancePath: '/tag',
      keyword: 'maxItems',
    })
    expect(() => offer('p', { audience: 'not an iri' })).toThrow(SchemaInvalid)
    expect(() =>
      offer('p', { price: { amount: '1', currency: { ...USD, decimals: 99 } } }),
    ).toThrow(SchemaInvalid)
    expect(() => offer('p', { price: { amount: '1', currency: USD.id as never } })).toThrow(
      TypeError,
    )
    expect(() => createOffer(undefined as never)).toThrow(TypeError)
    expect(() => offer('p', { now: new Date('nonsense') })).toThrow(TypeError)
  })

  it('writes each hashtag once, with a leading #', () => {
    const tagged = request('t', { tags: ['bikes', '#bikes', '#Repairs'] })
    expect(tagged.tag).toEqual([
      { type: 'Hashtag', name: '#bikes' },
      { type: 'Hashtag', name: '#Repairs' },
    ])
  })
})
