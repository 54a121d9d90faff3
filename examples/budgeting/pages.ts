// Budgeting's pages: every object its events link to (a round, a bucket, an offer, a match, an
// agreement) is a page in the examples' layout, and the same URL answers with the object's JSON
// document when asked for JSON. What the tool did is kept here as it happens (`BudgetingRecords`).
import type { Match, Proposal, ResourceSpecification } from '@cta-interop/sdk'
import {
  amount,
  amountText,
  facts,
  items,
  link,
  notFound,
  objectResponse,
  htmlPage,
  section,
  when,
  type PageLink,
  type PageTool,
} from '../src/page-layout.js'
import { esc } from '../src/http.js'

/** Who did something, as an event names them. */
export interface RecordedActor {
  readonly id: string
  readonly type: string
  readonly name: string
}

/** A funding round. */
export interface RoundRecord {
  readonly id: string
  readonly name: string
  readonly by: RecordedActor
  readonly published: string
}

/** A proposal this tool published: a bucket (request) or an offer. */
export interface ProposalRecord {
  readonly proposal: Proposal
  readonly by: RecordedActor
}

/** A contribution to a bucket: an agreement. */
export interface AgreementRecord {
  readonly id: string
  readonly by: RecordedActor
  readonly amount: string
  /** The bucket it funds. */
  readonly bucket: string
  readonly published: string
}

/** What Budgeting did, by IRI: what its pages show. */
export interface BudgetingRecords {
  readonly rounds: Map<string, RoundRecord>
  readonly proposals: Map<string, ProposalRecord>
  readonly agreements: Map<string, AgreementRecord>
  /** Matches with an IRI of their own (`<origin>/matches/<n>`). */
  readonly matches: Map<string, Match>
}

/** Empty records, filled by the tool as it acts. */
export const createBudgetingRecords = (): BudgetingRecords => ({
  rounds: new Map(),
  proposals: new Map(),
  agreements: new Map(),
  matches: new Map(),
})

/** Options of {@link createBudgetingPages}. */
export interface BudgetingPagesOptions {
  readonly records: BudgetingRecords
  /** The group the tool serves (its IRI: a page at the group's authority). */
  readonly group: string
  /** The group's name, once the tool has read the group's document. */
  readonly groupName: () => Promise<string | undefined>
  /** The group's currency. */
  readonly currency: () => ResourceSpecification
  /** How much a bucket has received so far (`undefined`: not a bucket). */
  readonly funded: (bucket: string) => string | undefined
}

/** Who is signed in on the home page: a name, or why not and where to sign in. */
export type HomeSession =
  { readonly name: string } | { readonly problem: string; readonly signIn: string }

/** Budgeting's pages. */
export interface BudgetingPages {
  /** Answers the object pages (`/rounds/…`, `/buckets/…`, `/offers/…`, …); `undefined` otherwise. */
  route(request: Request): Promise<Response | undefined>
  /** The home page, with who is signed in. */
  home(request: Request, session: HomeSession, status?: number): Promise<Response>
  /** A page with a message (a refused sign-in). */
  message(request: Request, title: string, text: string, status: number): Response
}

/** A reason as a sentence: `not signed in` → `You are not signed in`. */
const sentence = (reason: string): string =>
  reason === 'not signed in'
    ? 'You are not signed in'
    : reason.charAt(0).toUpperCase() + reason.slice(1)

const PREFIXES = ['rounds', 'buckets', 'offers', 'requests', 'agreements', 'matches'] as const

/**
 * Budgeting's pages over its records. Each object page answers `GET <its IRI>` with a page in the
 * examples' layout, or with its JSON document for `Accept: application/json`; an IRI under one of
 * the tool's object paths that names nothing answers 404 with the problem `ERR_NOT_FOUND`.
 */
