// The dashboard's page, rendered on the server (the filtered page works without script), and its
// feed fragment, which the page's script (`client.js`) fetches again when the filters change or
// the live stream announces an event. Events are grouped by the object they are about, newest
// group first, each rendered by its kind (`render-kinds.ts`), names instead of addresses.
import { esc } from '../src/http.js'
import { hostOf, type Names } from './names.js'
import { iconHtml, isLink } from './icon-html.js'
import { localized } from './localized.js'
import { createKindContext } from './kind-context.js'
import { aboutOf, labelOf, renderKind, type EventData } from './render-kinds.js'
// The profiles' kinds (decisions, budgeting, mutual credit, tasks), each registered in `kinds`.
import './kinds/index.js'
import { KINDS_CSS } from './kinds/style.js'

/** One stored notification, as the page shows it. */
export interface Notification {
  readonly source: string
  readonly id: string
  readonly type: string
  readonly group: string
  readonly actorId: string | null
  readonly actorName: string | null
  readonly summary: string
  readonly published: string
  readonly url: string
  /** The key that signed it; only verified events are stored. */
  readonly kid: string
  /** How it arrived first: `push` or `pull`. */
  readonly via: string
  /** `data.object` (its `id`, or itself when a string). */
  readonly objectId?: string | null
  /** The event's `data`, as JSON. */
  readonly data?: string
}

/** What the page is narrowed to. */
export interface Filter {
  readonly tool?: string | undefined
  readonly group?: string | undefined
  readonly type?: string | undefined
  /** A member's IRI: events they did, are about them, or are addressed to them. */
  readonly member?: string | undefined
}

/** What a render needs. */
export interface PageInput {
  readonly filter: Filter
  /** The member reading (their unread marks), from `?as=`. */
  readonly viewer?: string | undefined
  /** The notifications shown (filtered), newest first. */
  readonly notifications: readonly Notification[]
  /** Every stored notification, newest first: the filters' choices, people's and proposals' names. */
  readonly all: readonly Notification[]
  /** The tools followed: origin → name. */
  readonly tools: ReadonlyMap<string, string>
  readonly names: Names
  /** What the viewer has marked read (`<source> <id>`), and how many they have not. */
  readonly read?: ReadonlySet<string>
  /** How many of the notifications shown (the filters applied) the viewer has not marked read. */
  readonly unread?: number
  /** Now, for relative times (ms). */
  readonly now: number
  /** The reader's language ranges, most preferred first (`Accept-Language`), for `summaryMap`. */
  readonly languages?: readonly string[]
  /**
   * Membership events left out because their group's roster is not public and the dashboard
   * verifies no one who reads it (spec/privacy.md, PRV-SHOW-001): how many, and of which groups.
   */
  readonly hidden?: { readonly count: number; readonly groups: readonly string[] }
}

const parse = (n: Notification): EventData => {
  try {
    const data = JSON.parse(n.data ?? '{}') as unknown
    return typeof data === 'object' && data !== null ? (data as EventData) : {}
  } catch {
    return {}
  }
}
const rec = (value: unknown): EventData =>
  typeof value === 'object' && value !== null ? (value as EventData) : {}
const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined

/** Every stored event as a kind's context reads it. */
const stored = (all: readonly Notification[]) =>
  all.map((n) => ({
    type: n.type,
    source: n.source,
    group: n.group,
    summary: n.summary,
    published: n.published,
    data: parse(n),
  }))

/** The context kinds render in: names from the page's caches, the rest from every stored event. */
function kindContext(input: PageInput) {
  return createKindContext(stored(input.all), {
    group: (iri) => input.names.group(iri),
    tool: (origin) => input.tools.get(origin) ?? input.names.tool(origin),
  })
}

