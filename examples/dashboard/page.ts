// The dashboard's one page, rendered on the server. Every event is shown from the renderable
// minimum (summary, actor, time, group, link), so a type the dashboard has never seen still shows.
import { esc } from '../src/http.js'

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
}

/** What the page is narrowed to. */
export interface Filter {
  readonly tool?: string | undefined
  readonly group?: string | undefined
  readonly type?: string | undefined
  /** A member's IRI: events they did, are about them, or are addressed to them. */
  readonly member?: string | undefined
}

/** Labels for the core types the dashboard knows; any other type shows as itself. */
const KNOWN: Readonly<Record<string, string>> = {
  'tech.collaborative.membership.joined': 'joined',
  'tech.collaborative.membership.removed': 'removed',
  'tech.collaborative.group.tool.connected': 'tool connected',
  'tech.collaborative.proposal.published': 'proposal',
  'tech.collaborative.intent.matched': 'match',
  'tech.collaborative.agreement.accepted': 'agreement',
}

const CSS = `body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1d232a}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}form{display:flex;gap:.75rem;flex-wrap:wrap;align-items:end;margin:1rem 0}
label{display:flex;flex-direction:column;font-size:.8rem;color:#555}select,button{font:inherit;padding:.25rem}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid #e3e6ea;vertical-align:top}
th{font-size:.8rem;color:#555}.tag{font-size:.75rem;background:#eef2f6;border-radius:3px;padding:0 .35rem;white-space:nowrap}
.unknown{background:#fff4d6}.ok{color:#0a7a32;font-weight:600}.muted{color:#777;font-size:.8rem}`

function options(name: string, label: string, values: [string, string][], current?: string) {
  const opts = [['', `all`] as [string, string], ...values]
    .map(
      ([v, l]) =>
        `<option value="${esc(v)}"${v === (current ?? '') ? ' selected' : ''}>${esc(l)}</option>`,
    )
    .join('')
  return `<label>${esc(label)}<select name="${name}" id="filter-${name}">${opts}</select></label>`
}

/** The page: filters, then one table per group. */
export function renderPage(input: {
  filter: Filter
  notifications: readonly Notification[]
  all: readonly Notification[]
  tools: ReadonlyMap<string, string>
}): string {
  const { filter, notifications, all, tools } = input
  const uniq = (values: string[]) => [...new Set(values)].sort()
  const members = new Map<string, string>()
  for (const n of all)
    if (n.actorId !== null && n.actorName !== null) members.set(n.actorId, n.actorName)
  const groups = uniq(notifications.map((n) => n.group))
  const toolName = (source: string) => tools.get(source) ?? source
  const sections = groups
    .map((group) => {
      const rows = notifications
        .filter((n) => n.group === group)
        .map((n) => {
          const label = KNOWN[n.type]
          return `<tr class="notification" data-source="${esc(n.source)}" data-type="${esc(n.type)}">
<td>${esc(n.published.replace('T', ' ').replace('Z', ''))}</td>
<td>${esc(toolName(n.source))}</td>
<td><span class="tag${label === undefined ? ' unknown' : ''}" title="${esc(n.type)}">${esc(label ?? n.type)}</span></td>
<td>${esc(n.summary)}<div class="muted">${esc(n.actorName ?? 'someone')}</div></td>
<td><span class="ok verified" title="signature verified with ${esc(n.kid)}">✓ signed</span><div class="muted">${esc(n.via)}</div></td>
<td><a href="${esc(n.url)}">open in ${esc(toolName(n.source))}</a></td></tr>`
        })
        .join('\n')
      return `<h2>Group <code>${esc(group)}</code></h2>
<table><thead><tr><th>when (UTC)</th><th>tool</th><th>type</th><th>what</th><th>signature</th><th>link</th></tr></thead>
<tbody>${rows}</tbody></table>`
    })
    .join('\n')
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Group dashboard</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">
<style>${CSS}</style></head><body>
<h1>Group dashboard</h1>
<p class="muted">Signed events from every tool the group uses, verified on arrival (push or pull) and kept once each.</p>
<form method="get" action="/">
${options(
  'tool',
  'tool',
  [...tools].map(([o, n]) => [o, n]),
  filter.tool,
)}
${options(
  'group',
  'group',
  uniq(all.map((n) => n.group)).map((g) => [g, g]),
  filter.group,
)}
${options(
  'type',
  'type',
  uniq(all.map((n) => n.type)).map((t) => [t, t]),
  filter.type,
)}
${options(
  'member',
  'member',
  [...members].sort((a, b) => a[1].localeCompare(b[1])),
  filter.member,
)}
<button type="submit" id="apply">Filter</button> <a href="/">clear</a></form>
<p id="count">${notifications.length} of ${all.length} notifications</p>
${sections || '<p>No notifications.</p>'}
</body></html>`
}
