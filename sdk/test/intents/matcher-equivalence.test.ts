// The indexed matcher must return exactly what the linear reference scan returns (the same
// candidates, scores and order) on any data: random proposals over a small vocabulary so that
// many pairs are compatible, random visibility, rates, removals and clock moves.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  createMatcher,
  createOffer,
  createRequest,
  isProtocolError,
  type CreateMatcherOptions,
  type ExchangeRate,
} from '../../src/index.js'
import { HC, NZD, USD, type Proposal } from './fixtures.js'

const GROUPS = ['https://a.example/g/1', 'https://a.example/g/2', 'https://b.example/g/3']
const CURRENCIES = [USD, NZD, HC]
const INSTANTS = [
  '2026-09-01T00:00:00Z',
  '2026-09-05T00:00:00Z',
  '2026-09-10T12:00:00+02:00',
  '2026-09-20T00:00:00Z',
  '2026-10-01T00:00:00Z',
]
const T = Date.parse('2026-09-02T00:00:00Z')
const VALUES = ['0', '1', '2', '2.5', '6', '12']

/** `undefined` most of the time, so that many random pairs stay compatible. */
function rarely<T>(arb: fc.Arbitrary<T>, weight = 1): fc.Arbitrary<T | undefined> {
  return fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: arb, weight })
}

const quantity = rarely(
  fc.record({
    hasUnit: fc.constantFrom('hour', 'hour', 'hour', 'one'),
    hasNumericalValue: fc.constantFrom(...VALUES),
  }),
  2,
)
const instant = rarely(fc.constantFrom(...INSTANTS))

const spec = fc.record({
  offer: fc.boolean(),
  author: fc.integer({ min: 0, max: 9 }),
  group: fc.constantFrom(GROUPS[0] as string, GROUPS[0] as string, ...GROUPS),
  resource: rarely(fc.constantFrom('https://r.example/0', 'https://r.example/1'), 6),
  tags: fc.subarray(['a', 'B', '#c', 'd']),
  action: fc.constantFrom(
    'deliverService',
    'work',
    'deliverService',
    'transfer',
    'transferAllRights',
  ),
  unitBased: fc.option(fc.boolean(), { nil: undefined }),
  resourceQuantity: quantity,
  availableQuantity: quantity,
  minimumQuantity: rarely(
    fc.record({ hasUnit: fc.constant('hour'), hasNumericalValue: fc.constantFrom('0', '1', '2') }),
  ),
  hasBeginning: instant,
  hasEnd: instant,
  published: fc.constantFrom(
    '2026-08-01T00:00:00Z',
    '2026-08-15T00:00:00Z',
    '2026-08-15T00:00:00.000Z',
  ),
  updated: instant,
  endTime: instant,
  price: fc.option(
    fc.record({
      amount: fc.constantFrom('0', '1', '5', '7.5', '30', '45'),
      currency: fc.constantFrom(...CURRENCIES),
    }),
    { nil: undefined },
  ),
})

type Spec = typeof spec extends fc.Arbitrary<infer T> ? T : never

function build(s: Spec, i: number): Proposal | undefined {
  const intent = {
    action: s.action,
    ...(s.resource === undefined ? {} : { resourceConformsTo: s.resource }),
    ...(s.resourceQuantity === undefined ? {} : { resourceQuantity: s.resourceQuantity }),
    ...(s.availableQuantity === undefined ? {} : { availableQuantity: s.availableQuantity }),
    ...(s.minimumQuantity === undefined ? {} : { minimumQuantity: s.minimumQuantity }),
    ...(s.hasBeginning === undefined ? {} : { hasBeginning: s.hasBeginning }),
    ...(s.hasEnd === undefined ? {} : { hasEnd: s.hasEnd }),
  }
  const options = {
    id: `https://t.example/p/${i}`,
    attributedTo: `https://t.example/u/${s.author}`,
    audience: s.group,
    name: `proposal ${i}`,
    published: s.published,
    tags: s.tags,
    intent,
    now: new Date('2026-08-01T00:00:00Z'),
    ...(s.unitBased === undefined ? {} : { unitBased: s.unitBased }),
    ...(s.updated === undefined ? {} : { updated: s.updated }),
    ...(s.endTime === undefined ? {} : { endTime: s.endTime }),
    ...(s.price === undefined ? {} : { price: s.price }),
  }
  try {
    return s.offer ? createOffer(options) : createRequest(options)
  } catch {
    return undefined // e.g. an endTime before published: not a proposal anyone can send
  }
}

