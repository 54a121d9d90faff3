// The one page layout of the example tools: every object an event links to (a poll, a member, a
// bucket, an offer…) is a page in this layout, served by the tool that owns it, so that a link on
// the dashboard opens something that reads well at 390 px and at 1440 px. A request that asks for
// JSON (`Accept: application/json`) gets the object's document instead; an object that does not
// exist is a 404 with the coded problem `ERR_NOT_FOUND`, as a page or as `application/problem+json`.
import { ProtocolError, problemFor } from '@cta-interop/sdk'
import { esc } from './http.js'

/** The tool a page belongs to: its name, and its origin (its home page). */
export interface PageTool {
  readonly name: string
  readonly origin: string
}

/** A link in a page's trail or its "related" list. */
export interface PageLink {
  readonly href: string
  readonly text: string
}

/** The tone of a status badge; each pairs a background and a text colour above 4.5:1 contrast. */
export type Tone = 'open' | 'closed' | 'done' | 'ended' | 'info'

/** Options of {@link renderPage}. */
export interface PageOptions {
  readonly tool: PageTool
  /** What the object is ("Poll", "Bucket"): shown above the heading and in the title. */
  readonly kind?: string
  /** The heading; with `kind`, the document's title too. */
  readonly title: string
  /** A status badge beside the heading (`open`, `funded`…). */
  readonly status?: { readonly label: string; readonly tone: Tone }
  /** Links back (the group, the tool's home), shown as a trail above the heading. */
  readonly trail?: readonly PageLink[]
  /** The page's content, already HTML (built with the helpers below, which escape). */
  readonly body: string
  /** Whether the URL also answers with the object's JSON document (said in the footer). */
  readonly document?: boolean
}

const CSS = `:root{color-scheme:light;--ink:#1b2129;--muted:#4b5563;--line:#d9dee5;--bg:#f4f6f8;--card:#fff;--accent:#0b57a4}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif}
a{color:var(--accent);text-underline-offset:2px}a:hover{text-decoration-thickness:2px}
a:focus-visible{outline:3px solid #f0b400;outline-offset:2px;border-radius:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:.5rem;background:#fff;padding:.25rem .5rem;z-index:1}
header.site{background:var(--ink);color:#fff}
header.site div{max-width:52rem;margin:0 auto;padding:.7rem 1rem;display:flex;gap:.5rem 1rem;align-items:baseline;flex-wrap:wrap}
header.site a{color:#fff;font-weight:650;text-decoration:none}header.site a:hover{text-decoration:underline}
header.site span{color:#c9d1db;font-size:.875rem;overflow-wrap:anywhere}
main{max-width:52rem;margin:0 auto;padding:1.25rem 1rem 3rem}
nav.trail ol{list-style:none;margin:0 0 .75rem;padding:0;display:flex;flex-wrap:wrap;gap:.25rem;font-size:.9rem}
nav.trail li+li::before{content:"›";color:var(--muted);margin-right:.25rem}
.kind{margin:0;display:flex;flex-wrap:wrap;align-items:center;gap:.35rem .6rem;color:var(--muted);font-size:.8rem;font-weight:650}
.kind-label{letter-spacing:.06em;text-transform:uppercase}
h1{margin:.15rem 0 1rem;font-size:clamp(1.4rem,4.5vw,2rem);line-height:1.2;overflow-wrap:anywhere}
h2{font-size:1.1rem;margin:1.75rem 0 .5rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:1rem 1.25rem}
dl.facts{display:grid;grid-template-columns:minmax(8rem,max-content) 1fr;gap:.55rem 1.25rem;margin:0}
dl.facts dt{color:var(--muted);font-weight:600}dl.facts dd{margin:0;overflow-wrap:anywhere}
.badge{display:inline-block;border-radius:999px;padding:.05rem .6rem;font-size:.8rem;font-weight:650;white-space:nowrap}
.badge.open{background:#dff3e4;color:#0b5a28}.badge.closed{background:#e7eaee;color:#323c48}
.badge.done{background:#dbeafe;color:#173f8a}.badge.ended{background:#fde2e1;color:#8a1c17}
.badge.info{background:#fdf0d2;color:#6b4300}
.amount{font-variant-numeric:tabular-nums;font-weight:600}
.amount abbr{text-decoration:none;font-weight:500;color:var(--muted)}
ul.items{list-style:none;margin:0;padding:0;background:var(--card);border:1px solid var(--line);border-radius:10px}
ul.items li{padding:.65rem 1rem;border-top:1px solid var(--line);display:flex;flex-wrap:wrap;gap:.25rem 1rem;justify-content:space-between}
ul.items li:first-child{border-top:0}ul.items .meta{color:var(--muted);font-size:.9rem}
blockquote{margin:0;padding:.75rem 1rem;border-left:4px solid var(--accent);background:#eef4fb;border-radius:0 8px 8px 0}
.empty{color:var(--muted)}code{font-size:.85em;overflow-wrap:anywhere}
footer{max-width:52rem;margin:0 auto;padding:0 1rem 2rem;color:var(--muted);font-size:.85rem}
@media (max-width:30rem){dl.facts{grid-template-columns:1fr;gap:.1rem}dl.facts dd{margin-bottom:.6rem}.card{padding:.85rem 1rem}}`

