// A Cobudget-like budgeting tool: funding rounds and buckets. A bucket is published as a request
// (a bounty in the group's currency) and matched with offers; contributions are agreements. It
// learns the group's members from the group's authority (membership events, pulled then pushed)
// and ends a removed member's access as soon as the removal arrives.
import {
  addAmounts,
  answerHandshake,
  compareAmounts,
  createEvent,
  createInbox,
  createManifestResolver,
  createMatch,
  createMatcher,
  createMemoryDedupeStore,
  createOffer,
  createRequest,
  intentMatched,
  proposalPublished,
  pullEvents,
  signSubscriptionRequest,
  type Event,
  type Proposal,
  type ResourceSpecification,
} from '@cta-interop/sdk'
import { esc, html } from '../src/http.js'
import { LOCAL, startProducer, type Producer } from '../src/producer.js'

export const BUDGETING_EMITS = [
  'tech.collaborative.proposal.published',
  'tech.collaborative.intent.matched',
  'tech.collaborative.agreement.accepted',
  'example.budgeting.round.opened',
  'example.budgeting.bucket.funded',
] as const

/** A member acting in the tool. Sign-in is not implemented yet: see the README. */
export interface Actor {
  readonly id: string
  readonly name: string
}

/** Thrown when someone who is not an active member of the group acts. */
export class AccessDenied extends Error {
  readonly code = 'ACCESS_DENIED'
  readonly member: string
  constructor(member: string) {
    super(`${member} is not an active member of the group`)
    this.member = member
  }
}

/** A match the tool found between a bucket and an offer. */
export interface FoundMatch {
  readonly subject: string
  readonly object: string
  readonly score: string
}

interface Bucket {
  readonly proposal: Proposal
  /** The activity that published it: contributions reply to it. */
  readonly published: string
  funded: string
  done: boolean
}

/** The running budgeting tool. */
export interface Budgeting extends Pick<
  Producer,
  'origin' | 'emitted' | 'flush' | 'pending' | 'close'
> {
  /** The group's currency. */
  readonly currency: ResourceSpecification
  /** Reads the authority's membership events from its feed, then subscribes to them. */
  followAuthority(authority: string): Promise<{ pulled: number }>
  /** Whether a person may use the tool now. */
  hasAccess(member: string): boolean
  /** When each member's access ended, in ms since the epoch. */
  readonly accessEnded: ReadonlyMap<string, number>
  openRound(name: string, by: Actor): Promise<void>
  /** Publishes a bucket as a request with a target in the group's currency; returns its IRI. */
  publishBucket(options: {
    title: string
    target: string
    hours: string
    by: Actor
  }): Promise<string>
  /** Publishes an offer to do a bucket's work for a price; returns the matches found. */
  offer(options: { title: string; price: string; hours: string; by: Actor }): Promise<FoundMatch[]>
  /** A member contributes to a bucket: an agreement. Throws {@link AccessDenied} for non-members. */
  contribute(bucket: string, amount: string, by: Actor): Promise<void>
  readonly matches: readonly FoundMatch[]
}

const now = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')

