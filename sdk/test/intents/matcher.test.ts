import { describe, expect, it } from 'vitest'
import {
  SchemaInvalid,
  createMatch,
  createMatcher,
  intentMatched,
  isProtocolError,
  validateDocument,
  type CreateMatcherOptions,
  type Matcher,
} from '../../src/index.js'
import { loadDocument } from '../helpers/documents.js'
import {
  BIKE,
  GROUP,
  HC,
  NZD,
  OTHER_GROUP,
  T0,
  USD,
  offer,
  qty,
  request,
  thrown,
  withChanges,
  type Proposal,
} from './fixtures.js'

function codeOf(fn: () => unknown): string | undefined {
  const err = thrown(fn)
  return isProtocolError(err) ? err.code : `not a ProtocolError: ${String(err)}`
}

/** A matcher at a settable time, holding `held`. */
function matcherWith(
  held: readonly Proposal[],
  options: CreateMatcherOptions = {},
): { matcher: Matcher; clock: { now: number } } {
  const clock = { now: T0 }
  const matcher = createMatcher({ now: () => clock.now, limit: Infinity, ...options })
  for (const p of held) matcher.upsert(p)
  return { matcher, clock }
}

/** The ids `query` matches among `held`. */
function ids(
  query: Proposal,
  held: readonly Proposal[],
  options: CreateMatcherOptions = {},
): string[] {
  return matcherWith(held, options)
    .matcher.match(query)
    .map((c) => c.proposal.id)
}

const P = (key: string): string => `https://tool.example/p/${key}`

