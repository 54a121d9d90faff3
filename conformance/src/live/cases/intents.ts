/**
 * Intent Exchange: the suite is an intent peer in the session's group. It makes the tool cast a
 * request, reads it from its subscription, answers with an offer that fits it, and expects the
 * tool's match; then it casts proposals the tool must refuse (expired, a version by another author).
 */
import {
  CONTEXT,
  createMatcher,
  createOffer,
  proposalPublished,
  verifyEvent,
  type Event,
  type Proposal,
  type ResourceSpecification,
} from '@cta-interop/sdk'
import type { LiveCase, LiveContext } from '../case.js'
import { CaseFailure, check, Untested, waitUntil } from '../case.js'
import { subscribe } from './emitter.js'
import { cast, INTENT_MATCHING_CASES } from './intents-matching.js'
import {
  expectNotObserved,
  expectRejection,
  headerOf,
  postToInbox,
  signRaw,
} from './suite-events.js'

const requests = new WeakMap<LiveContext, Promise<{ request: Proposal; event: Event }>>()

/** Verified events delivered to the suite since `from`, oldest first. */
async function delivered(ctx: LiveContext, from: number): Promise<Event[]> {
  const out: Event[] = []
  for (const d of ctx.peer.deliveries.slice(from)) {
    try {
      out.push((await verifyEvent(d.body, { resolveKey: ctx.resolveKey })).event)
    } catch {
      // Deliveries that do not verify are the emitter cases' business.
    }
  }
  return out
}

/** Makes the tool cast a request into the session's group; returns it as delivered. */
function castRequest(ctx: LiveContext) {
  let pending = requests.get(ctx)
  if (pending === undefined) {
    pending = (async () => {
      const subscription = await subscribe(ctx)
      check(
        subscription.status === 201,
        `subscribing was answered ${subscription.status}`,
        { status: 201 },
        subscription,
      )
      if (ctx.control === undefined || ctx.session === undefined)
        throw new Untested('needs the control API')
      const from = ctx.peer.deliveries.length
      const { id } = await ctx.control.act(ctx.session, 'publish-request')
      if (typeof id !== 'string') throw new Error('publish-request returned no id')
      const event = await waitUntil(async () => {
        const events = await delivered(ctx, from)
        return events.find(
          (e) =>
            e.type === 'tech.collaborative.proposal.published' &&
            (e.data as { object?: { id?: string } }).object?.id === id,
        )
      }, ctx.patience)
      check(
        event !== undefined,
        `no proposal.published for ${id} within ${ctx.patience} ms`,
        { published: id },
        { published: null },
      )
      return {
        request: (event?.data as unknown as { object: Proposal }).object,
        event: event as Event,
      }
    })()
    requests.set(ctx, pending)
  }
  return pending
}

let offers = 0

/** An offer by a member of the suite that fits `request`: same service, same currency and price. */
function offerFor(
  ctx: LiveContext,
  request: Proposal,
  changes: { endTime?: string; published?: string; author?: string; id?: string } = {},
): Proposal {
  const amount = request.reciprocal?.resourceQuantity?.hasNumericalValue ?? '1'
  const currency: ResourceSpecification = {
    '@context': ['https://www.w3.org/ns/activitystreams', 'https://w3id.org/cta/v1'],
    id: request.reciprocal?.resourceConformsTo ?? `${ctx.peer.origin}/currency`,
    type: 'ResourceSpecification',
    name: 'The request’s currency',
    currencyType: 'mutualCredit',
    symbol: '¤',
    decimals: amount.split('.')[1]?.length ?? 0,
  }
  const id = changes.id ?? `${ctx.peer.origin}/offers/${++offers}`
  const offer = createOffer({
    id,
    attributedTo: changes.author ?? `${ctx.peer.origin}/u/offerer`,
    audience: request.audience,
    name: 'A conformance offer',
    url: id,
    intent: {
      action: request.publishes.action,
      resourceConformsTo: request.publishes.resourceConformsTo ?? `${ctx.peer.origin}/skill`,
      ...(request.publishes.effortQuantity === undefined
        ? {}
        : { effortQuantity: request.publishes.effortQuantity }),
    },
    price: { amount, currency },
  })
  if (changes.endTime === undefined && changes.published === undefined) return offer
  // Dates the SDK's constructor would refuse (an expired offer): changed after it validated.
  return {
    ...structuredClone(offer),
    ...(changes.published === undefined ? {} : { published: changes.published }),
    ...(changes.endTime === undefined ? {} : { endTime: changes.endTime }),
  }
}

