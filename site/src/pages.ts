import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import {
  bindsRunningTool,
  type Registry,
  type Requirement,
} from '../../conformance/scripts/extract-requirements.js'
import { chapterLink, readChapters } from './chapters.js'
import { escapeHtml } from './markdown.js'
import { GENERATED, REPORTS_DIR, ROOT } from './paths.js'
import { findReports, type ToolReport } from './reports.js'
import { REPORT_CSS, renderReportFragment } from '../../conformance/src/report/html.js'
import type { Report } from '../../conformance/src/report/report.js'

/** Generated pages: file name in `site/generated/` → its path on the site. */
export const GENERATED_PAGES: Readonly<Record<string, string>> = {
  'requirements.md': '/requirements',
  'conformance-report.md': '/conformance-report',
}

/** Inline Markdown of a statement as HTML: escaped text, code spans kept. */
function statementHtml(statement: string): string {
  return escapeHtml(statement).replace(/`([^`]+)`/g, '<code>$1</code>')
}

function count(n: number, what: 'passing' | 'failing' | 'tests', r: Requirement): string {
  const needed = r.level === 'MUST' && what !== 'tests'
  return `<td class="count${n === 0 && needed ? ' gap' : ''}">${n}</td>`
}

/** A live case as the requirements page needs it: its ID and the requirements it cites. */
export interface LiveCaseRef {
  readonly id: string
  readonly requirements: readonly string[]
}

/** The statement, and under it the spec's reason when live mode cannot observe the requirement. */
function statementCell(r: Requirement): string {
  const reason =
    r.live === undefined
      ? ''
      : `<p class="not-live-reason"><strong>Not testable live:</strong> ${statementHtml(r.live.reason)}</p>`
  return `<td>${statementHtml(r.statement)}${reason}</td>`
}

/**
 * The "Tested live" cell: `yes` (naming the live cases), `no` when the spec's
 * `*Not testable live:*` paragraph says why (the reason is shown under the statement), `no case yet` (highlighted) for a MUST that binds a running
 * tool and has neither, or `—` for a requirement live mode is not asked to show.
 */
function liveCell(r: Requirement, cases: readonly LiveCaseRef[]): string {
  const citing = cases.filter((c) => c.requirements.includes(r.id)).map((c) => c.id)
  if (citing.length > 0) {
    return `<td class="live live-yes" title="${escapeHtml(citing.join(', '))}">yes</td>`
  }
  if (r.live !== undefined) {
    // The reason is long: it goes under the statement (see statementCell), the cell points at it.
    return '<td class="live live-no" title="the reason is under the statement">no</td>'
  }
  return bindsRunningTool(r)
    ? '<td class="live gap">no case yet</td>'
    : '<td class="live live-none">—</td>'
}

/** How well the MUST requirements are covered: what the requirements page states at its top. */
export interface Coverage {
  /** MUST requirements (withdrawn ones are not counted). */
  readonly must: number
  /** … with a passing and a failing vector both. */
  readonly bothWays: number
  /** … cited by the title of a test. */
  readonly byTests: number
  /** … cited by a live case of the conformance suite. */
  readonly byLiveCases: number
  /** … that the spec says live mode cannot observe (`*Not testable live:*`). */
  readonly notTestableLive: number
  /** … that bind a running tool and have neither a live case nor such a reason. */
  readonly noLiveCaseYet: number
}

/** The coverage of the registry's MUST requirements, given the suite's live cases. */
export function coverage(registry: Registry, liveCases: readonly LiveCaseRef[]): Coverage {
  const must = registry.requirements.filter((r) => r.level === 'MUST')
  const live = new Set(liveCases.flatMap((c) => c.requirements))
  const n = (f: (r: Requirement) => boolean): number => must.filter(f).length
  return {
    must: must.length,
    bothWays: n((r) => r.coverage.passing.length > 0 && r.coverage.failing.length > 0),
    byTests: n((r) => r.coverage.tests.length > 0),
    byLiveCases: n((r) => live.has(r.id)),
    notTestableLive: n((r) => r.live !== undefined),
    noLiveCaseYet: n((r) => bindsRunningTool(r) && !live.has(r.id) && r.live === undefined),
  }
}

/** The coverage, stated plainly: one line per number, each a share of the MUST requirements. */
function coverageBlock(c: Coverage): string {
  const pct = (k: number): string => (c.must === 0 ? '' : ` (${Math.round((100 * k) / c.must)} %)`)
  const row = (key: keyof Coverage, k: number, what: string): string =>
    `<tr data-coverage="${key}"><td class="count"><span class="n">${k}</span> <span class="of">of ${c.must}${pct(k)}</span></td><td>${what}</td></tr>`
  return [
    `<table class="coverage-summary" v-pre><caption>Coverage of the <strong data-coverage="must">${c.must}</strong> MUST requirements</caption><tbody>`,
    row(
      'bothWays',
      c.bothWays,
      'have a vector both ways: one a conforming implementation accepts, one it rejects',
    ),
    row('byTests', c.byTests, 'are covered by tests (a test title cites them)'),
    row('byLiveCases', c.byLiveCases, 'are covered by live cases (tested against a running tool)'),
    row('notTestableLive', c.notTestableLive, 'are not testable live (the spec says why)'),
    row('noLiveCaseYet', c.noLiveCaseYet, 'bind a running tool and have no live case yet'),
    '</tbody></table>',
  ].join('')
}

/**
 * The page listing every requirement, grouped by chapter, with its coverage: vectors, tests, and
 * whether live mode tests it (`liveCases`: the suite's live cases).
 */
export function requirementsPage(
  registry: Registry,
  profileNames: ReadonlyMap<string, string>,
  liveCases: readonly LiveCaseRef[],
): string {
  const all = registry.requirements
  const live = new Set(liveCases.flatMap((c) => c.requirements))
  const has = (f: (r: Requirement) => boolean): number => all.filter(f).length
  const levels = ['MUST', 'SHOULD', 'MAY']
    .map((l) => `${has((r) => r.level === l)} ${l}`)
    .join(', ')
  const lines = [
    '---',
    'title: Requirements',
    'aside: false',
    '---',
    '',
    '# Requirements and their coverage',
    '',
    coverageBlock(coverage(registry, liveCases)),
    '',
    'Every normative statement of this specification, with what tests it today: **passing vectors**',
    '(inputs a conforming implementation accepts), **failing vectors** (inputs it rejects), taken from',
    "the example documents, their invalid twins and the conformance suite's vectors, and the tests",
    'whose title cites the requirement. Generated when the site is built, from the same data as the',
    "conformance suite's registry, `conformance/requirements.json` (`npm run requirements`).",
    '',
    `${all.length} requirements (${levels}): ` +
      `${has((r) => r.coverage.passing.length > 0)} have a passing vector, ` +
      `${has((r) => r.coverage.failing.length > 0)} a failing vector, ` +
      `${has((r) => r.coverage.tests.length > 0)} are cited by a test title. ` +
      `${has((r) => r.level === 'MUST' && (r.coverage.passing.length === 0 || r.coverage.failing.length === 0))} MUST ` +
      'requirements still lack a passing or a failing vector (highlighted).',
    '',
    '**Tested live** says whether the live mode of the conformance suite (`cta-conformance live`)',
    'tests the requirement against a running tool: *yes* when a live case cites it, *no* with the',
    'reason the specification gives shown under the statement (its *Not testable live* paragraph),',
    'and *no case yet* for a MUST that',
    'binds a running tool and has neither (highlighted).',
    `${has((r) => live.has(r.id))} requirements are tested live, ` +
      `${has((r) => r.live !== undefined)} are not testable live, ` +
      `${has((r) => bindsRunningTool(r) && !live.has(r.id) && r.live === undefined)} MUST ` +
      'requirements that bind a running tool have no live case yet.',
    '',
  ]
  for (const chapter of readChapters()) {
    const rows = all.filter((r) => r.chapter === `spec/${chapter.file}`)
    if (rows.length === 0) continue
    lines.push(`## ${chapter.title}`, '')
    lines.push(
      '<table class="requirements-table" v-pre><thead><tr><th>Requirement</th><th>Level</th>' +
        '<th>Profiles</th><th>Statement</th><th>Passing</th><th>Failing</th><th>Tests</th>' +
        '<th>Tested live</th></tr></thead><tbody>' +
        rows
          .map((r) => {
            const href = `${chapterLink(r.chapter)}#${r.anchor}`
            const profiles = r.profiles.map((p) => escapeHtml(profileNames.get(p) ?? p)).join(', ')
            return (
              `<tr id="${r.id}"><td><a href="${href}"><code>${r.id}</code></a></td>` +
              `<td>${r.level ?? 'withdrawn'}</td><td>${profiles}</td>` +
              statementCell(r) +
              count(r.coverage.passing.length, 'passing', r) +
              count(r.coverage.failing.length, 'failing', r) +
              count(r.coverage.tests.length, 'tests', r) +
              liveCell(r, liveCases) +
              '</tr>'
            )
          })
          .join('') +
        '</tbody></table>',
      '',
    )
  }
  return lines.join('\n')
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
const isObject = (v: Json | undefined): v is { [key: string]: Json } =>
  typeof v === 'object' && v !== null && !Array.isArray(v)