describe('createMatcher: compatibility', () => {
  it('[INT-MAT-001] matches an open proposal by another author', () => {
    expect(ids(request('r'), [offer('o')])).toEqual([P('o')])
  })

  it('[INT-MAT-001] never matches a proposal with itself, even an offer and a request sharing one id', () => {
    const o = offer('same')
    const r = request('same', { attributedTo: 'https://tool.example/u/other' })
    const { matcher } = matcherWith([o])
    expect(matcher.match(r)).toEqual([]) // the held offer has the query's id
    expect(matcher.match(o)).toEqual([])
    matcher.upsert(
      withChanges(r, { attributedTo: o.attributedTo, updated: '2026-09-01T01:00:00Z' }),
    )
    expect(matcher.size).toBe(1) // a new version replaced the old one: one entry per id
  })

  it('[INT-MAT-001] excludes proposals by the same attributedTo unless allowSameAuthor is set', () => {
    const mine = offer('o', { attributedTo: 'https://tool.example/u/r' })
    expect(ids(request('r'), [mine])).toEqual([])
    expect(ids(request('r'), [mine], { allowSameAuthor: true })).toEqual([P('o')])
  })

  it('[INT-MAT-001] excludes a candidate whose endTime has passed at the time of the query', () => {
    const { matcher, clock } = matcherWith([offer('o', { endTime: '2026-09-03T00:00:00Z' })])
    expect(matcher.match(request('r')).length).toBe(1)
    clock.now = Date.parse('2026-09-03T00:00:00Z')
    expect(matcher.match(request('r'))).toEqual([])
    expect(matcher.size).toBe(0)
  })

  it('[INT-MAT-002] matches an offer with a request, and a request with an offer', () => {
    expect(ids(offer('q'), [request('r')])).toEqual([P('r')])
    expect(ids(request('q'), [offer('o')])).toEqual([P('o')])
  })

  it('[INT-MAT-002] never matches two offers or two requests', () => {
    expect(ids(offer('q'), [offer('o')])).toEqual([])
    expect(ids(request('q'), [request('r')])).toEqual([])
  })

  it('[INT-MAT-003] accepts a candidate only in the same group by default, and excludes other groups', () => {
    expect(ids(request('r'), [offer('o')])).toEqual([P('o')])
    expect(ids(request('r'), [offer('o', { audience: OTHER_GROUP })])).toEqual([])
  })

  it('[INT-MAT-003] matches across groups when both sides may see each other’s group', () => {
    const canSee = (): boolean => true
    expect(ids(request('r'), [offer('o', { audience: OTHER_GROUP })], { canSee })).toEqual([P('o')])
  })

  it('[INT-MAT-003] excludes a candidate whose author may not see the query’s group (visibility is mutual)', () => {
    // Members of GROUP may see OTHER_GROUP, not the other way round.
    const canSee = (viewer: Proposal, group: string): boolean =>
      group === viewer.audience || viewer.audience === GROUP
    const theirs = offer('o', { audience: OTHER_GROUP })
    expect(ids(request('r'), [theirs], { canSee })).toEqual([])
    expect(ids(request('r', { audience: OTHER_GROUP }), [offer('o')], { canSee })).toEqual([])
  })

  it('[INT-MAT-004] matches the same resourceConformsTo, or a shared hashtag after # and case are normalized', () => {
    expect(ids(request('r'), [offer('o')])).toEqual([P('o')])
    const tagged = (key: string, tags: string[], make = offer): Proposal =>
      make(key, { tags, intent: { action: 'deliverService' } })
    expect(ids(tagged('r', ['#Bikes', 'help'], request), [tagged('o', ['bikes'])])).toEqual([
      P('o'),
    ])
  })

  it('[INT-MAT-004] excludes a different resource without a shared hashtag', () => {
    const other = offer('o', {
      tags: ['gardening'],
      intent: {
        action: 'deliverService',
        resourceConformsTo: 'https://example.org/skills/gardening',
      },
    })
    expect(ids(request('r', { tags: ['bikes'] }), [other])).toEqual([])
    expect(ids(request('r', { intent: { action: 'deliverService' } }), [offer('o')])).toEqual([])
  })

  it('[INT-MAT-005] matches compatible actions: deliverService with work, transfer with transferAllRights', () => {
    expect(
      ids(request('r'), [
        offer('o', { intent: { action: 'work', resourceConformsTo: BIKE_REPAIR_ } }),
      ]),
    ).toEqual([P('o')])
    const goods = (action: 'transfer' | 'transferAllRights', make = offer, key = 'o'): Proposal =>
      make(key, { intent: { action, resourceConformsTo: BIKE } })
    expect(ids(goods('transfer', request, 'r'), [goods('transferAllRights')])).toEqual([P('o')])
  })

  it('[INT-MAT-005] excludes incompatible actions (a transfer for a service)', () => {
    expect(
      ids(request('r'), [
        offer('o', { intent: { action: 'transfer', resourceConformsTo: BIKE_REPAIR_ } }),
      ]),
    ).toEqual([])
  })

  it('[INT-MAT-006] matches overlapping quantity ranges in the same unit', () => {
    const want = request('r', {
      intent: { ...repair, effortQuantity: qty('6'), minimumQuantity: qty('4') },
    })
    const have = offer('o', { intent: { ...repair, availableQuantity: qty('4') } })
    expect(ids(want, [have])).toEqual([P('o')])
    // no quantity at all on one side: no bound
    expect(ids(want, [offer('o')])).toEqual([P('o')])
  })

  it('[INT-MAT-006] excludes different units, and a minimum above what the other side has', () => {
    const want = request('r', { intent: { ...repair, effortQuantity: qty('6') } })
    expect(
      ids(want, [offer('o', { intent: { ...repair, availableQuantity: qty('6', 'day') } })]),
    ).toEqual([])
    const bulk = offer('o', {
      intent: { ...repair, availableQuantity: qty('20'), minimumQuantity: qty('8') },
    })
    expect(ids(want, [bulk])).toEqual([])
  })

  it('[INT-MAT-007] matches overlapping windows, including windows that only touch', () => {
    const at = (key: string, hasBeginning: string, hasEnd: string, make = offer): Proposal =>
      make(key, { intent: { ...repair, hasBeginning, hasEnd } })
    const want = at('r', '2026-10-01T00:00:00Z', '2026-10-31T00:00:00Z', request)
    expect(ids(want, [at('o', '2026-10-30T00:00:00Z', '2026-11-30T00:00:00Z')])).toEqual([P('o')])
    expect(ids(want, [at('o', '2026-10-31T01:00:00+01:00', '2026-11-30T00:00:00Z')])).toEqual([
      P('o'),
    ])
  })

  it('[INT-MAT-007] excludes disjoint windows', () => {
    const want = request('r', { intent: { ...repair, hasEnd: '2026-10-31T00:00:00Z' } })
    const later = offer('o', { intent: { ...repair, hasBeginning: '2026-10-31T00:00:00.001Z' } })
    expect(ids(want, [later])).toEqual([])
  })
})

const BIKE_REPAIR_ = 'https://decisions.example/g/harbour-commons/skills/bike-repair'
const repair = { action: 'deliverService' as const, resourceConformsTo: BIKE_REPAIR_ }

