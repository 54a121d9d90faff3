/**
 * The HTML rendering of a report: a single offline page ({@link renderHtml}) and the fragment
 * the spec site embeds in its conformance page ({@link renderReportFragment}). Failures come
 * first; inapplicable tests are folded away; each requirement ID links to its anchor in the spec;
 * a live case's HTTP exchanges are in the page; paths of the machine that ran it are made
 * relative to the project.
 */
import { homedir } from 'node:os'
import type { Exchange } from '../live/wire.js'
import {
  notProvenNote,
  type ProfileVerdict,
  type RunResult,
  type Status,
  type TestResult,
} from '../run.js'
import { requirementIri, SPEC_BASE } from './earl.js'
import { statusIcon } from './icons.js'
import type { Report } from './report.js'

/** How the HTML report links requirements and shortens paths. */
export interface HtmlOptions {
  /**
   * Where the spec is published: a requirement links to `<specBase><chapter>#<ID>`. Default: the
   * environment's `CTA_SPEC_BASE` (so that the CLI's reports can link a mirror), else
   * `https://w3id.org/cta/spec/`; the spec site passes `/`.
   */
  readonly specBase?: string
  /** A requirement's link, when the caller knows better than its ID's prefix (the site's registry). */
  readonly requirementHref?: (id: string) => string | undefined
  /** The project directory: paths under it are written relative to it. Default the working directory. */
  readonly cwd?: string
}

/** Where the fragment sits in a page. */
export interface FragmentOptions extends HtmlOptions {
  /** Level of its section headings. Default 2. */
  readonly headingLevel?: 2 | 3
  /** Prefix of its ids, so that several reports on one page keep distinct ids. */
  readonly idPrefix?: string
}

/** The longest body shown of one exchange; the JSON report holds it whole (up to 4 KiB). */
const MAX_BODY = 1500

/** Failures first, then what did not prove anything, then passes; inapplicable are folded. */
const ORDER: readonly Status[] = [
  'failed',
  'errored',
  'expected-fail',
  'untested',
  'passed',
  'inapplicable',
]

const VERDICT_CLASS: Record<string, string> = {
  'conformant+recommended': 'ok',
  conformant: 'ok',
  'not-conformant': 'bad',
  'not-proven': 'warn',
  'partially-tested': 'warn',
  'not-claimed': 'none',
}
const VERDICT_ICON: Record<string, Status> = {
  ok: 'passed',
  bad: 'failed',
  warn: 'expected-fail',
  none: 'inapplicable',
}

/** Text as HTML: escaped, without the characters HTML cannot carry. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD]/gu, '')
}
const h = escapeHtml

/**
 * Text with the machine's paths made relative: `<cwd>/x` becomes `x`, `<cwd>` itself `.`, and
 * the home directory `~`. Applied to the rendered page, so that nothing escapes it.
 */
export function relativePaths(text: string, cwd: string): string {
  let out = text
  const dir = cwd.replace(/\/+$/, '')
  const home = homedir().replace(/\/+$/, '')
  for (const [from, to] of [
    [dir, '.'],
    [home, '~'],
  ] as const) {
    if (from.split('/').length < 3) continue // `/` or `/work`: too short to be sure it is a path
    for (const form of new Set([from, h(from)])) {
      out = out.split(`${form}/`).join(to === '.' ? '' : `${to}/`)
      out = out.replace(
        new RegExp(`${form.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w.-])`, 'g'),
        to,
      )
    }
  }
  return out
}

/** The page's view of a report: every field may be missing (an old or partial `report.json`). */
interface LooseReport {
  readonly suite?: Partial<Report['suite']>
  readonly implementation?: Partial<Report['implementation']>
  readonly mode?: string
  readonly harness?: string
  readonly command?: string
  readonly startedAt?: string
  readonly durationMs?: number
  readonly options?: { readonly sut?: string }
  readonly summary?: Partial<Report['summary']>
  readonly verdicts?: readonly Partial<ProfileVerdict>[]
  readonly tests?: readonly Partial<TestResult>[]
  readonly warnings?: readonly string[]
}