const scalar = (v: Json | undefined): v is string | number | boolean =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'

/** A field's value as text: scalars as written, anything else as JSON. */
const text = (v: Json | undefined): string =>
  v === undefined ? '' : scalar(v) ? String(v) : JSON.stringify(v)

function table(headers: string[], rows: string[][]): string {
  return (
    `<table v-pre><thead><tr>${headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>` +
    rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('') +
    '</tbody></table>'
  )
}

/** Where {@link renderReport} puts its sections in the page. */
export interface ReportSections {
  /** The level of its headings (Run, Verdicts by profile, Tests). Default 2. */
  readonly level?: 2 | 3
  /** Prefix of their anchors, so that several reports on one page keep distinct ids. */
  readonly anchorPrefix?: string
}

/** The fields of a report the HTML rendering shows; a report with none of them shows nothing. */
const SHOWN = ['implementation', 'suite', 'mode', 'command', 'summary', 'verdicts', 'tests']

/**
 * A report as the HTML report renders it (`conformance/src/report/html.ts`): the run, a card per
 * profile's verdict, then the tests, failures first, each with its details and, for a live case,
 * its HTTP exchanges; the inapplicable tests folded away. Requirement IDs link to their anchors
 * on this site (from the registry); paths are relative to the repository. Fields a report lacks
 * are left out, never invented. In Markdown: one HTML block with no blank line, under `v-pre`.
 */