describe('createMatcher: prices', () => {
  const bounty = (amount: string, currency = USD): Proposal =>
    request('r', {
      intent: { ...repair, effortQuantity: qty('6') },
      price: { amount, currency },
    })
  const perHour = (amount: string, currency = USD): Proposal =>
    offer('o', {
      unitBased: true,
      intent: { ...repair, resourceQuantity: qty('1'), availableQuantity: qty('12') },
      price: { amount, currency },
    })

  it('[INT-MAT-008] matches a unit-based price within the bounty: 6 hours × 5.00 ≤ 30.00', () => {
    expect(ids(bounty('30'), [perHour('5')])).toEqual([P('o')])
    expect(ids(bounty('30'), [offer('gift')])).toEqual([P('gift')]) // a gift is within any bounty
  })

  it('[INT-MAT-008] excludes a price above the bounty, compared exactly', () => {
    expect(ids(bounty('30'), [perHour('5.01')])).toEqual([])
    expect(ids(bounty('29.99'), [perHour('5')])).toEqual([])
  })

  it('[INT-MAT-008] matches across currencies with a supplied rate, in either direction, exactly', () => {
    const usdToNzd = [{ from: USD.id, to: NZD.id, rate: '1.5' }]
    // price 5 USD/h → 30 USD = 45 NZD ≤ 45 NZD (forward rate, price into the bounty's currency)
    expect(ids(bounty('45', NZD), [perHour('5')], { rates: usdToNzd })).toEqual([P('o')])
    expect(ids(bounty('44.99', NZD), [perHour('5')], { rates: usdToNzd })).toEqual([])
    // price 7.50 NZD/h → 45 NZD ≤ 30 USD × 1.5 (only USD→NZD is known: the bounty is converted)
    expect(ids(bounty('30'), [perHour('7.5', NZD)], { rates: usdToNzd })).toEqual([P('o')])
    expect(ids(bounty('30'), [perHour('7.51', NZD)], { rates: usdToNzd })).toEqual([])
  })

  it('[INT-MAT-008] excludes different currencies without a rate, and prices in different units', () => {
    expect(ids(bounty('45', NZD), [perHour('5')])).toEqual([])
    const inHours = offer('o', {
      reciprocal: { action: 'transfer', resourceConformsTo: USD.id, resourceQuantity: qty('1') },
    })
    expect(ids(bounty('30'), [inHours])).toEqual([])
  })

  it('[INT-MAT-009] scores the example pair 0.975: (2 × 1 + 6/6 + (1 − 6/30 ÷ 2)) ÷ 4', () => {
    const { matcher } = matcherWith([loadDocument('proposal-offer.json') as Proposal], {
      currencies: [HC],
    })
    const [best] = matcher.match(loadDocument('proposal-request.json'))
    expect(best?.score).toBe('0.975')
  })

  it('[INT-MAT-009] scores shared hashtags by Jaccard index and truncates to six digits', () => {
    const q = request('r', { tags: ['a', 'b', 'c'], intent: { action: 'work' } })
    const c = offer('o', { tags: ['a', 'd'], intent: { action: 'work' } })
    // (2 × 1/4 + 1 + 1) ÷ 4 = 0.625
    expect(matcherWith([c]).matcher.match(q)[0]?.score).toBe('0.625')
    // price 1 − (20/30)/2 = 2/3 → (2 + 1 + 2/3) ÷ 4 = 0.91666…
    expect(
      matcherWith([perHour('10', USD)]).matcher.match(
        request('r', {
          intent: { ...repair, effortQuantity: qty('2') },
          price: { amount: '30', currency: USD },
        }),
      )[0]?.score,
    ).toBe('0.916666')
  })

  it('[INT-MAT-009] never rounds a score up', () => {
    const q = request('r', { tags: ['a', 'b'], intent: { action: 'work' } })
    const c = offer('o', { tags: ['a'], intent: { action: 'work' } })
    // quantity: request max 3, exchanged 2 → 2/3; (2 × 1/2 + 2/3 + 1) ÷ 4 = 0.6666…
    const score = matcherWith([
      withChanges(c, { publishes: { ...c.publishes, availableQuantity: qty('2') } }),
    ]).matcher.match(withChanges(q, { publishes: { ...q.publishes, effortQuantity: qty('3') } }))[0]
      ?.score
    expect(score).toBe('0.666666')
    expect(score).not.toBe('0.666667')
  })
})

