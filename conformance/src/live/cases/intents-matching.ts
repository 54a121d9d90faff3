/**
 * Intent Exchange, matching: the suite casts offers and requests into the session's group as its
 * own tool, then asks the tool (control action `matches`) which counterparts its matcher finds for
 * a query, best first. Every scenario uses a resource and hashtags of its own, so nothing else the
 * tool holds can be a candidate; each one fails for the rule it names.
 */
import {
  createOffer,
  createRequest,
  proposalClosed,
  proposalPublished,
  proposalUpdated,
  type Proposal,
  type ProposalIntentOptions,
} from '@cta-interop/sdk'
import type { LiveCase, LiveContext } from '../case.js'
import { check, Untested } from '../case.js'
import { postToInbox, sessionGroup, signValid, type InboxAnswer } from './suite-events.js'

let sent = 0

/** Casts a proposal into the tool's inbox: `proposal.published`, or `updated` for a new version. */
export async function cast(
  ctx: LiveContext,
  proposal: Proposal,
  as: 'published' | 'updated' | 'closed' = 'published',
): Promise<{ event: { id: string }; answer: InboxAnswer }> {
  const options = {
    source: ctx.peer.origin,
    actor: { id: proposal.attributedTo, type: 'Person' as const, name: 'A member of the suite' },
    activityId: `${ctx.peer.origin}/activities/intent-${Date.now()}-${++sent}`,
  }
  const event =
    as === 'published'
      ? proposalPublished(proposal, options)
      : as === 'updated'
        ? proposalUpdated(proposal, options)
        : proposalClosed(proposal, { ...options, reason: 'withdrawn' })
  const answer = await postToInbox(ctx, await signValid(structuredClone(event), ctx.peer.key))
  return { event, answer }
}

/** One candidate the tool's matcher found, as the `matches` action reports it. */
interface Found {
  readonly object: string
  readonly score: string
}

/** What the tool's matcher finds now for `query`, best first (control action `matches`). */
async function matchesOf(ctx: LiveContext, query: Proposal): Promise<Found[]> {
  if (ctx.control === undefined || ctx.session === undefined) {
    throw new Untested('needs the control API')
  }
  const { matches } = await ctx.control.act(ctx.session, 'matches', { proposal: query })
  if (!Array.isArray(matches)) throw new Error('the matches action returned no "matches" array')
  return matches.map((m: { object?: unknown; score?: unknown }) => ({
    object: String(m.object),
    score: String(m.score),
  }))
}

/** A time `seconds` from now, as RFC 3339 with whole seconds. */
const at = (seconds: number, from = Date.now()) =>
  new Date(Math.floor(from / 1000) * 1000 + seconds * 1000).toISOString().replace(/\.000Z$/, 'Z')

/** The shape of a proposal in a scenario; every IRI and hashtag is made unique per run. */
interface Shape {
  readonly purpose: 'offer' | 'request'
  /** `x`: the scenario's resource (the default); `y`: another one; `none`: no resource. */
  readonly resource?: 'x' | 'y' | 'none'
  /** Hashtag names, each prefixed with the scenario's unique prefix (its case kept). */
  readonly tags?: readonly string[]
  readonly action?: ProposalIntentOptions['action']
  readonly effort?: readonly [value: string, unit: string]
  readonly available?: readonly [value: string, unit: string]
  readonly minimum?: readonly [value: string, unit: string]
  /** Hours after the scenario's base time (tomorrow). */
  readonly window?: readonly [begin: number, end: number]
  readonly unitBased?: boolean
  /** What it asks or gives in return: `currency` `a` (default) or `b`, unit `one` by default. */
  readonly price?: {
    readonly amount: string
    readonly currency?: 'a' | 'b'
    readonly unit?: string
    readonly action?: ProposalIntentOptions['action']
  }
  /** Seconds before now (default 120). */
  readonly age?: number
  /** Its id is `<scenario>/tie<suffix>` instead of `<scenario>/<name>` (ids differ only there). */
  readonly suffix?: string
  /** Cast into a group the tool does not serve instead of the session's. */
  readonly elsewhere?: boolean
}

interface Scenario {
  readonly name: string
  readonly query: Shape
  readonly candidates: Readonly<Record<string, Shape>>
  /** The candidates the tool must return, in order; with the score when the case checks it. */
  readonly expect: readonly (string | readonly [name: string, score: string])[]
}

let runs = 0