const plural = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`

/** Links requirement IDs to their anchors in the spec. */
function linker(options: HtmlOptions): (id: string) => string {
  const env = process.env['CTA_SPEC_BASE']
  const base = options.specBase ?? (env === undefined || env === '' ? SPEC_BASE : env)
  return (id) => {
    const href = options.requirementHref?.(id) ?? requirementIri(id)?.replace(SPEC_BASE, () => base)
    return href === undefined
      ? `<code>${h(id)}</code>`
      : `<a class="req-link" href="${h(href)}"><code>${h(id)}</code></a>`
  }
}

const COUNTED: readonly Status[] = [
  'passed',
  'failed',
  'errored',
  'expected-fail',
  'inapplicable',
  'untested',
]
const countsLine = (counts: Partial<Record<Status, number>> | undefined): string =>
  COUNTED.map((s) => `${counts?.[s] ?? 0} ${s === 'expected-fail' ? 'expected fail' : s}`).join(
    ' · ',
  )

function verdictCard(
  v: Partial<ProfileVerdict>,
  link: (id: string) => string,
  level: number,
): string {
  const verdict = v.verdict ?? 'unknown'
  const cls = VERDICT_CLASS[verdict] ?? 'none'
  const untested = v.untestedRequirements ?? []
  const lines = [
    `<section class="card ${cls}"><h${level} class="card-title">${statusIcon(VERDICT_ICON[cls] ?? 'untested')} ${h(v.profile ?? '')}</h${level}>`,
    `<p class="verdict">${h(verdict)}</p>`,
    `<p class="counts">${countsLine(v.counts)}</p>`,
  ]
  const mustFailures = v.mustFailures ?? 0
  if (mustFailures > 0)
    lines.push(`<p><strong>${plural(mustFailures, 'MUST failure')}</strong></p>`)
  if (verdict === 'not-proven') {
    lines.push(
      `<p><strong>${plural(v.mustUntested ?? 0, 'MUST case')} untested: not proven</strong></p>`,
    )
  }
  if (v.claimed === true && verdict !== 'not-conformant' && untested.length > 0) {
    lines.push(
      `<p class="untested-requirements"><strong>${plural(untested.length, 'MUST requirement')} not tested in this run:</strong> ${untested.map(link).join(' ')}</p>`,
    )
  }
  lines.push('</section>')
  return lines.join('\n')
}

/** A body as the page shows it: JSON indented when it is whole, cut after {@link MAX_BODY}. */
function bodyText(body: string): string {
  let text = body
  try {
    text = JSON.stringify(JSON.parse(body), null, 2)
  } catch {
    // Not JSON (or cut by the recorder): shown as recorded.
  }
  return text.length <= MAX_BODY
    ? text
    : `${text.slice(0, MAX_BODY)}\n… ${text.length - MAX_BODY} more characters (report.json has the body as recorded)`
}

const headerLines = (headers: Readonly<Record<string, string>> | undefined): string[] =>
  Object.entries(headers ?? {}).map(([k, v]) => `${k}: ${v}`)

/** One HTTP exchange: the request line and status first, headers and bodies under them. */
function exchangeHtml(x: Partial<Exchange>): string {
  const who = x.direction === 'in' ? 'tool → suite' : 'suite → tool'
  const status =
    x.error !== undefined
      ? `<span class="http-status http-error">${h(x.error)}</span>`
      : x.status === undefined
        ? '<span class="http-status">no answer</span>'
        : `<span class="http-status http-${String(x.status).charAt(0)}xx">${x.status}</span>`
  const request = [...headerLines(x.requestHeaders)]
  if (x.requestBody !== undefined) request.push('', bodyText(x.requestBody))
  const response = [...headerLines(x.responseHeaders)]
  if (x.responseBody !== undefined) response.push('', bodyText(x.responseBody))
  return [
    `<li class="exchange"><p class="exchange-line"><span class="direction">${who}</span> <code class="request-line">${h(x.method ?? '')} ${h(x.url ?? '')}</code> ${status}</p>`,
    request.length > 0
      ? `<p class="exchange-part">Request</p><pre class="http">${h(request.join('\n'))}</pre>`
      : '',
    response.length > 0
      ? `<p class="exchange-part">Response</p><pre class="http">${h(response.join('\n'))}</pre>`
      : '',
    '</li>',
  ].join('')
}

/** The test's details: why, what was expected and seen, how to run it again, and its transcript. */
function detailsCell(t: Partial<TestResult>): string {
  const parts: string[] = []
  const facts = [
    `<dt>expected</dt><dd><code>${h(JSON.stringify(t.expected ?? null))}</code></dd>`,
    `<dt>actual</dt><dd><code>${t.actual === undefined ? '(none)' : h(JSON.stringify(t.actual))}</code></dd>`,
  ]
  if (t.repro !== undefined) facts.push(`<dt>reproduce</dt><dd><code>${h(t.repro)}</code></dd>`)
  if (t.expectation !== undefined) {
    facts.push(
      `<dt>known failure</dt><dd>${h(`${t.expectation.reason} ${t.expectation.link}`)}</dd>`,
    )
  }
  parts.push(
    `<details class="test-details"><summary>${h(t.message ?? 'expected, actual, reproduce')}</summary><dl class="facts">${facts.join('')}</dl></details>`,
  )
  const transcript = t.transcript ?? []
  if (transcript.length > 0) {
    parts.push(
      `<details class="transcript"><summary>Wire transcript: ${plural(transcript.length, 'HTTP exchange')}</summary><ol class="exchanges">${transcript.map(exchangeHtml).join('')}</ol></details>`,
    )
  }
  return parts.join('')
}

function testRow(t: Partial<TestResult>, link: (id: string) => string): string {
  const status = t.status ?? 'untested'
  return (
    `<tr class="${status}" data-status="${status}" data-test="${h(t.id ?? '')}">` +
    `<td class="status" data-label="Status">${statusIcon(status)} ${status}</td>` +
    `<td class="test" data-label="Test"><code>${h(t.id ?? '')}</code><br>${h(t.title ?? '')}</td>` +
    `<td class="requirements" data-label="Requirements">${(t.requirements ?? []).map(link).join(' ')}</td>` +
    `<td class="level" data-label="Level">${h(t.level ?? '')}</td>` +
    `<td data-label="Profiles">${h((t.profiles ?? []).join(', '))}</td>` +
    `<td class="details" data-label="Details">${detailsCell(t)}</td></tr>`
  )
}

function testsTable(tests: readonly Partial<TestResult>[], link: (id: string) => string): string {
  return (
    '<table class="tests"><thead><tr><th>Status</th><th>Test</th><th>Requirements</th><th>Level</th><th>Profiles</th><th>Details</th></tr></thead><tbody>\n' +
    tests.map((t) => testRow(t, link)).join('\n') +
    '\n</tbody></table>'
  )
}

/**
 * The report as an HTML fragment in `<div class="cta-report">`, styled by {@link REPORT_CSS}:
 * the run, a card per profile's verdict, then the tests, failures first and the inapplicable
 * ones folded in a closed `<details>`. Tolerates a partial report (fields missing are left out).
 */
export function renderReportFragment(report: Report, options: FragmentOptions = {}): string {
  const r = report as LooseReport
  const link = linker(options)
  const level = options.headingLevel ?? 2
  const prefix = options.idPrefix ?? ''
  const heading = (text: string, id: string): string =>
    `<h${level} id="${h(prefix + id)}">${text}</h${level}>`
  const s = r.summary
  const facts: string[] = []
  const fact = (name: string, value: string | undefined): void => {
    if (value !== undefined) facts.push(`<dt>${name}</dt><dd>${value}</dd>`)
  }
  fact(
    'Implementation',
    r.implementation === undefined
      ? undefined
      : h(`${r.implementation.name ?? ''} ${r.implementation.version ?? ''}`),
  )
  fact(
    'Suite',
    r.suite === undefined
      ? undefined
      : `${h(`${r.suite.name ?? ''} ${r.suite.version ?? ''}`)}${r.suite.vectorCount === undefined ? '' : `, ${r.suite.vectorCount} vectors`}${r.suite.vectorsDigest === undefined ? '' : `, <code>${h(r.suite.vectorsDigest)}</code>`}`,
  )
  fact('Mode', r.mode === undefined ? undefined : h(r.mode))
  fact('Harness', r.harness === undefined ? undefined : `<code>${h(r.harness)}</code>`)
  fact('Command', r.command === undefined ? undefined : `<code>${h(r.command)}</code>`)
  fact(
    'Started',
    r.startedAt === undefined
      ? undefined
      : `${h(r.startedAt)}${r.durationMs === undefined ? '' : ` (${(r.durationMs / 1000).toFixed(2)} s)`}`,
  )
  fact('Totals', s === undefined ? undefined : countsLine(s))
  const tests = [...(r.tests ?? [])].sort(
    (a, b) => ORDER.indexOf(a.status ?? 'untested') - ORDER.indexOf(b.status ?? 'untested'),
  )
  const shown = tests.filter((t) => t.status !== 'inapplicable')
  const folded = tests.filter((t) => t.status === 'inapplicable')
  const out = [`<div class="cta-report">`]
  if (facts.length > 0) out.push(heading('Run', 'run'), `<dl class="run">${facts.join('\n')}</dl>`)
  const verdicts = r.verdicts ?? []
  if (verdicts.length > 0) {
    out.push(
      heading('Verdicts by profile', 'verdicts'),
      `<div class="cards">${verdicts.map((v) => verdictCard(v, link, level + 1)).join('\n')}</div>`,
    )
  }
  const note = notProvenNote({
    verdicts: verdicts.map((v) => ({ ...v, untestedRequirements: v.untestedRequirements ?? [] })),
    tests: r.tests ?? [],
  } as Pick<RunResult, 'verdicts' | 'tests'>)
  if (note !== undefined) {
    // The note names requirements in its text: each becomes a link too.
    out.push(
      `<p class="not-proven"><strong>${h(note).replace(/\b[A-Z]+-[A-Z]+-\d+\b/g, (id) => link(id))}</strong></p>`,
    )
  }
  const warnings = r.warnings ?? []
  if (warnings.length > 0) {
    out.push(
      heading('Warnings', 'warnings'),
      `<ul class="warnings">${warnings.map((w) => `<li>${h(w)}</li>`).join('')}</ul>`,
    )
  }
  if (r.tests !== undefined) {
    const counts = ORDER.map((st) => [st, tests.filter((t) => t.status === st).length] as const)
      .filter(([, n]) => n > 0)
      .map(([st, n]) => `${n} ${st}`)
    out.push(
      heading('Tests', 'tests'),
      `<p class="tests-summary">${plural(tests.length, 'test')}${counts.length > 0 ? `: ${counts.join(', ')}` : ''}. Failures first; each requirement links to the spec; a live case's HTTP exchanges are under its details.</p>`,
    )
    if (shown.length > 0) out.push(testsTable(shown, link))
    if (folded.length > 0) {
      out.push(
        `<details class="inapplicable-tests"><summary>${plural(folded.length, 'inapplicable test')} (profiles or features the implementation does not claim)</summary>`,
        testsTable(folded, link),
        '</details>',
      )
    }
  }
  out.push('</div>')
  return relativePaths(out.join('\n'), options.cwd ?? process.cwd())
}