describe('createMatcher: order, limit and reporting', () => {
  it('[INT-MAT-010] orders by score, then earliest published, then id by code point, and limits after ordering', () => {
    const exact = offer('b-exact') // same resource: resource factor 1
    const tagged = (key: string, published: string): Proposal =>
      offer(key, { tags: ['bikes', 'tools'], intent: { action: 'deliverService' }, published })
    const q = request('q', { tags: ['bikes'] })
    const held = [
      tagged('c-late', '2026-09-01T10:00:00Z'),
      tagged('a-early', '2026-08-01T00:00:00Z'),
      tagged('b-early', '2026-08-01T00:00:00Z'),
      exact,
    ]
    expect(ids(q, held)).toEqual([P('b-exact'), P('a-early'), P('b-early'), P('c-late')])
    const { matcher } = matcherWith(held)
    expect(matcher.match(q, { limit: 2 }).map((c) => c.proposal.id)).toEqual([
      P('b-exact'),
      P('a-early'),
    ])
  })

  it('[INT-MAT-010] does not order equal candidates by UTF-16 code units', () => {
    // U+FF61 < U+1F600 by code point, while its UTF-16 unit 0xFF61 > 0xD83D.
    const low = offer('o\uff61')
    const high = offer('o\u{1f600}')
    expect(ids(request('r'), [high, low])).toEqual([low.id, high.id])
    expect(high.id < low.id).toBe(true) // what a naive comparison would do
  })

  it('[INT-MAT-011] reports a match as a valid Match and intent.matched event with the computed score', () => {
    const q = request('r')
    const [candidate] = matcherWith([offer('o')]).matcher.match(q)
    expect(candidate).toBeDefined()
    const match = createMatch({
      subject: q.id,
      object: candidate?.proposal.id ?? '',
      score: candidate?.score ?? '',
      attributedTo: 'https://matcher.example',
      published: '2026-09-02T00:00:00Z',
    })
    const event = intentMatched(match, {
      source: 'https://matcher.example',
      actor: { id: 'https://matcher.example', type: 'Service', name: 'Matcher' },
      audience: q.audience,
      to: [q.attributedTo, candidate?.proposal.attributedTo ?? ''],
    })
    expect(validateDocument(event)).toMatchObject({ valid: true, kind: 'IntentMatchedEvent' })
    expect(event.data.object).toMatchObject({ subject: q.id, object: P('o'), score: '1' })
    expect(event.group).toBe(GROUP)
  })

  it('[INT-MAT-011] rejects a match whose score is outside 0..1 or has more than six fraction digits', () => {
    for (const score of ['1.5', '0.1234567', '-0.1', '1e-3']) {
      expect(() => createMatch({ subject: P('a'), object: P('b'), score }), score).toThrow(
        SchemaInvalid,
      )
    }
  })
})