export function createBudgetingPages(options: BudgetingPagesOptions): BudgetingPages {
  const { records, group } = options
  const toolOf = (request: Request): PageTool => ({
    name: 'Budgeting',
    origin: new URL(request.url).origin,
  })
  const groupLink = async (): Promise<PageLink> => ({
    href: group,
    text: (await options.groupName().catch(() => undefined)) ?? 'The group',
  })
  const trail = async (tool: PageTool, ...more: PageLink[]): Promise<PageLink[]> => [
    await groupLink(),
    { href: `${tool.origin}/`, text: tool.name },
    ...more,
  ]
  const person = (a: RecordedActor): string => link(a.id, a.name)
  const money = (value: string | undefined): string =>
    value === undefined ? '<span class="empty">none</span>' : amount(value, options.currency())
  const priceOf = (p: Proposal): string | undefined =>
    p.reciprocal?.resourceQuantity?.hasNumericalValue
  const hoursOf = (p: Proposal): string | undefined => {
    const effort = p.publishes.effortQuantity
    return effort === undefined
      ? undefined
      : `${esc(effort.hasNumericalValue)} ${esc(effort.hasUnit === 'hour' ? 'hours' : effort.hasUnit)}`
  }
  const proposalName = (id: string): string => records.proposals.get(id)?.proposal.name ?? id
  const matchesOf = (id: string): Match[] =>
    [...records.matches.values()].filter((m) => m.subject === id || m.object === id)
  const matchRows = (id: string) =>
    matchesOf(id).map((m) => {
      const other = m.subject === id ? m.object : m.subject
      return [
        link(m.id ?? other, `Match with “${proposalName(other)}”`),
        `score ${esc(m.score ?? '?')} · ${when(m.published)}`,
      ] as const
    })
  /** The round a bucket was published in: the last one opened before it. */
  const roundOf = (published: string): RoundRecord | undefined =>
    [...records.rounds.values()]
      .filter((r) => Date.parse(r.published) <= Date.parse(published))
      .at(-1)

  const round = async (request: Request, r: RoundRecord): Promise<Response> => {
    const tool = toolOf(request)
    const rounds = [...records.rounds.values()]
    const next = rounds[rounds.indexOf(r) + 1]
    const buckets = [...records.proposals.values()].filter(
      (p) => p.proposal.purpose === 'request' && roundOf(p.proposal.published) === r,
    )
    return objectResponse(
      request,
      {
        id: r.id,
        type: 'Event',
        name: r.name,
        attributedTo: r.by.id,
        published: r.published,
        audience: group,
      },
      {
        tool,
        kind: 'Funding round',
        title: r.name,
        status:
          next === undefined
            ? { label: 'open', tone: 'open' }
            : { label: 'closed', tone: 'closed' },
        trail: await trail(tool),
        body:
          facts([
            ['Opened by', person(r.by)],
            ['Opened', when(r.published)],
            ['Group', link(group, (await groupLink()).text)],
            ['Currency', esc(`${options.currency().name} (${options.currency().symbol})`)],
          ]) +
          section(
            'Buckets in this round',
            items(
              buckets.map((b) => [
                link(b.proposal.id, b.proposal.name),
                `${money(options.funded(b.proposal.id))} of ${money(priceOf(b.proposal))}`,
              ]),
              'No bucket yet.',
            ),
          ),
      },
    )
  }

  const proposal = async (request: Request, record: ProposalRecord): Promise<Response> => {
    const tool = toolOf(request)
    const p = record.proposal
    const isBucket = p.purpose === 'request'
    const funded = options.funded(p.id)
    const target = priceOf(p)
    const full = funded !== undefined && target !== undefined && Number(funded) >= Number(target)
    const matched = matchesOf(p.id).length > 0
    const r = isBucket ? roundOf(p.published) : undefined
    const contributions = [...records.agreements.values()].filter((a) => a.bucket === p.id)
    const status = isBucket
      ? full
        ? { label: 'fully funded', tone: 'done' as const }
        : { label: 'open for funding', tone: 'open' as const }
      : matched
        ? { label: 'matched', tone: 'done' as const }
        : { label: 'open', tone: 'open' as const }
    return objectResponse(request, p, {
      tool,
      kind: isBucket ? 'Bucket (request)' : 'Offer',
      title: p.name,
      status,
      trail: await trail(tool, ...(r === undefined ? [] : [{ href: r.id, text: r.name }])),
      body:
        facts([
          [isBucket ? 'Target' : 'Price', money(target)],
          ['Funded so far', funded === undefined ? undefined : money(funded)],
          ['Work', hoursOf(p)],
          [isBucket ? 'Published by' : 'Offered by', person(record.by)],
          ['Published', when(p.published)],
          ['Closes', p.endTime === undefined ? undefined : when(p.endTime)],
          ['Round', r === undefined ? undefined : link(r.id, r.name)],
          ['Group', link(group, (await groupLink()).text)],
        ]) +
        (isBucket
          ? section(
              'Contributions',
              items(
                contributions.map((a) => [
                  `${person(a.by)} gave ${money(a.amount)}`,
                  `${link(a.id, 'agreement')} · ${when(a.published)}`,
                ]),
                'No contribution yet.',
              ),
            )
          : '') +
        section('Matches', items(matchRows(p.id), 'No match yet.')),
    })
  }

  const agreement = async (request: Request, a: AgreementRecord): Promise<Response> => {
    const tool = toolOf(request)
    const bucket = records.proposals.get(a.bucket)
    return objectResponse(
      request,
      {
        id: a.id,
        type: 'Agreement',
        stipulates: {
          id: `${a.id}#contribution`,
          type: 'Commitment',
          satisfies: `${a.bucket}#reciprocal`,
          action: 'transfer',
          provider: a.by.id,
          receiver: group,
          resourceConformsTo: options.currency().id,
          resourceQuantity: { hasUnit: 'one', hasNumericalValue: a.amount },
        },
        published: a.published,
      },
      {
        tool,
        kind: 'Agreement',
        title: `${a.by.name} contributes ${amountText(a.amount, options.currency())} ${options.currency().symbol}`,
        status: { label: 'accepted', tone: 'done' },
        trail: await trail(tool, { href: a.bucket, text: bucket?.proposal.name ?? 'Bucket' }),
        body: facts([
          ['Contributor', person(a.by)],
          ['Amount', money(a.amount)],
          ['To the bucket', link(a.bucket, bucket?.proposal.name ?? a.bucket)],
          ['Received by', link(group, (await groupLink()).text)],
          ['Accepted', when(a.published)],
        ]),
      },
    )
  }

  const match = async (request: Request, m: Match): Promise<Response> => {
    const tool = toolOf(request)
    const side = (id: string): string => {
      const record = records.proposals.get(id)
      if (record === undefined) return link(id, id)
      const p = record.proposal
      return `${link(p.id, p.name)} <span class="empty">— ${p.purpose === 'offer' ? 'offer' : 'bucket'} by ${esc(record.by.name)}, ${money(priceOf(p))}</span>`
    }
    return objectResponse(request, m, {
      tool,
      kind: 'Match',
      title: `“${proposalName(m.subject)}” fits “${proposalName(m.object)}”`,
      status: { label: `score ${m.score ?? '?'}`, tone: 'info' },
      trail: await trail(tool),
      body: facts([
        ['Found for', side(m.subject)],
        ['Matches', side(m.object)],
        ['Score', m.score === undefined ? undefined : esc(m.score)],
        ['Found', when(m.published)],
        ['Found by', link(`${tool.origin}/`, tool.name)],
      ]),
    })
  }

  return {
    async route(request) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return undefined
      const url = new URL(request.url)
      const [, prefix, rest] = url.pathname.split('/')
      if (
        !(PREFIXES as readonly string[]).includes(prefix ?? '') ||
        rest === undefined ||
        rest === ''
      )
        return undefined
      const id = `${url.origin}${url.pathname}`
      const r = records.rounds.get(id)
      if (r !== undefined) return round(request, r)
      const p = records.proposals.get(id)
      if (p !== undefined) return proposal(request, p)
      const a = records.agreements.get(id)
      if (a !== undefined) return agreement(request, a)
      const m = records.matches.get(id)
      if (m !== undefined) return match(request, m)
      const what: Record<string, string> = {
        rounds: 'funding round',
        buckets: 'bucket',
        requests: 'request',
        offers: 'offer',
        agreements: 'agreement',
        matches: 'match',
      }
      return notFound(request, toolOf(request), what[prefix ?? ''] ?? 'page')
    },

    async home(request, session, status = 200) {
      const tool = toolOf(request)
      const proposals = [...records.proposals.values()]
      const list = (purpose: 'offer' | 'request') =>
        items(
          proposals
            .filter((p) => p.proposal.purpose === purpose)
            .map((p) => [
              link(p.proposal.id, p.proposal.name),
              purpose === 'request'
                ? `${money(options.funded(p.proposal.id))} of ${money(priceOf(p.proposal))}`
                : `${money(priceOf(p.proposal))} · ${esc(p.by.name)}`,
            ]),
          purpose === 'request' ? 'No bucket yet.' : 'No offer yet.',
        )
      const who =
        'name' in session
          ? `<p>Signed in as ${esc(session.name)}, through the group's authority.</p>`
          : `<p>${esc(sentence(session.problem))}.</p><p>${link(session.signIn, 'Sign in with your group')}</p>`
      return htmlPage(
        {
          tool,
          title: 'Budgeting',
          trail: [await groupLink()],
          body:
            `<div class="card">${who}</div>` +
            section(
              'Funding rounds',
              items(
                [...records.rounds.values()].map((r) => [link(r.id, r.name), when(r.published)]),
                'No round yet.',
              ),
            ) +
            section('Buckets', list('request')) +
            section('Offers', list('offer')),
        },
        status,
      )
    },

    message(request, title, text, status) {
      const tool = toolOf(request)
      return htmlPage(
        {
          tool,
          title,
          status: { label: String(status), tone: 'ended' },
          trail: [{ href: `${tool.origin}/`, text: tool.name }],
          body: `<div class="card"><p>${esc(text)}</p></div>`,
        },
        status,
      )
    },
  }
}
