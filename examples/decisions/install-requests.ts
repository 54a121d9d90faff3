// Decisions' approval page for tool installations (the install flow, spec/group-auth.md
// "Installing a tool"): a tool asks the group's authority to be installed (`POST /install`, a
// software statement signed with its manifest key); the authority answers with `approval_uri`, this
// page, where an admin of the group sees who asks (the tool's name and origin), for which group,
// which scopes and which event types, and approves or refuses. Approving registers the tool as an
// OAuth client and installs it in the group (`group.tool.connected`); the tool, polling, gets its
// client credentials.
//
// Who decides: a person signed in here (a demo sign-in without passwords, like the authority's login
// page), with an active admin membership of the request's group. Each decision is a POST carrying
// the session's CSRF token; anyone else gets a 403 page.
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { isProtocolError, type MembershipStore } from '@cta-interop/sdk'
import { esc } from '../src/http.js'
import {
  badge,
  facts,
  htmlPage,
  items,
  link,
  notFound,
  section,
  when,
  type PageTool,
} from '../src/page-layout.js'

/** An install request as the authority plugin keeps it (`plugin.installs`). */
export interface InstallRequestView {
  readonly id: string
  /** The tool's origin (its `client_id` once approved). */
  readonly tool: string
  readonly clientName: string
  readonly group: string
  /** The scopes asked for (a list, or space-separated). */
  readonly scope: string | readonly string[]
  readonly eventTypes: readonly string[]
  readonly redirectUris: readonly string[]
  readonly status: 'pending' | 'approved' | 'refused'
  readonly requestedAt: string
}

/** What the page needs of the plugin's `installs`. */
export interface InstallDesk {
  get(id: string): Promise<InstallRequestView | undefined>
  approve(id: string, by: string): Promise<unknown>
  refuse(id: string, by: string): Promise<void>
}

/** A decision taken on this page. */
export interface InstallDecision {
  readonly id: string
  readonly tool: string
  readonly group: string
  readonly decision: 'approved' | 'refused'
  /** The admin who decided (member IRI). */
  readonly by: string
}

/** Options of {@link createInstallRequestPages}. */
export interface InstallRequestPagesOptions {
  readonly installs: InstallDesk
  readonly store: MembershipStore
  /** A person's name; `undefined` for someone this tool does not know. */
  readonly nameOf: (person: string) => string | undefined
}

/** The approval pages, a route of the tool. */
export interface InstallRequestPages {
  /** Where a request's page is: `<origin>/install-requests/<id>`. */
  uri(origin: string, id: string): string
  /** Answers `/install-requests/<id>` and its forms; `undefined` for any other path. */
  route(request: Request): Promise<Response | undefined>
  /** Every decision taken here, in order. */
  readonly decisions: readonly InstallDecision[]
}

/** The approval page's session cookie (HttpOnly, SameSite=Strict). */
export const DECIDER_COOKIE = 'decisions_decider'

/** What each scope lets the tool do, in the group's words. */
const SCOPES: Readonly<Record<string, string>> = {
  openid: 'sign members in with the group',
  profile: 'know the name of a member who signs in',
  'cta:membership': 'confirm that a member who signs in belongs to the group, and their roles',
  'cta:roster': 'read the group’s list of members',
}

const BUTTON_CSS = `<style>
form.decide{display:flex;flex-wrap:wrap;gap:.75rem;margin:1.25rem 0 0}
form.decide button,ul.people button{font:inherit;font-weight:650;border-radius:8px;padding:.55rem 1.1rem;cursor:pointer;border:2px solid var(--accent)}
form.decide button.approve{background:#0b5a28;border-color:#0b5a28;color:#fff}
form.decide button.refuse{background:#fff;border-color:#8a1c17;color:#8a1c17}
ul.people{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.5rem}
ul.people button{background:#fff;color:var(--accent)}
button:focus-visible{outline:3px solid #f0b400;outline-offset:2px}
</style>`

/** A session of the approval page: who signed in, and the token each of their forms carries. */
interface Decider {
  readonly person: string
  readonly csrf: string
}