describe('createMatcher: lifecycle and versions', () => {
  const v = (p: Proposal, updated: string, changes: Record<string, unknown> = {}): Proposal =>
    withChanges(p, { updated, ...changes })

  it('[INT-PROP-002] matches a proposal until its endTime, then expires it against the injected clock', () => {
    const { matcher, clock } = matcherWith([offer('o', { endTime: '2026-09-10T00:00:00Z' })])
    expect(matcher.expire()).toEqual([])
    clock.now = Date.parse('2026-09-10T00:00:00Z')
    expect(matcher.expire()).toEqual([P('o')])
    expect(matcher.get(P('o'))).toBeUndefined()
  })

  it('[INT-PROP-002] rejects a proposal that arrives expired, on upsert and on match, with ERR_PROPOSAL_EXPIRED', () => {
    const o = offer('o', { endTime: '2026-09-03T00:00:00Z' })
    const { matcher, clock } = matcherWith([o])
    clock.now = Date.parse('2026-09-04T00:00:00Z')
    expect(codeOf(() => matcher.upsert(o))).toBe('ERR_PROPOSAL_EXPIRED')
    expect(codeOf(() => matcher.match(o))).toBe('ERR_PROPOSAL_EXPIRED')
    const bad = withChanges(request('r'), { endTime: '2026-08-01T00:00:00Z' }) // before published
    clock.now = T0
    expect(codeOf(() => matcher.upsert(bad))).toBe('ERR_PROPOSAL_EXPIRED')
    expect(matcher.size).toBe(0)
  })

  it('[INT-PROP-003] accepts a newer version, which replaces the one held', () => {
    const o = offer('o')
    const { matcher } = matcherWith([o])
    const moved = v(o, '2026-09-01T12:00:00Z', { audience: OTHER_GROUP })
    expect(matcher.upsert(moved)).toBe('updated')
    expect(matcher.size).toBe(1)
    expect(matcher.get(o.id)).toBe(moved)
    expect(matcher.match(request('r'))).toEqual([])
    expect(matcher.match(request('r', { audience: OTHER_GROUP })).length).toBe(1)
    expect(matcher.upsert(moved)).toBe('updated') // a redelivery of the same version
  })

  it('[INT-PROP-003] ignores a version older than the one held, or not later than its close', () => {
    const o = offer('o')
    const newer = v(o, '2026-09-01T12:00:00Z')
    const { matcher } = matcherWith([newer])
    expect(matcher.upsert(o)).toBe('stale')
    expect(matcher.get(o.id)).toBe(newer)
    matcher.remove(o.id)
    expect(matcher.upsert(newer)).toBe('stale')
    expect(matcher.upsert(o)).toBe('stale')
    expect(matcher.size).toBe(0)
  })

  it('[INT-PROP-003] never loops or duplicates entries when one proposal is updated 1,000 times, or two update each other', () => {
    const a = offer('a', { tags: ['bikes', 'repairs'] })
    const b = request('b', { tags: ['bikes'] })
    const { matcher } = matcherWith([a, b])
    const before = matcher.stats()
    for (let i = 0; i < 1000; i++) {
      const t = new Date(Date.parse('2026-09-01T01:00:00Z') + i * 1000).toISOString()
      // each side re-publishes after seeing the other, as two naive tools would
      expect(matcher.upsert(v(a, t))).toBe('updated')
      expect(matcher.upsert(v(b, t))).toBe('updated')
      expect(matcher.upsert(v(a, '2026-09-01T00:30:00Z'))).toBe('stale') // a late old copy
    }
    expect(matcher.stats()).toEqual(before)
    expect(matcher.match(matcher.get(a.id)).map((c) => c.proposal.id)).toEqual([b.id])
    expect(matcher.match(matcher.get(b.id)).map((c) => c.proposal.id)).toEqual([a.id])
  })

  it('[INT-PROP-004] accepts a new version by the same author', () => {
    const { matcher } = matcherWith([offer('o')])
    expect(matcher.upsert(v(offer('o'), '2026-09-01T01:00:00Z', { name: 'Renamed' }))).toBe(
      'updated',
    )
  })

  it('[INT-PROP-004] rejects a new version that changes attributedTo with ERR_PROPOSAL_CONFLICT', () => {
    const o = offer('o')
    const { matcher } = matcherWith([o])
    const hijack = v(o, '2026-09-01T01:00:00Z', { attributedTo: 'https://evil.example/u/mallory' })
    expect(codeOf(() => matcher.upsert(hijack))).toBe('ERR_PROPOSAL_CONFLICT')
    expect(matcher.get(o.id)).toBe(o)
  })

  it('[INT-LIFE-002] never matches a proposal once it was withdrawn or fulfilled', () => {
    const { matcher } = matcherWith([offer('o'), offer('p')])
    expect(matcher.remove(P('o'))).toBe(true)
    expect(matcher.remove(P('o'))).toBe(false)
    expect(ids(request('r'), [])).toEqual([])
    expect(matcher.match(request('r')).map((c) => c.proposal.id)).toEqual([P('p')])
    // a close that overtook the publication
    matcher.remove(P('late'), { version: '2026-09-01T05:00:00Z' })
    expect(matcher.upsert(offer('late'))).toBe('stale')
    expect(() => matcher.remove(P('x'), { version: 'yesterday' })).toThrow(TypeError)
  })

  it('[INT-LIFE-002] accepts a later version after a close: it reopens the proposal', () => {
    const { matcher } = matcherWith([offer('o')])
    matcher.remove(P('o'))
    expect(matcher.upsert(v(offer('o'), '2026-09-01T09:00:00Z'))).toBe('added')
    expect(ids(request('r'), [matcher.get(P('o')) as Proposal])).toEqual([P('o')])
    expect(matcher.stats().tombstones).toBe(0)
  })
})