const rate = fc.record({
  from: fc.constantFrom(...CURRENCIES.map((c) => c.id)),
  to: fc.constantFrom(...CURRENCIES.map((c) => c.id)),
  rate: fc.constantFrom('0.5', '1.5', '2', '0.333'),
})

const config = fc.record({
  rates: fc.array(rate, { maxLength: 4 }),
  visibility: fc.option(
    fc.array(fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), {
      minLength: 3,
      maxLength: 3,
    }),
    { nil: undefined },
  ),
  allowSameAuthor: fc.boolean(),
})

const op = fc.oneof(
  fc.record({ kind: fc.constant('remove' as const), index: fc.nat(40) }),
  fc.record({ kind: fc.constant('tick' as const), days: fc.integer({ min: 0, max: 4 }) }),
  fc.record({ kind: fc.constant('upsert' as const), index: fc.nat(40) }),
)

/** What a call did: its result, or the code it threw. */
function attempt<T>(fn: () => T): T | string {
  try {
    return fn()
  } catch (err) {
    if (isProtocolError(err)) return err.code
    throw err
  }
}

describe('the indexed matcher', () => {
  it('[INT-MAT-010] accepts the same candidates, scores and order as the linear reference scan on random data (property)', () => {
    let found = 0
    fc.assert(
      fc.property(
        fc.array(spec, { minLength: 12, maxLength: 30 }),
        config,
        fc.array(op, { maxLength: 12 }),
        (specs, cfg, ops) => {
          const proposals = specs.map(build).filter((p): p is Proposal => p !== undefined)
          const clock = { now: T }
          const rates: ExchangeRate[] = cfg.rates
          const options: CreateMatcherOptions = {
            now: () => clock.now,
            limit: Infinity,
            rates,
            currencies: CURRENCIES,
            allowSameAuthor: cfg.allowSameAuthor,
            ...(cfg.visibility === undefined
              ? {}
              : {
                  canSee: (viewer: Proposal, group: string) =>
                    cfg.visibility?.[GROUPS.indexOf(viewer.audience)]?.[GROUPS.indexOf(group)] ===
                    true,
                }),
          }
          const indexed = createMatcher({ ...options, strategy: 'indexed' })
          const linear = createMatcher({ ...options, strategy: 'linear' })
          for (const p of proposals) {
            expect(attempt(() => indexed.upsert(p))).toEqual(attempt(() => linear.upsert(p)))
          }
          for (const o of ops) {
            if (o.kind === 'tick') {
              clock.now += o.days * 86_400_000
              continue
            }
            const p = proposals[o.index % proposals.length]
            if (p === undefined) continue
            if (o.kind === 'remove') expect(indexed.remove(p.id)).toBe(linear.remove(p.id))
            else expect(attempt(() => indexed.upsert(p))).toEqual(attempt(() => linear.upsert(p)))
          }
          expect(indexed.size).toBe(linear.size)
          for (const p of proposals) {
            const view = (m: typeof indexed) =>
              attempt(() => m.match(p).map((c) => `${c.proposal.id} ${c.score}`))
            const result = view(indexed)
            expect(result).toEqual(view(linear))
            if (Array.isArray(result)) found += result.length
          }
        },
      ),
      { numRuns: 200 },
    )
    // The property is not vacuous: the random data yields many matches.
    expect(found).toBeGreaterThan(1000)
  })

  it('[INT-MAT-003] matches symmetrically: C is a candidate of Q exactly when Q is one of C, with the same score (property)', () => {
    fc.assert(
      fc.property(fc.array(spec, { minLength: 12, maxLength: 30 }), (specs) => {
        const matcher = createMatcher({ now: () => T, limit: Infinity, currencies: CURRENCIES })
        const held: Proposal[] = []
        for (const p of specs.map(build)) {
          if (p === undefined) continue
          const status = attempt(() => matcher.upsert(p))
          if (status === 'added' || status === 'updated') held.push(p)
        }
        const open = held.filter((p) => matcher.get(p.id) === p)
        const scores = new Map<string, string>()
        for (const q of open) {
          for (const c of matcher.match(q)) scores.set(`${q.id} ${c.proposal.id}`, c.score)
        }
        for (const [pair, score] of scores) {
          const [q, c] = pair.split(' ')
          expect(scores.get(`${c} ${q}`)).toBe(score)
        }
      }),
      { numRuns: 200 },
    )
  })
})