/** Builds a scenario's proposals: unique ids, resources, currencies and hashtags. */
function build(ctx: LiveContext, s: Scenario) {
  const base = `${ctx.peer.origin}/intents/${Date.now().toString(36)}${++runs}-${s.name}`
  const prefix = `c${Date.now().toString(36)}${runs}`
  const tomorrow = Math.floor(Date.now() / 3_600_000 + 24) * 3_600_000
  const hour = (h: number) => new Date(tomorrow + h * 3_600_000).toISOString()
  const make = (name: string, shape: Shape): Proposal => {
    const id = shape.suffix === undefined ? `${base}/${name}` : `${base}/tie${shape.suffix}`
    const q = (v: readonly [string, string] | undefined) =>
      v === undefined ? undefined : { hasNumericalValue: v[0], hasUnit: v[1] }
    const intent: Record<string, unknown> = { action: shape.action ?? 'deliverService' }
    if ((shape.resource ?? 'x') !== 'none') {
      intent['resourceConformsTo'] = `${base}/resource-${shape.resource ?? 'x'}`
    }
    for (const [key, value] of [
      ['effortQuantity', q(shape.effort)],
      ['availableQuantity', q(shape.available)],
      ['minimumQuantity', q(shape.minimum)],
      ['hasBeginning', shape.window === undefined ? undefined : hour(shape.window[0])],
      ['hasEnd', shape.window === undefined ? undefined : hour(shape.window[1])],
    ] as const) {
      if (value !== undefined) intent[key] = value
    }
    const options = {
      id,
      attributedTo: `${ctx.peer.origin}/u/${shape.purpose === 'offer' ? 'offerer' : 'requester'}`,
      audience:
        shape.elsewhere === true ? `${ctx.peer.origin}/groups/elsewhere` : sessionGroup(ctx),
      name: `Conformance ${shape.purpose} ${name}`,
      published: at(-(shape.age ?? 120)),
      intent: intent as unknown as ProposalIntentOptions,
      ...(shape.tags === undefined ? {} : { tags: shape.tags.map((t) => `${prefix}${t}`) }),
      ...(shape.unitBased === undefined ? {} : { unitBased: shape.unitBased }),
      ...(shape.price === undefined
        ? {}
        : {
            reciprocal: {
              action: shape.price.action ?? 'transfer',
              resourceConformsTo: `${base}/currency-${shape.price.currency ?? 'a'}`,
              resourceQuantity: {
                hasUnit: shape.price.unit ?? 'one',
                hasNumericalValue: shape.price.amount,
              },
            },
          }),
    }
    return shape.purpose === 'offer' ? createOffer(options) : createRequest(options)
  }
  const candidates = Object.entries(s.candidates).map(([name, shape]) => ({
    name,
    proposal: make(name, shape),
  }))
  return { query: make('query', s.query), candidates }
}

/** Casts each candidate (each must be accepted), asks for the query's matches, compares. */
async function runScenarios(
  ctx: LiveContext,
  scenarios: readonly Scenario[],
  scored: boolean,
): Promise<{ expected: unknown; actual: unknown }> {
  const expected: Record<string, unknown> = {}
  const actual: Record<string, unknown> = {}
  for (const s of scenarios) {
    const { query, candidates } = build(ctx, s)
    for (const c of candidates) {
      const { answer } = await cast(ctx, c.proposal)
      check(
        answer.status === 202,
        `${s.name}: the inbox answered ${answer.status} to the valid proposal "${c.name}"`,
        { [c.name]: 202 },
        { [c.name]: answer },
      )
    }
    const idOf = new Map(candidates.map((c) => [c.proposal.id, c.name]))
    const found = await matchesOf(ctx, query)
    const want = s.expect.map((e) => (typeof e === 'string' ? [e] : e).join(' '))
    const got = found.map((f) => {
      const name = idOf.get(f.object) ?? f.object
      const wanted = s.expect.find((e) => typeof e !== 'string' && e[0] === name)
      return scored || wanted !== undefined ? `${name} ${f.score}` : name
    })
    expected[s.name] = want
    actual[s.name] = got
    check(
      JSON.stringify(got) === JSON.stringify(want),
      `${s.name}: the tool matched [${got.join(', ')}], expected [${want.join(', ')}]`,
      expected,
      actual,
    )
  }
  return { expected, actual }
}

/** A request for 6 hours of the scenario's resource, the query of most scenarios. */
const request: Shape = { purpose: 'request', effort: ['6', 'hour'] }
/** A fitting offer: the same resource and action, no quantity, no price. */
const fits: Shape = { purpose: 'offer' }

