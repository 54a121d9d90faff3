// Decisions' pages: the group, its members and its polls, each a page in the examples' layout at
// the IRI its events link to, and the same URL answers with the object's JSON document when asked
// for JSON. The pages verify no one who reads them (they have no sign-in), so a group whose
// `rosterVisibility` is not `public` (Harbour Commons' is `members`) shows how many members it has,
// not who they are, and a person's page says nothing of their membership (PRV-SHOW-001).
import {
  checkRosterViewer,
  isProtocolError,
  redactStance,
  type EmbeddedMembership,
  type Group,
  type MembershipStore,
  type Tally,
} from '@cta-interop/sdk'
import { toNodeListener } from '@cta-interop/sdk/node'
import type { NodeListener } from '../src/http.js'
import { esc } from '../src/http.js'
import {
  facts,
  htmlPage,
  items,
  link,
  notFound,
  objectResponse,
  section,
  when,
  wantsJson,
  type PageLink,
  type PageTool,
} from '../src/page-layout.js'

import type { PollRecord } from './polls.js'

export type { PollRecord } from './polls.js'

/** Options of {@link createDecisionsPages}. */
export interface DecisionsPagesOptions {
  readonly store: MembershipStore
  /** The group the tool holds (Harbour Commons). */
  readonly group: () => string
  readonly people: ReadonlyMap<string, { readonly id: string; readonly name: string }>
  readonly polls: ReadonlyMap<string, PollRecord>
}

/** Decisions' pages. */
export interface DecisionsPages {
  /** The tools' names, by origin, as they were connected. */
  readonly toolNames: Map<string, string>
  /** Answers `/`, the group's page, `/u/…` and `/p/…`; `undefined` for any other path. */
  route(request: Request): Promise<Response | undefined>
  /**
   * Wraps the authority's listener so that a browser opening a group's IRI (`/g/<slug>`, asking
   * for HTML first) gets the group's page, and one of its installations (`/g/<slug>/tools/<id>`)
   * its page; every other request (the Group document for JSON, the roster, OpenID) goes to the
   * authority unchanged.
   */
  withGroupPages(listener: NodeListener): NodeListener
}

const ROLE: Readonly<Record<string, string>> = {
  admin: 'admin',
  member: 'member',
  moderator: 'moderator',
  observer: 'observer',
}

/**
 * Decisions' pages: its home, the group (at its `url`, and at its IRI for a browser), each member
 * (`/u/…`), each poll (`/p/…`) and each tool installation. Each answers with its JSON document for
 * `Accept: application/json` (an installation excepted: the authority gives that document); a
 * member or poll that does not exist answers 404 with the problem `ERR_NOT_FOUND`.
 */