export function renderReport(
  report: Json,
  registry: Registry,
  sections: ReportSections = {},
): string {
  if (!isObject(report)) return '<p class="report-invalid">The report is not a JSON object.</p>'
  if (!SHOWN.some((k) => report[k] !== undefined)) {
    return '<p class="report-invalid">The report holds no fields this page can show.</p>'
  }
  const anchors = new Map(
    registry.requirements.map((r) => [r.id, `${chapterLink(r.chapter)}#${r.anchor}`]),
  )
  const fragment = renderReportFragment(report as unknown as Report, {
    headingLevel: sections.level ?? 2,
    ...(sections.anchorPrefix === undefined ? {} : { idPrefix: sections.anchorPrefix }),
    requirementHref: (id) => anchors.get(id),
    specBase: '/',
    cwd: ROOT,
  })
  // A blank line would end the HTML block (Markdown would take over): newlines in <pre> become
  // character references, and the fragment is compiled as is (v-pre: data, never a Vue template).
  const oneBlock = fragment
    .replace(/<pre([^>]*)>([\s\S]*?)<\/pre>/g, (_m, attrs: string, body: string) => {
      return `<pre${attrs}>${body.replace(/\n/g, '&#10;')}</pre>`
    })
    .replace(/\n+/g, '\n')
  return oneBlock.replace('<div class="cta-report">', '<div class="cta-report" v-pre>')
}

/** One tool's report, read and named for the page. */
interface ReadReport {
  readonly tool: ToolReport
  /** Its section's anchor: the slug, reduced to characters safe in an id. */
  readonly anchor: string
  /** `implementation.name`, or the slug when the report does not say. */
  readonly name: string
  readonly report: Json
  /** Why `report.json` could not be read as JSON, if it could not. */
  readonly invalid?: string
}

function readReport(tool: ToolReport, root: string): ReadReport {
  const anchor = `report-${tool.slug.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`
  let report: Json
  try {
    report = JSON.parse(readFileSync(`${root}${tool.dir}report.json`, 'utf8')) as Json
  } catch (error) {
    const invalid = error instanceof Error ? error.message : String(error)
    return { tool, anchor, name: tool.slug, report: null, invalid }
  }
  const implementation = isObject(report) ? report['implementation'] : undefined
  const named = isObject(implementation) ? implementation['name'] : undefined
  const name = typeof named === 'string' && named.trim() !== '' ? named : tool.slug
  return { tool, anchor, name, report }
}