const COMPATIBLE: readonly Scenario[] = [
  {
    name: 'resource',
    query: request,
    candidates: { same: fits, other: { ...fits, resource: 'y' } },
    expect: ['same'],
  },
  {
    name: 'hashtag',
    query: { ...request, tags: ['bikes'] },
    candidates: {
      shared: { ...fits, resource: 'y', tags: ['BIKES'] },
      unshared: { ...fits, resource: 'y', tags: ['boats'] },
    },
    expect: ['shared'],
  },
  {
    name: 'action',
    query: request,
    candidates: { work: { ...fits, action: 'work' }, transfer: { ...fits, action: 'transfer' } },
    expect: ['work'],
  },
  {
    name: 'unit',
    query: request,
    candidates: {
      days: { ...fits, effort: ['6', 'day'] },
      hours: { ...fits, effort: ['6', 'hour'] },
    },
    expect: ['hours'],
  },
  {
    name: 'range',
    query: { ...request, minimum: ['4', 'hour'] },
    candidates: {
      three: { ...fits, available: ['3', 'hour'] },
      four: { ...fits, available: ['4', 'hour'] },
    },
    expect: ['four'],
  },
  {
    name: 'window',
    query: { ...request, window: [0, 2] },
    candidates: {
      touching: { ...fits, window: [2, 4] },
      after: { ...fits, window: [2.001, 4] },
    },
    expect: ['touching'],
  },
  {
    name: 'visible',
    query: request,
    candidates: { here: fits },
    expect: ['here'],
  },
  {
    name: 'invisible',
    query: { ...request, elsewhere: true },
    candidates: { here: fits },
    expect: [],
  },
]

const PRICES: readonly Scenario[] = [
  {
    name: 'budget',
    query: { ...request, price: { amount: '30' } },
    candidates: {
      hourly: {
        ...fits,
        available: ['12', 'hour'],
        effort: ['1', 'hour'],
        unitBased: true,
        price: { amount: '1.00' },
      },
      dear: {
        ...fits,
        available: ['12', 'hour'],
        effort: ['1', 'hour'],
        unitBased: true,
        price: { amount: '6' },
      },
      whole: { ...fits, price: { amount: '30.00' } },
    },
    expect: ['hourly', 'whole'],
  },
  {
    name: 'exact',
    query: { ...request, price: { amount: '100000000000000000000' } },
    candidates: {
      equal: { ...fits, price: { amount: '100000000000000000000.0' } },
      above: { ...fits, price: { amount: '100000000000000000001' } },
    },
    expect: ['equal'],
  },
  {
    name: 'price-unit',
    query: { ...request, price: { amount: '30' } },
    candidates: {
      hour: { ...fits, price: { amount: '1', unit: 'hour' } },
      action: { ...fits, price: { amount: '1', action: 'deliverService' } },
      one: { ...fits, price: { amount: '1' } },
    },
    expect: ['one'],
  },
  {
    name: 'currency',
    query: { ...request, price: { amount: '30' } },
    candidates: {
      other: { ...fits, price: { amount: '1', currency: 'b' } },
      same: { ...fits, price: { amount: '1', currency: 'a' } },
    },
    expect: ['same'],
  },
]

const ORDER: readonly Scenario[] = [
  {
    name: 'order',
    query: { ...request, tags: ['a', 'b'], price: { amount: '30' } },
    candidates: {
      // (2 × 1/3 + 1 + 1) ÷ 4 = 2/3: truncated, not rounded.
      third: { ...fits, resource: 'y', tags: ['A', 'c'] },
      // q = 3 of the 6 hours: (2 + 0.5 + 1) ÷ 4.
      half: { ...fits, available: ['3', 'hour'] },
      // The spec's example: 6 hours at 1.00 an hour for a 30 bounty.
      example: {
        ...fits,
        available: ['12', 'hour'],
        effort: ['1', 'hour'],
        unitBased: true,
        price: { amount: '1.00' },
      },
      // Score 1, published last: then by id, by code point (U+FF01 before U+1F600; UTF-16 code
      // units would put the emoji's surrogates first).
      late1: { ...fits, age: 30, suffix: '-\uFF01' },
      late2: { ...fits, age: 30, suffix: '-\u{1F600}' },
      // Score 1, published first.
      early: { ...fits, age: 90 },
    },
    expect: [
      ['early', '1'],
      ['late1', '1'],
      ['late2', '1'],
      ['example', '0.975'],
      ['half', '0.875'],
      ['third', '0.666666'],
    ],
  },
]

/** Whether the tool's matcher returns `id` for `query` now. */
async function matched(ctx: LiveContext, query: Proposal, id: string): Promise<boolean> {
  return (await matchesOf(ctx, query)).some((m) => m.object === id)
}

