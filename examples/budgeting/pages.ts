// Budgeting's pages: every object its events link to (a round, a bucket, a contribution, an
// allocation, a task, an offer or request, a match) is a page in the examples' layout, and the same
// URL answers with the object's JSON document when asked for JSON. A round's allocations are
// also one JSON list at `<round>/allocations`, so that another tool can compute the round's
// balances (no event carries an allocation). What the tool did is kept here as it happens.
import type { Match, Proposal, ResourceSpecification, RoundState } from '@cta-interop/sdk'
import {
  amount,
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
import type { BucketRecord, RoundRecords } from './rounds.js'
import type { TaskRecord } from './tasks.js'

/** Who did something, as an event names them. */
export interface RecordedActor {
  readonly id: string
  readonly type: string
  readonly name: string
}

/** A proposal this tool published: a bucket's request or an offer. */
export interface ProposalRecord {
  readonly proposal: Proposal
  readonly by: RecordedActor
}

/** What Budgeting did, by IRI: what its pages show. */
export interface BudgetingRecords extends RoundRecords {
  readonly proposals: Map<string, ProposalRecord>
  /** Matches with an IRI of their own (`<origin>/matches/<n>`). */
  readonly matches: Map<string, Match>
  readonly tasks: Map<string, TaskRecord>
}

/** Empty records, filled by the tool as it acts. */
export const createBudgetingRecords = (): BudgetingRecords => ({
  rounds: new Map(),
  buckets: new Map(),
  contributions: new Map(),
  proposals: new Map(),
  matches: new Map(),
  tasks: new Map(),
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
  /** A round's state (balances, each bucket's total and status), computed from its documents. */
  readonly state: (round: string) => RoundState | undefined
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

const PREFIXES = [
  'rounds',
  'buckets',
  'offers',
  'requests',
  'contributions',
  'allocations',
  'tasks',
  'matches',
] as const

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
  const member = (id: string): string => link(id, nameOf(id))
  /** A member's name, as an action of theirs recorded it. */
  const nameOf = (id: string): string =>
    [...records.contributions.values()].find((c) => c.by.id === id)?.by.name ??
    [...records.proposals.values()].find((p) => p.by.id === id)?.by.name ??
    [...records.rounds.values()].find((r) => r.by.id === id)?.by.name ??
    'a member'
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
        `score ${esc(m.score)} · ${when(m.published)}`,
      ] as const
    })
  const STATUS: Readonly<
    Record<string, { label: string; tone: 'open' | 'done' | 'ended' | 'closed' }>
  > = {
    idea: { label: 'idea', tone: 'closed' },
    open: { label: 'open for funding', tone: 'open' },
    funded: { label: 'funded', tone: 'done' },
    completed: { label: 'completed', tone: 'done' },
    cancelled: { label: 'cancelled', tone: 'ended' },
  }
  /** A bucket's total and status as its round computes them. */
  const standing = (b: BucketRecord) => {
    const state = options.state(b.bucket.inScopeOf)?.buckets[b.bucket.id]
    return { total: state?.total ?? '0', status: state?.status ?? b.bucket.bucketStatus }
  }
  const progress = (b: BucketRecord): string => {
    const { total, status } = standing(b)
    return `${money(total)} of ${money(b.bucket.minGoal)}${
      b.bucket.maxGoal === b.bucket.minGoal ? '' : ` (at most ${money(b.bucket.maxGoal)})`
    } · ${esc(STATUS[status]?.label ?? status)}`
  }
  const bucketRows = (list: readonly BucketRecord[]) =>
    items(
      list.map((b) => [link(b.bucket.id, b.bucket.name), progress(b)]),
      'No bucket yet.',
    )

  const round = async (request: Request, id: string): Promise<Response> => {
    const tool = toolOf(request)
    const r = records.rounds.get(id)
    if (r === undefined) return notFound(request, tool, 'funding round')
    const state = options.state(id)
    const buckets = [...records.buckets.values()].filter((b) => b.bucket.inScopeOf === id)
    return objectResponse(request, r.round, {
      tool,
      kind: 'Funding round',
      title: r.round.name,
      status:
        r.round.endTime === undefined
          ? { label: 'open', tone: 'open' }
          : { label: 'closed', tone: 'closed' },
      trail: await trail(tool),
      body:
        facts([
          ['Opened by', person(r.by)],
          ['Opens', when(r.round.startTime)],
          ['Closed', r.round.endTime === undefined ? undefined : when(r.round.endTime)],
          ['Group', link(group, (await groupLink()).text)],
          ['Currency', esc(`${options.currency().name} (${options.currency().symbol})`)],
          ['Allocated', state === undefined ? undefined : money(state.allocated)],
          ['Contributed', state === undefined ? undefined : money(state.contributed)],
        ]) +
        section('Buckets in this round', bucketRows(buckets)) +
        section(
          'Allocations',
          items(
            r.allocations.map((a) => [
              link(a.id, `${nameOf(a.receiver)}’s allocation`),
              `${money(a.resourceQuantity.hasNumericalValue)} · ${money(state?.balances[a.receiver])} left`,
            ]),
            'No allocation.',
          ),
        ),
    })
  }

  const bucket = async (request: Request, b: BucketRecord): Promise<Response> => {
    const tool = toolOf(request)
    const r = records.rounds.get(b.bucket.inScopeOf)
    const { total, status } = standing(b)
    const task = [...records.tasks.values()].find((t) => t.bucket === b.bucket.id)
    return objectResponse(request, b.bucket, {
      tool,
      kind: 'Bucket',
      title: b.bucket.name,
      status: STATUS[status] ?? { label: status, tone: 'open' },
      trail: await trail(
        tool,
        ...(r === undefined ? [] : [{ href: r.round.id, text: r.round.name }]),
      ),
      body:
        facts([
          ['Minimum goal', money(b.bucket.minGoal)],
          ['Maximum goal', money(b.bucket.maxGoal)],
          ['Funded so far', money(total)],
          [
            'Decided by',
            b.bucket.decidedBy === undefined
              ? undefined
              : link(b.bucket.decidedBy, 'the group’s decision'),
          ],
          ['Proposed by', member(b.bucket.attributedTo)],
          ['Published', when(b.bucket.published)],
          ['Round', r === undefined ? undefined : link(r.round.id, r.round.name)],
          ['Its work', b.request === undefined ? undefined : link(b.request, 'request for offers')],
          ['Task', task === undefined ? undefined : link(task.task.id, task.task.name)],
          ['Group', link(group, (await groupLink()).text)],
        ]) +
        section(
          'Contributions',
          items(
            b.contributions.map((c) => [
              `${member(c.provider)} gave ${money(c.resourceQuantity.hasNumericalValue)}`,
              `${link(c.id, 'contribution')} · ${when(c.published)}`,
            ]),
            'No contribution yet.',
          ),
        ),
    })
  }

  const proposal = async (request: Request, record: ProposalRecord): Promise<Response> => {
    const tool = toolOf(request)
    const p = record.proposal
    const isRequest = p.purpose === 'request'
    const matched = matchesOf(p.id).length > 0
    const forBucket = isRequest ? records.buckets.get(p.url ?? '') : undefined
    return objectResponse(request, p, {
      tool,
      kind: isRequest ? 'Request' : 'Offer',
      title: p.name,
      status: matched ? { label: 'matched', tone: 'done' } : { label: 'open', tone: 'open' },
      trail: await trail(tool),
      body:
        facts([
          ['Price', money(priceOf(p))],
          ['Work', hoursOf(p)],
          [isRequest ? 'Published by' : 'Offered by', person(record.by)],
          [
            'For the bucket',
            forBucket === undefined ? undefined : link(forBucket.bucket.id, forBucket.bucket.name),
          ],
          ['Published', when(p.published)],
          ['Closes', p.endTime === undefined ? undefined : when(p.endTime)],
          ['Group', link(group, (await groupLink()).text)],
        ]) + section('Matches', items(matchRows(p.id), 'No match yet.')),
    })
  }

  const contribution = async (request: Request, id: string): Promise<Response> => {
    const tool = toolOf(request)
    const c = records.contributions.get(id)
    if (c === undefined) return notFound(request, tool, 'contribution')
    const b = records.buckets.get(c.contribution.receiver)
    const value = c.contribution.resourceQuantity.hasNumericalValue
    return objectResponse(request, c.contribution, {
      tool,
      kind: 'Contribution',
      title: `${c.by.name} gives ${value} ${options.currency().symbol}`,
      status: { label: 'accepted', tone: 'done' },
      trail: await trail(tool, { href: c.contribution.receiver, text: b?.bucket.name ?? 'Bucket' }),
      body: facts([
        ['Contributor', person(c.by)],
        ['Amount', money(value)],
        ['To the bucket', link(c.contribution.receiver, b?.bucket.name ?? 'the bucket')],
        ['Accepted', when(c.contribution.published)],
      ]),
    })
  }

  const allocation = async (request: Request, id: string): Promise<Response> => {
    const tool = toolOf(request)
    const r = [...records.rounds.values()].find((x) => x.allocations.some((a) => a.id === id))
    const a = r?.allocations.find((x) => x.id === id)
    if (r === undefined || a === undefined) return notFound(request, tool, 'allocation')
    return objectResponse(request, a, {
      tool,
      kind: 'Allocation',
      title: `${nameOf(a.receiver)}’s allocation in ${r.round.name}`,
      trail: await trail(tool, { href: r.round.id, text: r.round.name }),
      body: facts([
        ['Member', member(a.receiver)],
        ['Amount', money(a.resourceQuantity.hasNumericalValue)],
        ['Left', money(options.state(r.round.id)?.balances[a.receiver])],
        ['Round', link(r.round.id, r.round.name)],
      ]),
    })
  }

  const task = async (request: Request, t: TaskRecord): Promise<Response> => {
    const tool = toolOf(request)
    const b = t.bucket === undefined ? undefined : records.buckets.get(t.bucket)
    const tones = { open: 'open', assigned: 'info', completed: 'done', cancelled: 'ended' } as const
    return objectResponse(request, t.task, {
      tool,
      kind: 'Task',
      title: t.task.name,
      status: { label: t.task.taskStatus, tone: tones[t.task.taskStatus] },
      trail: await trail(
        tool,
        ...(b === undefined ? [] : [{ href: b.bucket.id, text: b.bucket.name }]),
      ),
      body: facts([
        ['Assigned to', t.task.assignee === undefined ? undefined : member(t.task.assignee)],
        ['For the bucket', b === undefined ? undefined : link(b.bucket.id, b.bucket.name)],
        [
          'Decided by',
          t.task.decidedBy === undefined
            ? undefined
            : link(t.task.decidedBy, 'the group’s decision'),
        ],
        ['Created', when(t.task.published)],
        ['Updated', t.task.updated === undefined ? undefined : when(t.task.updated)],
        ['Due', t.task.due === undefined ? undefined : when(t.task.due)],
      ]),
    })
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
      status: { label: `score ${m.score}`, tone: 'info' },
      trail: await trail(tool),
      body: facts([
        ['Found for', side(m.subject)],
        ['Matches', side(m.object)],
        ['Score', esc(m.score)],
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
      if (prefix === 'rounds' && id.endsWith('/allocations')) {
        // The round's allocations, for a tool computing its balances (`computeRound`).
        const r = records.rounds.get(id.slice(0, -'/allocations'.length))
        if (r === undefined) return notFound(request, toolOf(request), 'funding round')
        return new Response(JSON.stringify({ type: 'Collection', items: r.allocations }), {
          headers: { 'content-type': 'application/json' },
        })
      }
      if (records.rounds.has(id)) return round(request, id)
      const b = records.buckets.get(id)
      if (b !== undefined) return bucket(request, b)
      const p = records.proposals.get(id)
      if (p !== undefined) return proposal(request, p)
      if (records.contributions.has(id)) return contribution(request, id)
      if (prefix === 'allocations') return allocation(request, id)
      const t = records.tasks.get(id)
      if (t !== undefined) return task(request, t)
      const m = records.matches.get(id)
      if (m !== undefined) return match(request, m)
      const what: Record<string, string> = {
        rounds: 'funding round',
        buckets: 'bucket',
        requests: 'request',
        offers: 'offer',
        contributions: 'contribution',
        tasks: 'task',
        matches: 'match',
      }
      return notFound(request, toolOf(request), what[prefix ?? ''] ?? 'page')
    },

    async home(request, session, status = 200) {
      const tool = toolOf(request)
      const proposals = [...records.proposals.values()]
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
                [...records.rounds.values()].map((r) => [
                  link(r.round.id, r.round.name),
                  when(r.round.published),
                ]),
                'No round yet.',
              ),
            ) +
            section('Buckets', bucketRows([...records.buckets.values()])) +
            section(
              'Offers',
              items(
                proposals
                  .filter((p) => p.proposal.purpose === 'offer')
                  .map((p) => [
                    link(p.proposal.id, p.proposal.name),
                    `${money(priceOf(p.proposal))} · ${esc(p.by.name)}`,
                  ]),
                'No offer yet.',
              ),
            ) +
            section(
              'Tasks',
              items(
                [...records.tasks.values()].map((t) => [
                  link(t.task.id, t.task.name),
                  esc(t.task.taskStatus),
                ]),
                'No task yet.',
              ),
            ),
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