/** The fragment's style, every rule scoped to `.cta-report` so that a host page keeps its own. */
export const REPORT_CSS = `.cta-report{--ok:#1a7f37;--bad:#cf222e;--warn:#9a6700;--line:#d0d7de;overflow-wrap:break-word}
.cta-report code,.cta-report dd{overflow-wrap:anywhere}
.cta-report .cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,16rem),1fr));gap:1rem}
.cta-report .card{border:2px solid #8c959f;border-radius:.5rem;padding:.2rem 1rem}
.cta-report .card-title{margin:.6rem 0 0;font-size:1.05rem;display:flex;align-items:center;gap:.4rem;border:0;padding:0}
.cta-report .verdict{font-size:1.3rem;font-weight:700;margin:.3rem 0}
.cta-report .counts{font-size:.85rem;margin:.3rem 0}
.cta-report .ok{border-color:var(--ok);background:#eefbf1}.cta-report .bad{border-color:var(--bad);background:#fff0f0}
.cta-report .warn{border-color:var(--warn);background:#fff8e5}.cta-report .none{opacity:.7}
.cta-report .card,.cta-report tr.failed,.cta-report tr.errored,.cta-report tr.expected-fail{color:#1f2328}
.cta-report dl.run{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:.2rem 1rem}
.cta-report dl.run dt{font-weight:600}.cta-report dl.run dd{margin:0}
.cta-report table.tests{display:table;border-collapse:collapse;width:100%;margin:1rem 0;table-layout:auto;font-size:.9rem}
.cta-report table.tests td,.cta-report table.tests th{border:0;border-bottom:1px solid var(--line);padding:.4rem;vertical-align:top;text-align:left;background:none}
.cta-report table.tests tr{background:none;border:0}
.cta-report tr.failed,.cta-report tr.errored{background:#fff0f0}.cta-report tr.expected-fail{background:#fff8e5}
.cta-report td.status,.cta-report td.level{white-space:nowrap}.cta-report .status-icon{display:inline-block;vertical-align:-3px;flex:none}
.cta-report td.details{min-width:14rem}
.cta-report td.test{min-width:15rem}
.cta-report a.req-link{white-space:nowrap}
.cta-report pre.http{white-space:pre-wrap;word-break:break-all;font-size:12px;line-height:1.4;margin:.2rem 0 .6rem;padding:.5rem;background:#f6f8fa;border-radius:.3rem;max-height:24rem;overflow:auto;color:#1f2328}
.cta-report ol.exchanges{padding-left:1.2rem;margin:.4rem 0}.cta-report .exchange{margin:.4rem 0}
.cta-report .exchange-line{margin:0}.cta-report .exchange-part{margin:.3rem 0 0;font-size:.8rem;font-weight:600}
.cta-report .direction{font-size:.8rem;color:#59636e}
.cta-report .http-status{font-weight:700}.cta-report .http-2xx{color:var(--ok)}.cta-report .http-4xx,.cta-report .http-5xx,.cta-report .http-error{color:var(--bad)}
.cta-report dl.facts{margin:.3rem 0}.cta-report dl.facts dt{font-weight:600;font-size:.8rem}.cta-report dl.facts dd{margin:0 0 .3rem}
.cta-report details>summary{cursor:pointer;margin:0}.cta-report details{margin:0}
.cta-report details.inapplicable-tests{margin:1rem 0}.cta-report details.inapplicable-tests>summary{font-weight:600}
@media (max-width:48rem){
.cta-report table.tests,.cta-report table.tests tbody,.cta-report table.tests tr,.cta-report table.tests td{display:block;width:auto}
.cta-report table.tests thead{display:none}
.cta-report table.tests tr{border-bottom:2px solid var(--line);padding:.3rem 0}
.cta-report table.tests td{border:0;padding:.15rem .4rem}
.cta-report table.tests td[data-label]::before{content:attr(data-label);display:block;font-size:.75rem;font-weight:600;color:#59636e}
.cta-report table.tests td.status::before,.cta-report table.tests td.test::before{display:none}
.cta-report td.details,.cta-report td.test{min-width:0}
.cta-report dl.run{grid-template-columns:minmax(0,1fr)}.cta-report dl.run dd{margin-bottom:.4rem}
}`

/** One offline HTML file: the {@link renderReportFragment} of the report, with a status filter. */
export function renderHtml(report: Report, options: HtmlOptions = {}): string {
  const implementation = (report as LooseReport).implementation
  const title = `CTA Interop conformance: ${implementation?.name ?? ''} ${implementation?.version ?? ''}`
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(relativePaths(title, options.cwd ?? process.cwd()))}</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:76rem;padding:0 1rem;color:#1f2328}
h1{font-size:1.6rem}code{font-size:.9em}a{color:#0969da}
${REPORT_CSS}
</style></head><body>
<h1>CTA Interop conformance report</h1>
<p><label>Show <select id="filter"><option value="">all</option>${ORDER.map((o) => `<option>${o}</option>`).join('')}</select></label></p>
${renderReportFragment(report, options)}
<script>document.getElementById('filter').addEventListener('change',function(e){var v=e.target.value;document.querySelectorAll('table.tests tbody tr').forEach(function(r){r.hidden=v!==''&&r.dataset.status!==v});var d=document.querySelector('details.inapplicable-tests');if(d&&v==='inapplicable')d.open=true})</script>
</body></html>
`
}