export const INTENT_MATCHING_CASES: readonly LiveCase[] = [
  {
    id: 'live.intent-exchange.matches-only-compatible',
    title:
      'The tool matches a proposal only with mutually visible counterparts about the same resource or hashtag, with compatible actions and units, overlapping ranges and windows',
    requirements: ['INT-MAT-003', 'INT-MAT-004', 'INT-MAT-005', 'INT-MAT-006', 'INT-MAT-007'],
    profile: 'intent-exchange',
    level: 'MUST',
    actions: ['matches'],
    run: (ctx) => runScenarios(ctx, COMPATIBLE, false),
  },
  {
    id: 'live.intent-exchange.matches-within-budget',
    title:
      'The tool matches an offer and a request only when the cost is within the budget, compared exactly in the same price unit, and never across currencies without a rate',
    requirements: ['INT-MAT-008', 'INT-AMT-002', 'INT-AMT-005'],
    profile: 'intent-exchange',
    level: 'MUST',
    actions: ['matches'],
    run: (ctx) => runScenarios(ctx, PRICES, false),
  },
  {
    id: 'live.intent-exchange.orders-candidates',
    title:
      'The tool orders candidates by their exact truncated score, then earliest published, then id by code point',
    requirements: ['INT-MAT-009', 'INT-MAT-010'],
    profile: 'intent-exchange',
    level: 'MUST',
    actions: ['matches'],
    run: (ctx) => runScenarios(ctx, ORDER, true),
  },
  {
    id: 'live.intent-exchange.never-matches-closed',
    title:
      'The tool never matches a proposal once it expired or closed, never lets an older version replace a newer one, and matches again a later version',
    requirements: ['INT-MAT-001', 'INT-LIFE-002', 'INT-PROP-003'],
    profile: 'intent-exchange',
    level: 'MUST',
    actions: ['matches'],
    async run(ctx) {
      const { query, candidates } = build(ctx, {
        name: 'lifecycle',
        query: request,
        candidates: { expiring: fits, closing: fits, versioned: fits },
        expect: [],
      })
      const [expiring, closing, versioned] = candidates.map((c) => c.proposal) as [
        Proposal,
        Proposal,
        Proposal,
      ]
      const steps: { step: string; requirement: string; matched: boolean; expected: boolean }[] = []
      const send = async (p: Proposal, as: 'published' | 'updated' | 'closed', what: string) => {
        const { answer } = await cast(ctx, p, as)
        check(
          answer.status === 202,
          `the inbox answered ${answer.status} to ${what}`,
          { [what]: 202 },
          { [what]: answer },
        )
      }
      const expect = async (id: string, expected: boolean, step: string, requirement: string) => {
        const now = await matched(ctx, query, id)
        steps.push({ step, requirement, matched: now, expected })
        check(
          now === expected,
          `${requirement}: ${step}: the proposal was ${now ? '' : 'not '}matched`,
          steps.map((s) => ({ ...s, matched: s.expected })),
          steps,
        )
      }
      const version = (p: Proposal, seconds: number, changes: Partial<Proposal> = {}) =>
        ({ ...structuredClone(p), updated: at(-seconds), ...changes }) as Proposal

      // Expires 3 seconds from now; checked last, after the other steps.
      const ends = Math.floor(Date.now() / 1000) * 1000 + 4000
      const soon = { ...structuredClone(expiring), endTime: new Date(ends).toISOString() }
      await send(soon, 'published', 'an offer that expires in a few seconds')
      await expect(soon.id, true, 'an offer open until a few seconds from now', 'INT-MAT-001')

      await send(closing, 'published', 'an offer')
      await expect(closing.id, true, 'an open offer', 'INT-LIFE-002')
      await send(closing, 'closed', 'its proposal.closed')
      await expect(closing.id, false, 'after its proposal.closed', 'INT-LIFE-002')
      await send(closing, 'published', 'its closed version, delivered again')
      await expect(closing.id, false, 'its closed version, delivered again', 'INT-PROP-003')
      await send(version(closing, 60), 'updated', 'a later version of it')
      await expect(closing.id, true, 'a later version after the close', 'INT-LIFE-002')

      const days = { effortQuantity: { hasNumericalValue: '6', hasUnit: 'day' } }
      const v2 = version(versioned, 60, { publishes: { ...versioned.publishes, ...days } })
      await send(versioned, 'published', 'an offer')
      await expect(versioned.id, true, 'version 1 (fits)', 'INT-PROP-003')
      await send(v2, 'updated', 'version 2, in days')
      await expect(versioned.id, false, 'version 2, in days (does not fit)', 'INT-PROP-003')
      await send(versioned, 'published', 'version 1, delivered late')
      await expect(versioned.id, false, 'version 1 delivered after version 2', 'INT-PROP-003')
      const v2b = version(versioned, 60, { updated: v2.updated ?? at(-60) })
      await send(v2b, 'updated', 'version 2 again, in hours')
      await expect(versioned.id, true, 'a version as recent as the one held', 'INT-PROP-003')

      await new Promise((resolve) => setTimeout(resolve, Math.max(0, ends - Date.now() + 250)))
      await expect(soon.id, false, 'the same offer after its endTime', 'INT-MAT-001')
      return { expected: steps.map((s) => ({ ...s, matched: s.expected })), actual: steps }
    },
  },
]