describe('createMatcher: hostile input', () => {
  it('rejects 10,000 tags, amounts like 1e400 or -0, and non-proposals with ERR_SCHEMA_INVALID', () => {
    const { matcher } = matcherWith([])
    const tags = Array.from({ length: 10_000 }, (_, i) => ({ type: 'Hashtag', name: `#t${i}` }))
    const o = offer('o', { price: { amount: '1', currency: USD } })
    const amountAt = (value: unknown): Proposal =>
      withChanges(o, {
        reciprocal: {
          ...o.reciprocal,
          resourceQuantity: { hasUnit: 'one', hasNumericalValue: value },
        },
      })
    for (const bad of [
      withChanges(o, { tag: tags }),
      amountAt('1e400'),
      amountAt('NaN'),
      amountAt('-0'),
      amountAt('1,5'),
      amountAt('9'.repeat(10_000)),
      amountAt(0.1),
      { type: 'Person' },
      null,
      'proposal',
    ]) {
      expect(codeOf(() => matcher.upsert(bad))).toBe('ERR_SCHEMA_INVALID')
      expect(codeOf(() => matcher.match(bad))).toBe('ERR_SCHEMA_INVALID')
    }
    expect(matcher.size).toBe(0)
  })

  it('[INT-AMT-003] rejects a price more precise than its known currency with ERR_AMOUNT_PRECISION', () => {
    const { matcher } = matcherWith([], { currencies: [USD] })
    const o = offer('o', { price: { amount: '1', currency: USD } })
    const precise = withChanges(o, {
      reciprocal: { ...o.reciprocal, resourceQuantity: qty('1.005', 'one') },
    })
    expect(codeOf(() => matcher.upsert(precise))).toBe('ERR_AMOUNT_PRECISION')
    // a currency the matcher has no metadata for is not checked
    expect(createMatcher().upsert(precise)).toBe('added')
  })

  it('never matches an intent with itself: a proposal offering USD for USD is not its own counterpart', () => {
    const money = offer('m', {
      intent: {
        action: 'transfer',
        resourceConformsTo: USD.id,
        resourceQuantity: qty('10', 'one'),
      },
      price: { amount: '10', currency: USD },
    })
    const { matcher } = matcherWith([money], { allowSameAuthor: true })
    expect(matcher.match(money)).toEqual([])
  })

  it('reads leap seconds and zone offsets when comparing windows', () => {
    const want = request('r', { intent: { ...repair, hasEnd: '2026-12-31T23:59:60Z' } })
    const have = offer('o', {
      intent: { ...repair, hasBeginning: '2027-01-01T00:59:59.999+01:00' },
    })
    expect(ids(want, [have])).toEqual([P('o')])
  })

  it('throws TypeError for bad configuration: rates, limit, strategy, clock', () => {
    expect(() => createMatcher({ rates: [{ from: USD.id, to: NZD.id, rate: '0' }] })).toThrow(
      TypeError,
    )
    expect(() => createMatcher({ rates: [{ from: USD.id, to: NZD.id, rate: '1e3' }] })).toThrow(
      TypeError,
    )
    expect(() => createMatcher({ limit: 0 })).toThrow(TypeError)
    expect(() => createMatcher({ strategy: 'quantum' as never })).toThrow(TypeError)
    expect(() => createMatcher({ currencies: [{ ...USD, decimals: -1 }] })).toThrow(SchemaInvalid)
    expect(() => createMatcher({ now: () => Number.NaN }).match(request('r'))).toThrow(TypeError)
  })

  it('keeps large posting lists consistent with the linear scan as they grow and shrink', () => {
    const offers = Array.from({ length: 300 }, (_, i) =>
      offer(`o${i}`, { tags: ['bikes', `t${i % 7}`], intent: { action: 'deliverService' } }),
    )
    const indexed = matcherWith(offers).matcher
    const linear = matcherWith(offers, { strategy: 'linear' }).matcher
    const q = request('r', { tags: ['bikes', 't3'] })
    const view = (m: Matcher): string[] => m.match(q).map((c) => `${c.proposal.id} ${c.score}`)
    expect(view(indexed)).toHaveLength(300)
    for (let i = 0; i < 300; i += 2) {
      expect(indexed.remove(P(`o${i}`))).toBe(linear.remove(P(`o${i}`)))
    }
    expect(view(indexed)).toEqual(view(linear))
    expect(view(indexed)).toHaveLength(150)
    expect(indexed.stats().postings).toBe(300)
  })

  it('keeps its stats consistent as proposals come and go', () => {
    const { matcher } = matcherWith([offer('o', { tags: ['x', 'y'] }), request('r')])
    expect(matcher.stats()).toEqual({ proposals: 2, groups: 1, postings: 4, tombstones: 0 })
    matcher.remove(P('o'))
    matcher.remove(P('r'))
    expect(matcher.stats()).toEqual({ proposals: 0, groups: 0, postings: 0, tombstones: 2 })
    expect(Object.isFrozen(matcher)).toBe(true)
  })
})
