// Decisions' pages: the group, its members and its polls, each a page in the examples' layout at
// the IRI its events link to, and the same URL answers with the object's JSON document when asked
// for JSON. A real tool would show the roster to signed-in members only (the group's
// `rosterVisibility` is `members`); this demo shows it to anyone on 127.0.0.1.
import type { EmbeddedMembership, Group, MembershipStore } from '@cta-interop/sdk'
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

/** A poll, as Decisions keeps it. */
export interface PollRecord {
  readonly id: string
  readonly title: string
  readonly by: { readonly id: string; readonly name: string }
  /** When it closes (or was due to). */
  readonly closes: string
  readonly created?: string
  readonly closed?: string
  readonly outcome?: string
}

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
  const statusOf = (m: EmbeddedMembership) =>
    m.membershipStatus === 'active'
      ? { label: 'active member', tone: 'open' as const }
      : { label: m.membershipStatus, tone: 'ended' as const }
  const pollStatus = (p: PollRecord) =>
    p.outcome === undefined
      ? { label: 'open', tone: 'open' as const }
      : { label: 'closed', tone: 'closed' as const }
  const pollRows = (list: readonly PollRecord[]) =>
    items(
      list.map((p) => [
        link(p.id, p.title),
        `${p.outcome === undefined ? `closes ${when(p.closes)}` : 'closed'} · by ${esc(p.by.name)}`,
      ]),
      'No poll yet.',
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
          items(
            all.map((m) => [
              link(m.member.id, m.member.name ?? nameOf(m.member.id)),
              m.membershipStatus === 'active'
                ? `${esc(ROLE[m.coreRole] ?? m.coreRole)} · since ${when(m.startTime)}`
                : `${esc(m.membershipStatus)} ${when(m.endTime ?? m.updated)}`,
            ]),
            'No member yet.',
          ),
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
    const m = await store.getMembership(options.group(), id)
    return objectResponse(
      request,
      { id: person.id, type: 'Person', name: person.name },
      {
        tool,
        kind: 'Member',
        title: person.name,
        ...(m === undefined ? {} : { status: statusOf(m) }),
        trail: await groupTrail(tool),
        body:
          facts([
            ['Group', g === undefined ? undefined : link(g.url ?? g.id, g.name)],
            ['Role', m === undefined ? 'no membership' : esc(ROLE[m.coreRole] ?? m.coreRole)],
            ['Joined', m === undefined ? undefined : when(m.startTime)],
            ['Left', m?.endTime === undefined ? undefined : when(m.endTime)],
            ['Member IRI', `<code>${esc(person.id)}</code>`],
          ]) +
          section('Polls started', pollRows([...polls.values()].filter((p) => p.by.id === id))),
      },
    )
  }

  const pollPage = async (request: Request, p: PollRecord): Promise<Response> => {
    const tool = toolOf(request)
    return objectResponse(
      request,
      {
        id: p.id,
        type: 'Question',
        name: p.title,
        attributedTo: p.by.id,
        ...(p.created === undefined ? {} : { published: p.created }),
        endTime: p.closed ?? p.closes,
        ...(p.outcome === undefined ? {} : { content: p.outcome }),
        audience: options.group(),
      },
      {
        tool,
        kind: 'Poll',
        title: p.title,
        status: pollStatus(p),
        trail: await groupTrail(tool),
        body:
          (p.outcome === undefined
            ? ''
            : section('Outcome', `<blockquote><p>${esc(p.outcome)}</p></blockquote>`)) +
          section(
            'Details',
            facts([
              ['Started by', link(p.by.id, p.by.name)],
              ['Started', p.created === undefined ? undefined : when(p.created)],
              [p.outcome === undefined ? 'Closes' : 'Was due to close', when(p.closes)],
              ['Closed', p.closed === undefined ? undefined : when(p.closed)],
            ]),
          ),
      },
    )
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