function cookieOf(request: Request, name: string): string | undefined {
  for (const part of (request.headers.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return undefined
}

/** Compares two tokens in constant time. */
function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/** Reads a small urlencoded form (a sign-in or a decision). */
async function formOf(request: Request): Promise<URLSearchParams | undefined> {
  const type = request.headers.get('content-type') ?? ''
  if (!type.startsWith('application/x-www-form-urlencoded')) return undefined
  const body = await request.text()
  return body.length > 4096 ? undefined : new URLSearchParams(body)
}

const seeOther = (location: string, cookie?: string): Response =>
  new Response(null, {
    status: 303,
    headers: {
      location,
      'cache-control': 'no-store',
      ...(cookie === undefined ? {} : { 'set-cookie': cookie }),
    },
  })

/**
 * The approval pages: `GET /install-requests/<id>` (sign in, then the request and its Approve and
 * Refuse buttons for an admin of the group, a 403 page for anyone else), `POST …/sign-in`,
 * `POST …/approve` and `POST …/refuse` (each with the session's CSRF token).
 */
export function createInstallRequestPages(
  options: InstallRequestPagesOptions,
): InstallRequestPages {
  const { installs, store, nameOf } = options
  const deciders = new Map<string, Decider>()
  const decisions: InstallDecision[] = []
  const toolOf = (request: Request): PageTool => ({
    name: 'Decisions',
    origin: new URL(request.url).origin,
  })
  const deciderOf = (request: Request): Decider | undefined => {
    const id = cookieOf(request, DECIDER_COOKIE)
    return id === undefined ? undefined : deciders.get(id)
  }
  /** Whether a person is an active admin of the group. */
  const isAdmin = async (group: string, person: string): Promise<boolean> => {
    const m = await store.getMembership(group, person)
    return m?.membershipStatus === 'active' && m.coreRole === 'admin'
  }

  const refusedPage = (request: Request, title: string, why: string, status: number): Response =>
    htmlPage(
      {
        tool: toolOf(request),
        kind: 'Install request',
        title,
        trail: [{ href: `${toolOf(request).origin}/`, text: 'Decisions' }],
        body: `<div class="card"><p>${esc(why)}</p></div>`,
      },
      status,
    )

  const page = async (request: Request, r: InstallRequestView): Promise<Response> => {
    const tool = toolOf(request)
    const g = await store.getGroup(r.group)
    const groupName = g?.name ?? r.group
    const trail = [
      { href: `${tool.origin}/`, text: tool.name },
      ...(g === undefined ? [] : [{ href: g.url ?? g.id, text: g.name }]),
    ]
    const here = `/install-requests/${encodeURIComponent(r.id)}`
    const decider = deciderOf(request)
    if (decider === undefined) {
      // The demo sign-in: the group's active members, each a button (no passwords here).
      const { items: members } = await store.listMemberships(r.group, {
        after: 0,
        limit: 1000,
        current: true,
      })
      const buttons = members
        .map(
          (m) =>
            `<li><button name="person" value="${esc(m.member.id)}">${esc(m.member.name ?? nameOf(m.member.id) ?? m.member.id)}</button></li>`,
        )
        .join('')
      return htmlPage({
        tool,
        kind: 'Install request',
        title: `Sign in to decide for ${groupName}`,
        trail,
        body:
          BUTTON_CSS +
          `<div class="card"><p>A tool asks to be installed in ${esc(groupName)}. ` +
          `An admin of the group decides; sign in to see the request.</p>` +
          `<p><strong>Demo only:</strong> there are no passwords here; pick who you are.</p>` +
          `<form method="post" action="${esc(here)}/sign-in"><ul class="people">${buttons}</ul></form></div>`,
      })
    }
    if (!(await isAdmin(r.group, decider.person))) {
      return refusedPage(
        request,
        'Only an admin can decide',
        `${nameOf(decider.person) ?? decider.person} is not an admin of ${groupName}: only an admin of the group approves or refuses a tool.`,
        403,
      )
    }
    const scopes = (typeof r.scope === 'string' ? r.scope.split(' ') : r.scope).filter(
      (s) => s !== '',
    )
    const status =
      r.status === 'pending'
        ? { label: 'waiting for a decision', tone: 'info' as const }
        : r.status === 'approved'
          ? { label: 'approved', tone: 'open' as const }
          : { label: 'refused', tone: 'ended' as const }
    const decided = decisions.find((d) => d.id === r.id)
    const buttons =
      r.status !== 'pending'
        ? `<p>${badge(status.label, status.tone)}${
            decided === undefined ? '' : ` by ${esc(nameOf(decided.by) ?? decided.by)}`
          }</p>`
        : `<form class="decide" method="post" action="${esc(here)}/approve">` +
          `<input type="hidden" name="csrf" value="${esc(decider.csrf)}">` +
          `<button class="approve">Approve and install</button>` +
          `<button class="refuse" formaction="${esc(here)}/refuse">Refuse</button></form>`
    return htmlPage({
      tool,
      kind: 'Install request',
      title: `${r.clientName} asks to join ${groupName}`,
      status,
      trail,
      body:
        BUTTON_CSS +
        facts([
          ['Tool', `${link(`${r.tool}/`, r.clientName)} <code>${esc(r.tool)}</code>`],
          ['Group', g === undefined ? esc(r.group) : link(g.url ?? g.id, g.name)],
          ['Asked', when(r.requestedAt)],
          ['Signed in as', `${esc(nameOf(decider.person) ?? decider.person)} (admin)`],
        ]) +
        section(
          'It asks to',
          items(
            scopes.map((s) => [esc(SCOPES[s] ?? s), `<code>${esc(s)}</code>`]),
            'Nothing beyond being installed.',
          ),
        ) +
        section(
          'Events it sends or receives in the group',
          items(
            r.eventTypes.map((t) => [`<code>${esc(t)}</code>`]),
            'No event.',
          ),
        ) +
        section(
          'Where members come back after signing in',
          items(
            r.redirectUris.map((u) => [`<code>${esc(u)}</code>`]),
            'Nowhere: members do not sign in to it.',
          ),
        ) +
        buttons,
    })
  }

  const route = async (request: Request): Promise<Response | undefined> => {
    const url = new URL(request.url)
    const match = /^\/install-requests\/([^/]+)(?:\/(sign-in|approve|refuse))?$/.exec(url.pathname)
    if (match === null) return undefined
    const id = decodeURIComponent(match[1] ?? '')
    const action = match[2]
    const r = await installs.get(id)
    if (r === undefined) return notFound(request, toolOf(request), 'install request')
    const here = `/install-requests/${encodeURIComponent(id)}`
    if (action === undefined) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return undefined
      const response = await page(request, r)
      response.headers.set('cache-control', 'no-store')
      return response
    }
    if (request.method !== 'POST') return undefined
    const form = await formOf(request)
    if (form === undefined) {
      return refusedPage(request, 'Not a form', 'Send the page’s form.', 400)
    }
    if (action === 'sign-in') {
      const person = form.get('person') ?? ''
      const m = await store.getMembership(r.group, person)
      if (m?.membershipStatus !== 'active') {
        return refusedPage(request, 'Not a member', 'Pick a member of the group.', 403)
      }
      const session = randomBytes(32).toString('base64url')
      deciders.set(session, { person, csrf: randomBytes(32).toString('base64url') })
      return seeOther(
        here,
        `${DECIDER_COOKIE}=${session}; Path=/install-requests; HttpOnly; SameSite=Strict`,
      )
    }
    const decider = deciderOf(request)
    const csrf = form.get('csrf') ?? ''
    if (decider === undefined || !sameToken(csrf, decider.csrf)) {
      return refusedPage(
        request,
        'Not allowed',
        'Sign in on the request’s page, then decide with its buttons.',
        403,
      )
    }
    if (!(await isAdmin(r.group, decider.person))) {
      return refusedPage(
        request,
        'Only an admin can decide',
        'Only an admin of the group approves or refuses a tool.',
        403,
      )
    }
    try {
      if (action === 'approve') await installs.approve(id, decider.person)
      else await installs.refuse(id, decider.person)
    } catch (err) {
      if (!isProtocolError(err)) throw err
      const status = err.code === 'ERR_NOT_ADMIN' ? 403 : 409
      return refusedPage(request, 'Not decided', err.message, status)
    }
    decisions.push({
      id,
      tool: r.tool,
      group: r.group,
      decision: action === 'approve' ? 'approved' : 'refused',
      by: decider.person,
    })
    return seeOther(here)
  }

  return {
    uri: (origin, id) => `${origin}/install-requests/${encodeURIComponent(id)}`,
    route,
    decisions,
  }
}