/** One line per tool: its name (linking to its section), whether it conforms, and its test counts. */
function summaryTable(reports: readonly ReadReport[]): string {
  return table(
    ['Tool', 'Conformant', 'Tests'],
    reports.map(({ anchor, name, report, invalid }) => {
      const link = `<a href="#${anchor}">${escapeHtml(name)}</a>`
      if (invalid !== undefined || !isObject(report)) return [link, '', 'invalid report']
      const summary = report['summary']
      const counts = isObject(summary)
        ? Object.entries(summary)
            .filter(([k, v]) => k !== 'total' && typeof v === 'number' && v > 0)
            .map(([k, v]) => `${text(v)} ${escapeHtml(k)}`)
            .join(', ')
        : ''
      const conformant = report['conformant']
      return [
        link,
        `<strong>${conformant === true ? 'yes' : conformant === false ? 'no' : ''}</strong>`,
        counts,
      ]
    }),
  )
}

/** One tool's section: a heading with its name, links to its files, then its report. */
function toolSection(read: ReadReport, registry: Registry): string[] {
  const { tool, anchor, name, report, invalid } = read
  const href = (file: string): string =>
    `/${tool.dir.split('/').map(encodeURIComponent).join('/')}${encodeURIComponent(file)}`
  const links = tool.files.map(
    (f) => `<a href="${href(f)}" target="_self"><code>${escapeHtml(f)}</code></a>`,
  )
  // Raw HTML with v-pre: a tool's name is data, never Markdown nor a Vue template.
  const lines = [
    `<h2 id="${anchor}" class="tool-report" data-tool="${escapeHtml(tool.slug)}" v-pre>` +
      `${escapeHtml(name)}</h2>`,
    '',
    `<p class="report-files" v-pre>The report as written, in <code>${escapeHtml(tool.dir)}</code>: ` +
      `${links.join(', ')}.</p>`,
    '',
  ]
  if (invalid !== undefined) {
    lines.push(
      `<p class="report-invalid"><strong>The report is invalid:</strong> ${escapeHtml(invalid)}</p>`,
      '',
    )
  } else {
    lines.push(renderReport(report, registry, { level: 3, anchorPrefix: `${anchor}-` }), '')
  }
  return lines
}

/**
 * The page showing the latest conformance report of each example tool, or saying there is none.
 *
 * @param root The repository root whose `conformance/reports/latest/` is read (for tests).
 */
export function conformanceReportPage(registry: Registry, root: string = ROOT): string {
  const lines = [
    '---',
    'title: Conformance report',
    'aside: false',
    // The reports cite requirement IDs hundreds of times: the search should find the spec's text.
    'search: false',
    '---',
    '',
    '# Conformance report',
    '',
    'The latest run of the conformance suite over each example tool, read when this site was built',
    `from \`${REPORTS_DIR}<tool>/report.json\`: one section per tool, with its report as written`,
    '(JSON, HTML and JUnit) beside it. Each report reads as the HTML report does: failures first,',
    'every requirement linked to the specification, the HTTP exchanges of each live case under its',
    'details, and the inapplicable tests folded away.',
    '',
    `<style>\n${REPORT_CSS}\n</style>`,
    '',
  ]
  const reports = findReports(root).map((tool) => readReport(tool, root))
  if (reports.length === 0) {
    lines.push(
      '<p class="report-missing"><strong>No conformance report exists yet.</strong> Nothing has',
      'been run over the example tools, so there is no result to show. This page will show one',
      `report per tool once a run writes <code>${REPORTS_DIR}&lt;tool&gt;/report.json</code>.</p>`,
      '',
    )
    return lines.join('\n')
  }
  lines.push(summaryTable(reports), '')
  for (const read of reports) lines.push(...toolSection(read, registry))
  return lines.join('\n')
}

/** Writes the generated pages into `site/generated/`, replacing what was there. */
export function writeGeneratedPages(
  registry: Registry,
  profileNames: ReadonlyMap<string, string>,
  liveCases: readonly LiveCaseRef[],
): void {
  rmSync(GENERATED, { recursive: true, force: true })
  mkdirSync(GENERATED, { recursive: true })
  writeFileSync(`${GENERATED}requirements.md`, requirementsPage(registry, profileNames, liveCases))
  writeFileSync(`${GENERATED}conformance-report.md`, conformanceReportPage(registry))
}