/** `2026-12-03T10:37:44Z`: the instant without milliseconds. */
export const isoSeconds = (iso: string): string => {
  const t = Date.parse(iso)
  return Number.isNaN(t) ? iso : new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** "3 minutes ago", "just now", "yesterday": the same words the page's script uses. */
export function relativeTime(iso: string, now: number): string {
  const t = Date.parse(iso)
  if (Number.isNaN(t)) return iso
  const s = Math.round((t - now) / 1000)
  const words = new Intl.RelativeTimeFormat('en', { numeric: 'auto' })
  const a = Math.abs(s)
  if (a < 45) return 'just now'
  if (a < 2700) return words.format(Math.round(s / 60), 'minute')
  if (a < 79200) return words.format(Math.round(s / 3600), 'hour')
  return words.format(Math.round(s / 86400), 'day')
}

const time = (iso: string, now: number) =>
  `<time datetime="${esc(isoSeconds(iso))}" title="${esc(isoSeconds(iso).replace('T', ' ').replace('Z', ' UTC'))}">${esc(relativeTime(iso, now))}</time>`

interface Thread {
  readonly about: string
  readonly items: { n: Notification; data: EventData }[]
}

/** Notifications grouped by what they are about, in the order of each group's newest. */
export function threads(notifications: readonly Notification[]): Thread[] {
  const byAbout = new Map<string, Thread>()
  for (const n of notifications) {
    const data = parse(n)
    const about = aboutOf(n.type, data) ?? `${n.source} ${n.id}`
    const thread = byAbout.get(about) ?? { about, items: [] }
    thread.items.push({ n, data })
    byAbout.set(about, thread)
  }
  return [...byAbout.values()]
}

/** The feed: counts, unread, and the groups of notifications. Also served alone as `/feed`. */
export function renderFeed(input: PageInput): string {
  const c = kindContext(input)
  const { people } = c
  const viewing = input.viewer !== undefined && input.viewer !== ''
  const list = threads(input.notifications)
    .map((thread) => {
      const first = thread.items[0]
      if (first === undefined) return ''
      const objectName = thread.items
        .map(({ data }) => rec(data['object']))
        .find((o) => o['id'] === thread.about && text(o['name']) !== undefined)?.['name']
      const title =
        c.proposal(thread.about)?.name ??
        people.get(thread.about) ??
        text(objectName) ??
        (thread.about === first.n.source ||
        input.tools.has(thread.about) ||
        /^https?:\/\/[^/]+$/.test(thread.about)
          ? c.tool(thread.about)
          : labelOf(first.n.type))
      const where = `${c.tool(first.n.source)} · ${c.group(first.n.group)}`
      const unreadHere = viewing
        ? thread.items.filter(({ n }) => !(input.read?.has(`${n.source} ${n.id}`) ?? false)).length
        : 0
      const items = thread.items
        .map(({ n, data }) => {
          const kind = renderKind(
            {
              type: n.type,
              source: n.source,
              group: n.group,
              // The summary in the reader's language, when the event has one (DOC-LANG-002).
              summary: localized(n.summary, data['summaryMap'], input.languages ?? []),
              data,
            },
            c,
          )
          const isUnread = viewing && !(input.read?.has(`${n.source} ${n.id}`) ?? false)
          const actor = rec(data['actor'])
          const tool = c.tool(n.source)
          const who =
            actor['type'] === 'Person' ||
            (typeof actor['id'] === 'string' && people.has(actor['id']))
              ? `${esc(c.person(actor['id'], actor['name']))} · ${esc(tool)}`
              : esc(tool)
          // A link only to an https: or http: URL (DOC-RND-002), an icon only with its alt (DOC-RND-004).
          const open = isLink(n.url)
            ? `<a href="${esc(n.url)}">Open in ${esc(tool)}<span class="visually-hidden">: ${esc(title)}</span></a>`
            : `<span>${esc(tool)}</span>`
          const mark = isUnread
            ? ` <button type="button" class="mark-read" data-source="${esc(n.source)}" data-id="${esc(n.id)}">Mark read<span class="visually-hidden">: ${esc(kind.label)}, ${esc(title)}</span></button>`
            : ''
          return `<li class="notification${isUnread ? ' unread' : ''}" data-source="${esc(n.source)}" data-id="${esc(n.id)}" data-type="${esc(n.type)}">
<div class="what">${isUnread ? '<span class="dot" aria-hidden="true"></span><span class="visually-hidden">Unread: </span>' : ''}<span class="tag${kind.known ? '' : ' other'}" title="${esc(n.type)}">${esc(kind.label)}</span> ${iconHtml(data['icon'])}${kind.html}</div>
<p class="meta"><span class="who">${who}</span> · ${time(n.published, input.now)} · ${open}${mark}</p></li>`
        })
        .join('\n')
      return `<section class="thread" data-about="${esc(thread.about)}" aria-label="${esc(title)}">
<h2><span class="title">${esc(title)}</span> <span class="where">${esc(where)}${unreadHere > 0 ? ` · <span class="thread-unread">${unreadHere} unread</span>` : ''}</span></h2>
<ol>${items}</ol></section>`
    })
    .join('\n')
  const unread = viewing
    ? `<p class="unread-line"><span id="unread-count" data-count="${input.unread ?? 0}">${input.unread ?? 0} unread</span> for ${esc(c.person(input.viewer))}${(input.unread ?? 0) > 0 ? ` <button type="button" id="mark-all">Mark all read</button>` : ''}</p>`
    : '<p class="unread-line muted">Choose who is reading to see what is unread.</p>'
  const hidden =
    input.hidden === undefined || input.hidden.count === 0
      ? ''
      : `<p class="roster-hidden">${input.hidden.count} membership ${input.hidden.count === 1 ? 'change is' : 'changes are'} not shown: ${esc(input.hidden.groups.map((g) => c.group(g)).join(', '))} ${input.hidden.groups.length === 1 ? 'shows its roster' : 'show their rosters'} only to verified members, and this dashboard does not verify who is reading.</p>`
  return `<div class="status"><p id="count" role="status">${input.notifications.length} of ${input.all.length} notifications</p>${unread}</div>${hidden}
${list || '<p class="empty">No notifications match.</p>'}`
}

function select(
  name: string,
  label: string,
  all: string,
  values: [string, string][],
  current?: string,
): string {
  const opts = [['', all] as [string, string], ...values]
    .map(
      ([v, l]) =>
        `<option value="${esc(v)}"${v === (current ?? '') ? ' selected' : ''}>${esc(l)}</option>`,
    )
    .join('')
  return `<label for="filter-${name}">${esc(label)}</label><select name="${name}" id="filter-${name}">${opts}</select>`
}

const CSS = `*{box-sizing:border-box}
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d232a;background:#f6f7f9}
.top{background:#fff;border-bottom:1px solid #dde1e6;padding:1rem}
.top>div,main{max-width:60rem;margin:0 auto}
h1{font-size:1.35rem;margin:0}h1 .sub{font-weight:400;color:#4a5461}
.legend{margin:.25rem 0 0;font-size:.85rem;color:#4a5461}.legend .ok{color:#0a6b2d;font-weight:600}
#live-status{font-size:.8rem;color:#4a5461}
main{padding:1rem}
form{display:grid;grid-template-columns:repeat(auto-fit,minmax(10rem,1fr));gap:.25rem .75rem;margin:0 0 1rem}
form label{font-size:.8rem;color:#4a5461;grid-row:1}form select{grid-row:2;width:100%;min-width:0;font:inherit;padding:.35rem;border:1px solid #8a94a0;border-radius:4px;background:#fff}
form .field{display:flex;flex-direction:column;gap:.15rem;min-width:0}
button{font:inherit;font-size:.85rem;padding:.2rem .6rem;border:1px solid #1a5fb4;border-radius:4px;background:#fff;color:#1a5fb4;cursor:pointer}
button:hover{background:#eaf1fb}
:focus-visible{outline:3px solid #1a5fb4;outline-offset:2px}
.status{display:flex;flex-wrap:wrap;gap:.25rem 1.5rem;align-items:center;margin-bottom:.5rem}.status p{margin:0}
#unread-count{font-weight:600;color:#8a1c1c}
.thread{background:#fff;border:1px solid #dde1e6;border-radius:6px;margin:0 0 1rem;padding:.75rem 1rem}
.thread h2{font-size:1rem;margin:0 0 .25rem;overflow-wrap:anywhere}.thread h2 .where{display:block;font-weight:400;font-size:.8rem;color:#4a5461}
.thread-unread{color:#8a1c1c;font-weight:600}
ol{list-style:none;margin:0;padding:0}
.notification{padding:.5rem 0;border-top:1px solid #eceff2;overflow-wrap:anywhere}
.notification p{margin:0}.what{position:relative}
.unread .what{font-weight:500}
.dot{display:inline-block;width:.55rem;height:.55rem;border-radius:50%;background:#c0392b;margin-right:.35rem;vertical-align:middle}
.meta{font-size:.85rem;color:#4a5461}.meta a{color:#1a5fb4}.meta button{margin-left:.25rem}
.tag{display:inline-block;font-size:.75rem;font-weight:600;background:#e3ecf7;color:#16427a;border-radius:3px;padding:0 .4rem;margin-right:.25rem}
.tag.other{background:#efe9f7;color:#4b2a7a}
.muted{color:#4a5461}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (min-width:60rem){form{grid-template-columns:repeat(5,1fr)}}`

/** The whole page: header, filters (they apply at once, and live in the URL), and the feed. */
export function renderPage(input: PageInput): string {
  const { filter, all, tools, names } = input
  const { people } = kindContext(input)
  const uniq = (values: string[]) => [...new Set(values)].sort()
  const groups = uniq(all.map((n) => n.group))
  const heading =
    groups.length === 1 && groups[0] !== undefined ? names.group(groups[0]) : 'Your groups'
  const sortedPeople = [...people].sort((a, b) => a[1].localeCompare(b[1]))
  const types = uniq(all.map((n) => n.type))
  const labels = new Map<string, number>()
  for (const t of types) labels.set(labelOf(t), (labels.get(labelOf(t)) ?? 0) + 1)
  const typeLabel = (t: string) =>
    (labels.get(labelOf(t)) ?? 0) > 1 ? `${labelOf(t)} (${t})` : labelOf(t)
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(heading)}: notifications</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">
<style>${CSS}
${KINDS_CSS}</style><script src="/client.js" defer></script></head><body>
<header class="top"><div><h1>${esc(heading)} <span class="sub">notifications</span></h1>
<p class="legend"><span class="ok" aria-hidden="true">✓</span> Every event here was signed by the tool that sent it and its signature verified on arrival. <span id="live-status">Live updates need script.</span></p></div></header>
<main>
<form id="filters" method="get" action="/" aria-label="Filters">
<div class="field">${select('as', 'Reading as', 'nobody', sortedPeople, input.viewer)}</div>
<div class="field">${select(
    'tool',
    'Tool',
    'All tools',
    [...tools].sort((a, b) => a[1].localeCompare(b[1])),
    filter.tool,
  )}</div>
<div class="field">${select(
    'group',
    'Group',
    'All groups',
    groups.map((g) => [g, names.group(g)]),
    filter.group,
  )}</div>
<div class="field">${select(
    'type',
    'Type',
    'All types',
    types
      .map((t) => [t, typeLabel(t)] as [string, string])
      .sort((a, b) => a[1].localeCompare(b[1])),
    filter.type,
  )}</div>
<div class="field">${select('member', 'Member', 'All members', sortedPeople, filter.member)}</div>
<noscript><button type="submit">Apply filters</button></noscript>
</form>
<div id="feed">${renderFeed(input)}</div>
</main></body></html>`
}

export { hostOf }