/** A `proposal.published` event of `proposal` from the suite, changed by `change`, as sent. */
async function castChanged(
  ctx: LiveContext,
  proposal: Proposal,
  change: (object: Record<string, unknown>) => void,
) {
  const event = structuredClone(
    proposalPublished(proposal, {
      source: ctx.peer.origin,
      actor: { id: proposal.attributedTo, type: 'Person', name: 'An offerer' },
      activityId: `${ctx.peer.origin}/activities/offer-${Date.now()}-${++offers}`,
    }),
  ) as unknown as Record<string, unknown> & { id: string }
  change((event['data'] as { object: Record<string, unknown> }).object)
  // Signed as it is: the SDK's signer would refuse to sign an event that does not validate.
  const jws = await signRaw(headerOf(ctx.peer.key), JSON.stringify(event), ctx.peer.key)
  const answer = await postToInbox(ctx, jws)
  return { event, answer }
}

const ago = (seconds: number) =>
  new Date(Date.now() - seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')

export const INTENT_CASES: readonly LiveCase[] = [
  {
    id: 'live.intent-exchange.casts-request',
    title: 'A request the tool casts arrives as proposal.published, its intents named by fragment',
    requirements: ['INT-LIFE-001', 'INT-PROP-001'],
    profile: 'intent-exchange',
    level: 'MUST',
    actions: ['publish-request'],
    async run(ctx) {
      const { request } = await castRequest(ctx)
      const expected = {
        primary: `${request.id}#primary`,
        reciprocal: `${request.id}#reciprocal`,
        fragmentFree: true,
      }
      const actual = {
        primary: request.publishes.id,
        reciprocal: request.reciprocal?.id,
        fragmentFree: !request.id.includes('#'),
      }
      check(
        actual.primary === expected.primary &&
          actual.reciprocal === expected.reciprocal &&
          actual.fragmentFree,
        'the proposal’s intents are not <id>#primary and <id>#reciprocal',
        expected,
        actual,
      )
      return { expected, actual }
    },
  },
  {
    id: 'live.intent-exchange.matches-offer',
    title: 'An offer that fits the tool’s request is accepted and matches it',
    requirements: ['INT-MAT-002'],
    profile: 'intent-exchange',
    level: 'MUST',
    actions: ['publish-request'],
    async run(ctx) {
      const { request } = await castRequest(ctx)
      const from = ctx.peer.deliveries.length
      const offer = offerFor(ctx, request)
      const { answer } = await cast(ctx, offer)
      check(
        answer.status === 202,
        `the inbox answered ${answer.status} to a fitting offer`,
        { status: 202 },
        answer,
      )
      const match = await waitUntil(async () => {
        const events = await delivered(ctx, from)
        return events.find((e) => {
          if (e.type !== 'tech.collaborative.intent.matched') return false
          const m = (e.data as { object?: { subject?: string; object?: string } }).object
          const ids = [m?.subject, m?.object]
          return ids.includes(request.id) && ids.includes(offer.id)
        })
      }, ctx.patience)
      const expected = { matched: [request.id, offer.id] }
      check(
        match !== undefined,
        `no intent.matched naming both within ${ctx.patience} ms`,
        expected,
        { matched: null },
      )
      return { expected, actual: { matched: [request.id, offer.id], event: match?.id } }
    },
  },
  {
    id: 'live.intent-exchange.rejects-expired',
    title: 'An offer that has already expired is refused with ERR_PROPOSAL_EXPIRED',
    requirements: ['INT-PROP-002'],
    profile: 'intent-exchange',
    level: 'MUST',
    actions: ['publish-request'],
    async run(ctx) {
      const { request } = await castRequest(ctx)
      const offer = offerFor(ctx, request, { published: ago(7200), endTime: ago(3600) })
      const { event, answer } = await cast(ctx, offer)
      const result = expectRejection(answer, 'ERR_PROPOSAL_EXPIRED')
      await expectNotObserved(ctx, event.id)
      return result
    },
  },
  {
    id: 'live.intent-exchange.rejects-other-author',
    title: 'A new version of an offer by another author is refused with ERR_PROPOSAL_CONFLICT',
    requirements: ['INT-PROP-004'],
    profile: 'intent-exchange',
    level: 'MUST',
    actions: ['publish-request'],
    async run(ctx) {
      const { request } = await castRequest(ctx)
      const first = offerFor(ctx, request)
      const accepted = await cast(ctx, first)
      check(
        accepted.answer.status === 202,
        `the first version was answered ${accepted.answer.status}`,
        { status: 202 },
        accepted.answer,
      )
      const takeover = {
        ...offerFor(ctx, request, { id: first.id, author: `${ctx.peer.origin}/u/someone-else` }),
        updated: new Date(Date.now() + 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      } as Proposal
      const { event, answer } = await cast(ctx, takeover)
      const result = expectRejection(answer, 'ERR_PROPOSAL_CONFLICT')
      await expectNotObserved(ctx, event.id)
      return result
    },
  },
  {
    id: 'live.intent-exchange.reports-match',
    title:
      'The tool matches a new offer with its request and reports the offer as subject, the request as object, the exact score, in their group',
    requirements: ['INT-MAT-011'],
    profile: 'intent-exchange',
    level: 'MUST',
    actions: ['publish-request'],
    async run(ctx) {
      const { request } = await castRequest(ctx)
      // The suite's own matcher (its SDK, never the tool's) scores the pair.
      const oracle = createMatcher({ limit: Infinity })
      oracle.upsert({ ...request, '@context': [...CONTEXT] })
      const from = ctx.peer.deliveries.length
      const offer = offerFor(ctx, request)
      const score = oracle.match(offer).find((c) => c.proposal.id === request.id)?.score
      if (score === undefined) throw new Error('the suite’s offer does not fit the tool’s request')
      const { answer } = await cast(ctx, offer)
      check(answer.status === 202, `the inbox answered ${answer.status}`, { status: 202 }, answer)
      const expected = {
        subject: offer.id,
        object: request.id,
        score,
        audience: request.audience,
      }
      const event = await waitUntil(async () => {
        const events = await delivered(ctx, from)
        return events.find((e) => {
          if (e.type !== 'tech.collaborative.intent.matched') return false
          const m = (e.data as { object?: { subject?: string; object?: string } }).object
          return [m?.subject, m?.object].includes(offer.id)
        })
      }, ctx.patience)
      const data = event?.data as
        | { audience?: string; object?: { subject?: string; object?: string; score?: string } }
        | undefined
      const actual = {
        subject: data?.object?.subject,
        object: data?.object?.object,
        score: data?.object?.score,
        audience: data?.audience,
      }
      check(
        JSON.stringify(actual) === JSON.stringify(expected),
        event === undefined
          ? `no intent.matched naming the new offer within ${ctx.patience} ms`
          : 'the reported match is not the offer’s match with the request, its score, in its group',
        expected,
        actual,
      )
      return { expected, actual }
    },
  },
  {
    id: 'live.intent-exchange.refuses-bad-amounts',
    title:
      'The tool refuses an offer whose amount is not a decimal string, or needs more fraction digits than its currency',
    requirements: ['INT-AMT-001', 'INT-AMT-003'],
    profile: 'intent-exchange',
    level: 'MUST',
    actions: ['publish-request'],
    async run(ctx) {
      const { request } = await castRequest(ctx)
      // The tool prices its request in this currency, so it has its metadata; it writes amounts
      // with exactly the currency's decimals (INT-AMT-003), so one more digit is too precise.
      const amount = request.reciprocal?.resourceQuantity?.hasNumericalValue
      if (amount === undefined) throw new Untested('the tool’s request states no price')
      const [whole, fraction = ''] = amount.split('.')
      const precise = `${whole}.${'0'.repeat(fraction.length)}1`
      const bad: readonly [unknown, string][] = [
        ['1e3', 'ERR_SCHEMA_INVALID'],
        ['-1', 'ERR_SCHEMA_INVALID'],
        ['1,5', 'ERR_SCHEMA_INVALID'],
        ['007', 'ERR_SCHEMA_INVALID'],
        ['NaN', 'ERR_SCHEMA_INVALID'],
        [5, 'ERR_SCHEMA_INVALID'],
        ['1'.repeat(31), 'ERR_SCHEMA_INVALID'],
        ['1'.repeat(10_000), 'ERR_SCHEMA_INVALID'],
        [precise, 'ERR_AMOUNT_PRECISION'],
      ]
      const expected: Record<string, unknown> = {}
      const actual: Record<string, unknown> = {}
      for (const [value, code] of bad) {
        const label = String(value).slice(0, 40)
        const { event, answer } = await castChanged(ctx, offerFor(ctx, request), (object) => {
          const reciprocal = object['reciprocal'] as {
            resourceQuantity: { hasNumericalValue: unknown }
          }
          reciprocal.resourceQuantity.hasNumericalValue = value
        })
        const result = expectRejectionOf(answer, code, label, expected, actual)
        await expectNotObserved(ctx, event.id)
        expected[label] = result.expected
        actual[label] = result.actual
      }
      return { expected, actual }
    },
  },
  ...INTENT_MATCHING_CASES,
]

/** {@link expectRejection} for one of several values, failing with all seen so far. */
function expectRejectionOf(
  answer: Parameters<typeof expectRejection>[0],
  code: string,
  label: string,
  expected: Record<string, unknown>,
  actual: Record<string, unknown>,
) {
  try {
    return expectRejection(answer, code)
  } catch (err) {
    if (!(err instanceof CaseFailure)) throw err
    throw new CaseFailure(
      `the amount ${JSON.stringify(label)}: ${err.message}`,
      { ...expected, [label]: err.expected },
      { ...actual, [label]: err.actual },
    )
  }
}