/**
 * A whole HTML page in the examples' layout: `lang`, viewport, one `h1`, a trail of links back, a
 * skip link and the tool's name in a banner.
 */
export function renderPage(options: PageOptions): string {
  const { tool, kind, title, status, trail = [], body, document = false } = options
  const crumbs =
    trail.length === 0
      ? ''
      : `<nav class="trail" aria-label="Breadcrumb"><ol>${trail
          .map((l) => `<li>${link(l.href, l.text)}</li>`)
          .join('')}</ol></nav>`
  const named = kind === undefined ? title : `${kind}: ${title}`
  const documentTitle = named === tool.name ? named : `${named} · ${tool.name}`
  const badgeHtml = status === undefined ? '' : badge(status.label, status.tone)
  const eyebrow =
    kind === undefined && status === undefined
      ? ''
      : `<p class="kind">${kind === undefined ? '' : `<span class="kind-label">${esc(kind)}</span>`}${badgeHtml}</p>`
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(documentTitle)}</title>
<link rel="icon" href="data:,">
<style>${CSS}</style></head>
<body><a class="skip" href="#main">Skip to content</a>
<header class="site"><div><a href="${esc(`${tool.origin}/`)}">${esc(tool.name)}</a><span>${esc(new URL(tool.origin).host)}</span></div></header>
<main id="main">${crumbs}${eyebrow}
<h1>${esc(title)}</h1>
${body}
</main>
<footer>Served by ${esc(tool.name)}.${document ? ' This page is also a JSON document: ask with <code>Accept: application/json</code>.' : ''}</footer>
</body></html>`
}

/** An HTML response. */
export function htmlPage(options: PageOptions, status = 200): Response {
  return new Response(renderPage(options), {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8', vary: 'Accept' },
  })
}

/** A link; text and address escaped. */
export const link = (href: string, text: string): string =>
  `<a href="${esc(href)}">${esc(text)}</a>`

/** A status badge. */
export const badge = (label: string, tone: Tone): string =>
  `<span class="badge ${tone}">${esc(label)}</span>`

/** A card of labelled facts (`<dl>`); values are HTML, `undefined` ones are left out. */
export function facts(rows: readonly (readonly [string, string | undefined])[]): string {
  const items = rows
    .filter((r): r is readonly [string, string] => r[1] !== undefined)
    .map(([label, value]) => `<dt>${esc(label)}</dt><dd>${value}</dd>`)
    .join('')
  return `<div class="card"><dl class="facts">${items}</dl></div>`
}

/** A section with an `h2` heading. */
export const section = (heading: string, content: string): string =>
  `<section><h2>${esc(heading)}</h2>${content}</section>`

/** A list of rows (each: the main HTML, and a muted note); `empty` when there is none. */
export function items(rows: readonly (readonly [string, string?])[], empty: string): string {
  if (rows.length === 0) return `<p class="empty">${esc(empty)}</p>`
  const lis = rows
    .map(
      ([main, meta]) =>
        `<li><span>${main}</span>${meta === undefined ? '' : `<span class="meta">${meta}</span>`}</li>`,
    )
    .join('')
  return `<ul class="items">${lis}</ul>`
}

/** A currency as a page shows it. */
export interface PageCurrency {
  readonly symbol?: string
  readonly name?: string
  readonly decimals?: number
}

/** An amount written with the currency's decimals (`28` → `28.00`), as text. */
export function amountText(value: string, currency: PageCurrency | undefined): string {
  const decimals = currency?.decimals
  const [whole = '0', fraction = ''] = value.split('.')
  return decimals === undefined
    ? value
    : decimals === 0
      ? whole
      : `${whole}.${fraction.padEnd(decimals, '0')}`
}

/** An amount with its currency: `28.00 HC`, the currency's name on hover. */
export function amount(value: string, currency: PageCurrency | undefined): string {
  const shown = amountText(value, currency)
  const unit =
    currency === undefined
      ? ''
      : ` <abbr title="${esc(currency.name ?? currency.symbol ?? '')}">${esc(currency.symbol ?? currency.name ?? '')}</abbr>`
  return `<span class="amount">${esc(shown)}${unit}</span>`
}

/** A time, readable (`3 Dec 2026, 10:40 UTC`), with the exact RFC 3339 time on hover. */
export function when(iso: string | undefined): string {
  if (iso === undefined) return '<span class="empty">unknown</span>'
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return esc(iso)
  const shown = new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'UTC',
  }).format(date)
  return `<time datetime="${esc(iso)}" title="${esc(iso)}">${esc(shown)} UTC</time>`
}

/**
 * Whether a request asks for JSON rather than a page: its `Accept` names a JSON type
 * (`application/json`, `application/ld+json`, `application/activity+json`) before any HTML type,
 * or names no HTML type at all. A browser's navigation names `text/html` first.
 */
export function wantsJson(request: Request): boolean {
  const accept = (request.headers.get('accept') ?? '').toLowerCase()
  const types = accept
    .split(',')
    .map((part) => {
      const [type = '', ...params] = part.split(';').map((s) => s.trim())
      const q = params.find((p) => p.startsWith('q='))
      return { type, q: q === undefined ? 1 : Number(q.slice(2)) }
    })
    .filter((t) => t.q > 0)
  const rank = (test: (type: string) => boolean): number =>
    Math.max(-1, ...types.filter((t) => test(t.type)).map((t) => t.q))
  const jsonQ = rank((t) => t === 'application/json' || /^application\/[\w.-]+\+json$/.test(t))
  const htmlQ = rank((t) => t === 'text/html' || t === 'application/xhtml+xml' || t === '*/*')
  return jsonQ >= 0 && jsonQ >= htmlQ
}

/** The object's document as JSON, or its page: whichever the request asks for. */
export function objectResponse(request: Request, document: unknown, page: PageOptions): Response {
  if (wantsJson(request)) {
    return new Response(JSON.stringify(document), {
      headers: { 'content-type': 'application/json', vary: 'Accept' },
    })
  }
  return htmlPage({ ...page, document: true })
}

/**
 * The answer for an object that does not exist: `404` with the problem `ERR_NOT_FOUND`, as
 * `application/problem+json` when JSON is asked for, else as a page in the layout that shows the
 * code.
 */
export function notFound(request: Request, tool: PageTool, what = 'page'): Response {
  const problem = problemFor(new ProtocolError('ERR_NOT_FOUND', `no such ${what}`))
  if (wantsJson(request)) {
    return new Response(JSON.stringify(problem), {
      status: 404,
      headers: { 'content-type': 'application/problem+json', vary: 'Accept' },
    })
  }
  const path = new URL(request.url).pathname
  return htmlPage(
    {
      tool,
      kind: 'Not found',
      title: `No such ${what}`,
      trail: [{ href: `${tool.origin}/`, text: tool.name }],
      body: `<div class="card"><p>${esc(tool.name)} has nothing at <code>${esc(path)}</code>.</p>
<dl class="facts"><dt>Status</dt><dd>404</dd><dt>Problem</dt><dd><code>${esc(problem.code)}</code></dd>
<dt>Detail</dt><dd>${esc(problem.detail ?? '')}</dd></dl></div>`,
    },
    404,
  )
}