export async function startBudgeting(options: {
  /** The group, held by its authority. */
  group: string
  /** Asks the group's authority whether a tool is installed. */
  isInstalled: (group: string, tool: string) => boolean | Promise<boolean>
}): Promise<Budgeting> {
  const { group } = options
  const roster = new Map<string, 'active' | 'removed'>()
  const accessEnded = new Map<string, number>()
  const buckets = new Map<string, Bucket>()
  const matches: FoundMatch[] = []
  const allowed = new Set<string>()
  const resolver = createManifestResolver(LOCAL)
  // Remembers accepted events by (source, id), so pulled and pushed membership events count once.
  // In memory here; use a PGlite or PostgreSQL store's `dedupe` so restarts do not forget.
  const dedupe = createMemoryDedupeStore()

  const onMembership = (event: Event): void => {
    const result = (
      event.data as { result?: { member?: { id?: string }; membershipStatus?: string } }
    ).result
    const member = result?.member?.id
    if (member === undefined) return
    if (result?.membershipStatus === 'active') roster.set(member, 'active')
    else {
      roster.set(member, 'removed')
      accessEnded.set(member, Date.now())
    }
  }
  const inbox = createInbox({ resolveKey: resolver.resolveKey, dedupe, onEvent: onMembership })

  const producer = await startProducer({
    name: 'Budgeting',
    emits: BUDGETING_EMITS,
    consumes: ['tech.collaborative.membership.*'],
    profiles: ['core', 'emitter', 'receiver', 'intent-exchange'],
    isInstalled: options.isInstalled,
    routes: (origin) => async (request) => {
      const path = new URL(request.url).pathname
      if (path === '/cta/inbox') {
        return (
          (await answerHandshake(request, { allowedOrigins: (o) => allowed.has(o) })) ??
          inbox(request)
        )
      }
      const bucket = buckets.get(`${origin}${path}`)
      if (bucket === undefined) return undefined
      const p = bucket.proposal
      return html(
        `<!doctype html><title>${esc(p.name)}</title><h1>${esc(p.name)}</h1>` +
          `<p>Funded ${esc(bucket.funded)} of ${esc(p.reciprocal?.resourceQuantity?.hasNumericalValue ?? '?')} HC</p>`,
      )
    },
  })
  const { origin, key } = producer
  const currency = {
    '@context': ['https://www.w3.org/ns/activitystreams', 'https://w3id.org/cta/v1'],
    id: `${group}/currencies/harbour-credit`,
    type: 'ResourceSpecification',
    name: 'Harbour Credit',
    currencyType: 'mutualCredit',
    symbol: 'HC',
    decimals: 2,
    issuer: group,
  } as const satisfies ResourceSpecification
  const skill = `${group}/skills/bike-repair`
  const matcher = createMatcher({ currencies: [currency] })
  let counter = 0
  const activity = (): string => `${origin}/activities/${++counter}`
  const person = (a: Actor) => ({ id: a.id, type: 'Person' as const, name: a.name })
  const hasAccess = (member: string): boolean => roster.get(member) === 'active'
  const guard = (by: Actor): void => {
    if (!hasAccess(by.id)) throw new AccessDenied(by.id)
  }

  async function publishAndMatch(
    proposal: Proposal,
    by: Actor,
    activityId = activity(),
  ): Promise<FoundMatch[]> {
    matcher.upsert(proposal)
    await producer.emit(
      proposalPublished(proposal, { source: origin, actor: person(by), activityId }),
    )
    const found: FoundMatch[] = []
    for (const candidate of matcher.match(proposal)) {
      const match = createMatch({
        subject: proposal.id,
        object: candidate.proposal.id,
        score: candidate.score,
        attributedTo: origin,
        published: now(),
      })
      await producer.emit(
        intentMatched(match, {
          source: origin,
          actor: { id: origin, type: 'Application', name: 'Budgeting' },
          audience: group,
          summary: `Match found: “${proposal.name}” fits “${candidate.proposal.name}”`,
          url: candidate.proposal.url ?? candidate.proposal.id,
        }),
      )
      found.push({ subject: proposal.id, object: candidate.proposal.id, score: candidate.score })
    }
    matches.push(...found)
    return found
  }

  return {
    origin,
    currency,
    emitted: producer.emitted,
    flush: producer.flush,
    pending: producer.pending,
    close: producer.close,
    matches,
    hasAccess,
    accessEnded,

    async followAuthority(authority) {
      const manifest = await resolver.manifest(authority)
      if (manifest.feed === undefined || manifest.subscriptions === undefined)
        throw new Error(`${authority} has no feed or subscriptions endpoint`)
      // 1. Catch up: members who joined before this tool was connected.
      const pulled = await pullEvents(manifest.feed, {
        group,
        key,
        resolveKey: resolver.resolveKey,
        dedupe,
        onEvent: (event) => {
          if (event.type.startsWith('tech.collaborative.membership.')) onMembership(event)
        },
        ...LOCAL,
      })
      // 2. Subscribe: every later membership event is pushed to the inbox.
      allowed.add(authority)
      const body = await signSubscriptionRequest(
        { sink: `${origin}/cta/inbox`, group, types: ['tech.collaborative.membership.*'] },
        key,
        { audience: authority },
      )
      const response = await fetch(manifest.subscriptions, {
        method: 'POST',
        headers: { 'content-type': 'application/jose' },
        body,
      })
      if (response.status !== 201)
        throw new Error(`subscribing to ${authority}: ${response.status} ${await response.text()}`)
      return { pulled: pulled.processed }
    },

    async openRound(name, by) {
      guard(by)
      const published = now()
      await producer.emit(
        createEvent(
          'example.budgeting.round.opened',
          {
            id: activity(),
            type: 'Create',
            actor: person(by),
            object: { id: `${origin}/rounds/${++counter}`, type: 'Event', name },
            summary: `${by.name} opened the funding round “${name}”`,
            published,
            url: `${origin}/rounds/${counter}`,
            audience: group,
          },
          { source: origin },
        ),
      )
    },

    async publishBucket({ title, target, hours, by }) {
      guard(by)
      const id = `${origin}/buckets/${++counter}`
      const bucket = createRequest({
        id,
        attributedTo: by.id,
        audience: group,
        name: title,
        payer: group,
        url: id,
        intent: {
          action: 'deliverService',
          resourceConformsTo: skill,
          effortQuantity: { hasUnit: 'hour', hasNumericalValue: hours },
        },
        price: { amount: target, currency },
      })
      const published = activity()
      buckets.set(id, { proposal: bucket, published, funded: '0.00', done: false })
      await publishAndMatch(bucket, by, published)
      return id
    },

    async offer({ title, price, hours, by }) {
      guard(by)
      const id = `${origin}/offers/${++counter}`
      const offer = createOffer({
        id,
        attributedTo: by.id,
        audience: group,
        name: title,
        url: id,
        intent: {
          action: 'deliverService',
          resourceConformsTo: skill,
          effortQuantity: { hasUnit: 'hour', hasNumericalValue: hours },
        },
        price: { amount: price, currency },
      })
      return publishAndMatch(offer, by)
    },

    async contribute(id, amount, by) {
      guard(by)
      const bucket = buckets.get(id)
      if (bucket === undefined) throw new Error(`no bucket ${id}`)
      bucket.funded = addAmounts(bucket.funded, amount)
      const agreement = `${origin}/agreements/${++counter}`
      const published = now()
      await producer.emit(
        createEvent(
          'tech.collaborative.agreement.accepted',
          {
            id: activity(),
            type: 'Accept',
            actor: person(by),
            object: {
              id: agreement,
              type: 'Agreement',
              stipulates: {
                id: `${agreement}#contribution`,
                type: 'Commitment',
                satisfies: `${id}#reciprocal`,
                action: 'transfer',
                provider: by.id,
                receiver: group,
                resourceConformsTo: currency.id,
                resourceQuantity: { hasUnit: 'one', hasNumericalValue: amount },
              },
            },
            inReplyTo: bucket.published,
            summary: `${by.name} contributed ${amount} HC to “${bucket.proposal.name}”`,
            published,
            url: id,
            audience: group,
          },
          { source: origin },
        ),
      )
      const target = bucket.proposal.reciprocal?.resourceQuantity?.hasNumericalValue ?? '0'
      if (!bucket.done && compareAmounts(bucket.funded, target) >= 0) {
        bucket.done = true
        await producer.emit(
          createEvent(
            'example.budgeting.bucket.funded',
            {
              id: activity(),
              type: 'Update',
              actor: { id: origin, type: 'Application', name: 'Budgeting' },
              object: { id, type: 'Document', name: bucket.proposal.name },
              summary: `“${bucket.proposal.name}” is fully funded (${bucket.funded} HC)`,
              published: now(),
              url: id,
              audience: group,
            },
            { source: origin },
          ),
        )
      }
    },
  }
}