export function createDecisionsPages(options: DecisionsPagesOptions): DecisionsPages {
  const { store, people, polls } = options
  const toolNames = new Map<string, string>()
  const toolOf = (request: Request): PageTool => ({
    name: 'Decisions',
    origin: new URL(request.url).origin,
  })
  const groupDoc = async () => store.getGroup(options.group())
  const groupTrail = async (tool: PageTool): Promise<PageLink[]> => {
    const g = await groupDoc()
    return [
      { href: `${tool.origin}/`, text: tool.name },
      ...(g === undefined ? [] : [{ href: g.url ?? g.id, text: g.name }]),
    ]
  }
  const memberships = async (group: string): Promise<readonly EmbeddedMembership[]> =>
    (await store.listMemberships(group, { after: 0, limit: 1000, current: false })).items
  const nameOf = (id: string): string => people.get(id)?.name ?? id
  /** Whether the pages may list the group's roster: only a public one, as they verify no one. */
  const rosterShown = (g: Group): boolean => {
    try {
      checkRosterViewer(g, undefined)
      return true
    } catch (err) {
      if (isProtocolError(err) && err.code === 'ERR_ROSTER_HIDDEN') return false
      throw err
    }
  }
  const statusOf = (m: EmbeddedMembership) =>
    m.membershipStatus === 'active'
      ? { label: 'active member', tone: 'open' as const }
      : { label: m.membershipStatus, tone: 'ended' as const }
  const pollStatus = (p: PollRecord) =>
    p.poll.closed === undefined
      ? { label: 'open', tone: 'open' as const }
      : { label: 'closed', tone: 'closed' as const }
  const pollRows = (list: readonly PollRecord[]) =>
    items(
      list.map((p) => [
        link(p.poll.id, p.poll.name),
        `${p.poll.closed === undefined ? `closes ${when(p.poll.endTime)}` : 'closed'} · by ${esc(p.by.name)}`,
      ]),
      'No poll yet.',
    )
  /** A poll's options, each with its line of the tally once it closed (votes, points, winner). */
  const optionRows = (p: PollRecord, tally: Tally | undefined) =>
    items(
      (p.poll.oneOf ?? p.poll.anyOf ?? []).map((o) => {
        const line = tally?.options.find((l) => l.option === o.id)
        const won = tally?.winners.includes(o.id) === true
        const counts =
          line === undefined
            ? p.poll.closed === undefined
              ? 'results when the poll closes'
              : 'no votes'
            : `${line.votes} ${line.votes === 1 ? 'vote' : 'votes'}${line.points === undefined ? '' : ` · ${line.points} points`}`
        return [`${esc(o.name)}${won ? ' <strong>(won)</strong>' : ''}`, counts] as const
      }),
      'No option.',
    )

  const groupPage = async (request: Request, g: Group): Promise<Response> => {
    const tool = toolOf(request)
    const all = await memberships(g.id)
    const installations = await store.listInstallations(g.id)
    return objectResponse(request, g, {
      tool,
      kind: 'Group',
      title: g.name,
      trail: [{ href: `${tool.origin}/`, text: tool.name }],
      body:
        facts([
          ['Active members', String(all.filter((m) => m.membershipStatus === 'active').length)],
          ['Joining', esc(g.joinPolicy)],
          ['Visibility', esc(g.visibility)],
          ['Authority', link(g.authority, `${tool.name} (${new URL(tool.origin).host})`)],
          ['Group IRI', `<code>${esc(g.id)}</code>`],
        ]) +
        section(
          'Members',
          rosterShown(g)
            ? items(
                all.map((m) => [
                  link(m.member.id, m.member.name ?? nameOf(m.member.id)),
                  m.membershipStatus === 'active'
                    ? `${esc(ROLE[m.coreRole] ?? m.coreRole)} · since ${when(m.startTime)}`
                    : `${esc(m.membershipStatus)} ${when(m.endTime ?? m.updated)}`,
                ]),
                'No member yet.',
              )
            : `<p>${esc(g.name)} shows who its members are to its ${esc(g.rosterVisibility)} only.</p>`,
        ) +
        section(
          'Tools the group uses',
          items(
            installations.map((i) => [
              link(`${i.tool}/`, toolNames.get(i.tool) ?? new URL(i.tool).host),
              `${esc(i.installationStatus)} · connected ${when(i.published)}`,
            ]),
            'No tool connected yet.',
          ),
        ) +
        section(
          'Polls',
          // The polls are Harbour Commons'; a conformance session's group has none.
          pollRows(g.id === options.group() ? [...polls.values()] : []),
        ),
    })
  }

  const memberPage = async (request: Request, id: string): Promise<Response> => {
    const tool = toolOf(request)
    const person = people.get(id)
    if (person === undefined) return notFound(request, tool, 'member')
    const g = await groupDoc()
    // A person's role and membership are roster entries: shown only when the roster is public.
    const shown = g !== undefined && rosterShown(g)
    const m = shown ? await store.getMembership(options.group(), id) : undefined
    return objectResponse(
      request,
      { id: person.id, type: 'Person', name: person.name },
      {
        tool,
        kind: 'Member',
        title: person.name,
        ...(m === undefined ? {} : { status: statusOf(m) }),
        trail: shown ? await groupTrail(tool) : [{ href: `${tool.origin}/`, text: tool.name }],
        body:
          facts([
            ['Group', g === undefined || !shown ? undefined : link(g.url ?? g.id, g.name)],
            [
              'Role',
              !shown
                ? undefined
                : m === undefined
                  ? 'no membership'
                  : esc(ROLE[m.coreRole] ?? m.coreRole),
            ],
            ['Joined', m === undefined ? undefined : when(m.startTime)],
            ['Left', m?.endTime === undefined ? undefined : when(m.endTime)],
            ['Member IRI', `<code>${esc(person.id)}</code>`],
          ]) +
          section('Polls started', pollRows([...polls.values()].filter((p) => p.by.id === id))),
      },
    )
  }

  /** A poll's page; `document` what its URL answers for JSON (the poll, its outcome, a stance). */
  const pollPage = async (
    request: Request,
    p: PollRecord,
    document: unknown = p.poll,
  ): Promise<Response> => {
    const tool = toolOf(request)
    const { poll, tally, outcome } = p
    const decision = tally?.decision
    return objectResponse(request, document, {
      tool,
      kind: 'Poll',
      title: poll.name,
      status: pollStatus(p),
      trail: await groupTrail(tool),
      body:
        (outcome === undefined
          ? ''
          : section(
              'Outcome',
              `<blockquote><p>${esc(outcome.content)}</p></blockquote>` +
                items(
                  (outcome.decides ?? []).map((d) => [
                    link(d.id, d.name ?? d.id),
                    `${esc(d.type ?? 'decided')}${
                      d.resourceQuantity === undefined
                        ? ''
                        : ` · ${esc(d.resourceQuantity.hasNumericalValue)}`
                    }`,
                  ]),
                  'It names nothing for another tool to act on.',
                ),
            )) +
        section(
          tally === undefined ? 'Options' : 'Options and tally',
          optionRows(p, tally) +
            (tally === undefined
              ? ''
              : `<p>${tally.voters} ${tally.voters === 1 ? 'voter' : 'voters'}${
                  decision === undefined ? '' : ` · decision: <strong>${esc(decision)}</strong>`
                }${tally.quorumReached ? '' : ' · no quorum'}</p>`),
        ) +
        section(
          'Details',
          facts([
            ['Type', esc(poll.pollType)],
            ['Started by', link(p.by.id, p.by.name)],
            ['Started', when(poll.published)],
            [poll.closed === undefined ? 'Closes' : 'Was due to close', when(poll.endTime)],
            ['Closed', poll.closed === undefined ? undefined : when(poll.closed)],
            ['Stances', String(p.stances.length)],
            ['Anonymous', poll.anonymous === true ? 'yes' : undefined],
            [
              'Results',
              poll.hideResults === 'untilClosed' ? 'hidden until the poll closes' : undefined,
            ],
          ]),
        ),
    })
  }

  const home = async (request: Request): Promise<Response> => {
    const tool = toolOf(request)
    const g = await groupDoc()
    return htmlPage({
      tool,
      title: 'Decisions',
      body:
        `<div class="card"><p>Polls and decisions for ${g === undefined ? 'the group' : link(g.url ?? g.id, g.name)}. ` +
        `Decisions is the group’s authority: members sign in to the group’s other tools here.</p></div>` +
        section('Polls', pollRows([...polls.values()])),
    })
  }

  const route = async (request: Request): Promise<Response | undefined> => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return undefined
    const url = new URL(request.url)
    const path = url.pathname
    if (path === '/') return home(request)
    const g = await groupDoc()
    if (g !== undefined && `${url.origin}${path}` === (g.url ?? g.id)) return groupPage(request, g)
    if (/^\/(u|p)\/[^/]+$/.test(path)) {
      const id = `${url.origin}${path}`
      if (path.startsWith('/u/')) return memberPage(request, id)
      const poll = polls.get(id)
      return poll === undefined
        ? notFound(request, toolOf(request), 'poll')
        : pollPage(request, poll)
    }
    if (/^\/p\/[^/]+\/outcome$/.test(path)) {
      const poll = polls.get(`${url.origin}${path.slice(0, -'/outcome'.length)}`)
      return poll === undefined
        ? notFound(request, toolOf(request), 'outcome')
        : poll.outcome === undefined
          ? notFound(request, toolOf(request), 'outcome')
          : pollPage(request, poll, poll.outcome)
    }
    if (/^\/s\/[^/]+$/.test(path)) {
      const id = `${url.origin}${path}`
      const p = [...polls.values()].find((x) => x.stances.some((st) => st.id === id))
      const stance = p?.stances.find((st) => st.id === id)
      // As the events carry it: who and what stay private as the poll's rules say.
      return p === undefined || stance === undefined
        ? notFound(request, toolOf(request), 'stance')
        : pollPage(request, p, redactStance(stance, p.poll))
    }
    return undefined
  }

  const installationPage = async (request: Request, g: Group, id: string): Promise<Response> => {
    const tool = toolOf(request)
    const i = (await store.listInstallations(g.id)).find((x) => x.id === id)
    if (i === undefined) return notFound(request, tool, 'tool installation')
    const name = toolNames.get(i.tool) ?? new URL(i.tool).host
    return htmlPage({
      tool,
      kind: 'Tool installation',
      title: `${name} in ${g.name}`,
      status:
        i.installationStatus === 'active'
          ? { label: 'connected', tone: 'open' }
          : { label: i.installationStatus, tone: 'ended' },
      trail: [
        { href: `${tool.origin}/`, text: tool.name },
        { href: g.url ?? g.id, text: g.name },
      ],
      body: facts([
        ['Tool', `${link(`${i.tool}/`, name)} <code>${esc(i.tool)}</code>`],
        ['Group', link(g.url ?? g.id, g.name)],
        [
          'Connected by',
          i.installedBy === undefined ? undefined : link(i.installedBy, nameOf(i.installedBy)),
        ],
        ['Connected', when(i.published)],
        ['May use', i.scopes.map((sc) => `<code>${esc(sc)}</code>`).join(', ')],
      ]),
    })
  }

  /** A group's IRI, or one of its installations (`/g/<slug>/tools/<id>`), as a page. */
  const pageListener = toNodeListener(async (request) => {
    const url = new URL(request.url)
    const [, , slug = '', sub, id] = url.pathname.split('/')
    const g = await store.getGroup(`${url.origin}/g/${slug}`)
    if (g === undefined) return notFound(request, toolOf(request), 'group')
    return sub === undefined
      ? groupPage(request, g)
      : installationPage(request, g, `${g.id}/${sub}/${id ?? ''}`)
  })

  return {
    toolNames,
    route: (request) => route(request),
    withGroupPages: (listener) => (req, res) => {
      const path = (req.url ?? '/').split('?')[0] ?? '/'
      const accept = req.headers.accept ?? ''
      const browser =
        (req.method === 'GET' || req.method === 'HEAD') &&
        /^\/g\/[^/]+(\/tools\/[^/]+)?$/.test(path) &&
        /text\/html/i.test(accept) &&
        !wantsJson(new Request('http://127.0.0.1/', { headers: { accept } }))
      if (browser) pageListener(req, res)
      else listener(req, res)
    },
  }
}
