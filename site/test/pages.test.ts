import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createMarkdownRenderer } from 'vitepress'
import { afterEach, describe, expect, it } from 'vitest'
import {
  extractRequirements,
  type Registry,
  type Requirement,
} from '../../conformance/scripts/extract-requirements.js'
import { readChapters } from '../src/chapters.js'
import { specMarkdown } from '../src/markdown.js'
import { conformanceReportPage, renderReport, requirementsPage } from '../src/pages.js'
import { REPORTS_DIR, ROOT } from '../src/paths.js'
import { findReports } from '../src/reports.js'
import { issueTracker, specStatus } from '../src/status.js'
import { LIVE_CASES } from '../../conformance/src/live/cases/index.js'

describe('the conformance report page', () => {
  const registry = extractRequirements()

  it('renders a report as the HTML report does: run, verdict cards, tests with icons and linked requirements', () => {
    const html = renderReport(
      {
        reportVersion: 1,
        suite: { name: 'cta-conformance', version: '0.1.0' },
        implementation: { name: 'Example <tool>', version: '1.0.0' },
        conformant: false,
        verdicts: [
          { profile: 'receiver', claimed: true, verdict: 'not-conformant', mustFailures: 1 },
        ],
        tests: [
          {
            id: 'doc.valid.group',
            title: 'Accepts a group',
            status: 'failed',
            requirements: ['DOC-CTX-001', 'NOT-DEF-001'],
            message: 'rejected with ERR_SCHEMA_INVALID',
          },
        ],
      },
      registry,
    )
    expect(html).toMatch(/^<div class="cta-report" v-pre>/)
    expect(html).toContain('<dt>Implementation</dt><dd>Example &lt;tool&gt; 1.0.0</dd>')
    expect(html).toContain('<p class="verdict">not-conformant</p>')
    expect(html).toContain('<p class="tests-summary">1 test: 1 failed.')
    expect(html).toContain(
      '<td class="status" data-label="Status"><svg class="status-icon" data-status="failed"',
    )
    expect(html).toContain(
      '<a class="req-link" href="/documents#DOC-CTX-001"><code>DOC-CTX-001</code></a>',
    )
    // An ID the registry does not know is shown, not linked.
    expect(html).toContain(' <code>NOT-DEF-001</code></td>')
    expect(html).not.toContain('href="/documents#NOT-DEF-001"')
    expect(html).not.toContain('<tool>')
    // Not a field dump: no table of raw field names.
    expect(html).not.toContain('<code>implementation.name</code>')
  })

  it('names the requirements a partially tested profile did not show, linking them', () => {
    const html = renderReport(
      {
        verdicts: [
          {
            profile: 'receiver',
            claimed: true,
            verdict: 'partially-tested',
            mustUntested: 1,
            untestedRequirements: ['DOC-CTX-001', 'NOT-DEF-001'],
          },
        ],
      },
      registry,
    )
    expect(html).toContain('<p class="verdict">partially-tested</p>')
    expect(html).toContain(
      '2 MUST requirements not tested in this run:</strong> <a class="req-link" href="/documents#DOC-CTX-001"><code>DOC-CTX-001</code></a> <code>NOT-DEF-001</code></p>',
    )
  })

  it('says so when a report is not an object or holds nothing it can show', () => {
    expect(renderReport([], registry)).toContain('The report is not a JSON object.')
    expect(renderReport({ nested: [1] }, registry)).toContain('holds no fields this page can show')
  })
})

/** A live report of one tool, shaped as the suite writes it, with a transcript per test. */
function liveReport(name: string, secret: string): Record<string, unknown> {
  return {
    reportVersion: 1,
    suite: { name: '@cta-interop/conformance', version: '0.1.0' },
    implementation: { name, version: '0.0.0-example', profiles: ['core', 'receiver'] },
    mode: 'live',
    transport: 'dev',
    conformant: true,
    summary: { total: 1, passed: 1, failed: 0, errored: 0 },
    verdicts: [{ profile: 'receiver', claimed: true, verdict: 'conformant', mustFailures: 0 }],
    tests: [
      {
        id: 'live.receiver.accepts-valid',
        title: 'Accepts a valid event',
        status: 'passed',
        requirements: ['EVT-SIG-001'],
        transcript: [
          {
            direction: 'out',
            method: 'POST',
            url: 'http://127.0.0.1:4000/inbox',
            requestHeaders: { 'content-type': 'application/jose' },
            requestBody: secret,
            status: 202,
            at: '2026-01-01T00:00:00.000Z',
          },
        ],
      },
    ],
  }
}

describe('the conformance page of the example tools', () => {
  const registry = extractRequirements()
  const roots: string[] = []
  afterEach(() => {
    for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true })
  })

  /** A repository root whose latest run holds these files, by `<slug>/<file>`. */
  function repository(files: Record<string, string>): string {
    const root = `${mkdtempSync(join(tmpdir(), 'cta-site-reports-'))}/`
    roots.push(root)
    for (const [path, content] of Object.entries(files)) {
      const file = `${root}${REPORTS_DIR}${path}`
      mkdirSync(file.slice(0, file.lastIndexOf('/')), { recursive: true })
      writeFileSync(file, content)
    }
    return root
  }

  it('says plainly that no report exists when no tool has one', () => {
    expect(conformanceReportPage(registry, repository({}))).toContain(
      'No conformance report exists yet',
    )
    const onlyJunit = repository({ 'decisions/junit.xml': '<testsuites/>' })
    expect(findReports(onlyJunit)).toEqual([])
    expect(conformanceReportPage(registry, onlyJunit)).toContain('No conformance report exists yet')
  })

  it("shows each tool's report under its name, sorted by slug, linking the files beside it", () => {
    const page = conformanceReportPage(
      registry,
      repository({
        'decisions/report.json': JSON.stringify(liveReport('Decisions <example>', 'BODY-D')),
        'decisions/report.html': '<!doctype html>',
        'decisions/junit.xml': '<testsuites/>',
        'decisions/sut.json': '{}',
        'budgeting/report.json': JSON.stringify(liveReport('Budgeting (example)', 'BODY-B')),
        'budgeting/report.html': '<!doctype html>',
      }),
    )
    expect(page).not.toContain('No conformance report exists yet')
    const headings = [...page.matchAll(/<h2 id="([^"]+)"[^>]*>([^<]*)<\/h2>/g)].map((m) => [
      m[1],
      m[2],
    ])
    expect(headings).toEqual([
      ['report-budgeting', 'Budgeting (example)'],
      ['report-decisions', 'Decisions &lt;example&gt;'],
    ])
    const links = [...page.matchAll(/href="(\/conformance\/[^"]+)"/g)].map((m) => m[1])
    expect(links).toEqual([
      '/conformance/reports/latest/budgeting/report.json',
      '/conformance/reports/latest/budgeting/report.html',
      '/conformance/reports/latest/decisions/report.json',
      '/conformance/reports/latest/decisions/report.html',
      '/conformance/reports/latest/decisions/junit.xml',
    ])
    expect(page).toContain('<a href="#report-decisions">Decisions &lt;example&gt;</a>')
    expect(page).toContain('<h3 id="report-budgeting-tests">Tests</h3>')
    expect(page).toContain('<h3 id="report-decisions-tests">Tests</h3>')
    expect(page).toContain('<dt>Mode</dt><dd>live</dd>')
    // Each live case's HTTP exchanges are on the page, in a closed <details>.
    for (const body of ['BODY-B', 'BODY-D']) {
      expect(page).toMatch(
        new RegExp(
          `<details class="transcript"><summary>Wire transcript: 1 HTTP exchange</summary>.*?POST http://127\\.0\\.0\\.1:4000/inbox</code> <span class="http-status http-2xx">202</span>.*?${body}.*?</details>`,
        ),
      )
    }
    expect(page).not.toContain('<example>')
    // One HTML block per report: a blank line would hand the rest of it to Markdown.
    for (const report of page.split('<div class="cta-report" v-pre>').slice(1)) {
      expect(report.slice(0, report.indexOf('</div>\n\n'))).not.toContain('\n\n')
    }
  })

  it('says which report is invalid and still shows the others', () => {
    const page = conformanceReportPage(
      registry,
      repository({
        'budgeting/report.json': '{ not json',
        'decisions/report.json': JSON.stringify(liveReport('Decisions (example)', 'x')),
      }),
    )
    expect(page).toMatch(/<h2 id="report-budgeting"[^>]*>budgeting<\/h2>/)
    expect(page).toContain('<strong>The report is invalid:</strong>')
    expect(page).toMatch(/<h2 id="report-decisions"[^>]*>Decisions \(example\)<\/h2>/)
    expect(page).toContain('<p class="tests-summary">1 test: 1 passed.')
  })
})

describe('the sidebar', () => {
  it("lists the index first, then the chapters in the order of the index's Chapters list", () => {
    const chapters = readChapters()
    expect(chapters[0]?.link).toBe('/')
    const index = readFileSync(`${ROOT}spec/index.md`, 'utf8')
    const list = index.slice(index.indexOf('## Chapters'))
    const positions = chapters
      .slice(1)
      .map((c) => list.indexOf(`](./${c.file})`))
      .filter((p) => p !== -1)
    expect(positions.length).toBeGreaterThan(2)
    expect(positions).toEqual([...positions].sort((a, b) => a - b))
    expect(chapters.map((c) => c.file).sort()).toEqual(
      readdirSync(`${ROOT}spec`)
        .filter((f) => f.endsWith('.md'))
        .sort(),
    )
  })
})

/** A registry entry with what the live column reads, the rest as any requirement has it. */
function requirement(
  id: string,
  fields: Partial<Pick<Requirement, 'level' | 'profiles' | 'live'>>,
): Requirement {
  return {
    id,
    level: 'MUST',
    keyword: 'MUST',
    profiles: ['receiver'],
    chapter: 'spec/delivery.md',
    anchor: id,
    section: 'Inbox',
    statement: `${id} MUST hold.`,
    textHash: 'sha256:0',
    coverage: { passing: [], failing: [], tests: [] },
    ...fields,
  }
}

describe('the requirements page', () => {
  const registry: Registry = {
    $comment: '',
    unknownCitations: [],
    requirements: [
      requirement('DLV-INB-001', {}),
      requirement('DLV-INB-002', {
        live: { testable: false, reason: 'it needs the tool killed mid-delivery; see `x.test.ts`' },
      }),
      requirement('DLV-INB-003', {}),
      requirement('DLV-INB-004', { profiles: ['core'] }),
      requirement('DLV-INB-005', { level: 'SHOULD' }),
    ],
  }
  const names = new Map([['receiver', 'Receiver']])
  const cases = [{ id: 'live.receiver.a', requirements: ['DLV-INB-001'] }]
  const row = (page: string, id: string): string =>
    new RegExp(`<tr id="${id}">.*?</tr>`).exec(page)?.[0] ?? ''

  it('says per requirement whether it is tested live: yes, no (reason), no case yet, or —', () => {
    const page = requirementsPage(registry, names, cases)
    expect(page).toContain('<th>Tested live</th>')
    expect(row(page, 'DLV-INB-001')).toContain(
      '<td class="live live-yes" title="live.receiver.a">yes</td>',
    )
    expect(row(page, 'DLV-INB-002')).toContain(
      '<p class="not-live-reason"><strong>Not testable live:</strong> it needs the tool killed mid-delivery; see <code>x.test.ts</code></p></td>' +
        '<td class="count gap">0</td><td class="count gap">0</td><td class="count">0</td>' +
        '<td class="live live-no" title="the reason is under the statement">no</td>',
    )
    // A MUST that binds a running tool with neither a case nor a reason is a highlighted gap.
    expect(row(page, 'DLV-INB-003')).toContain('<td class="live gap">no case yet</td>')
    // Core-only MUSTs and SHOULDs are not owed a live case.
    expect(row(page, 'DLV-INB-004')).toContain('<td class="live live-none">—</td>')
    expect(row(page, 'DLV-INB-005')).toContain('<td class="live live-none">—</td>')
    expect(page).toContain(
      '1 requirements are tested live, 1 are not testable live, 1 MUST requirements that bind a running tool have no live case yet.',
    )
    // Once a case cites it, the gap is gone.
    const covered = requirementsPage(registry, names, [
      ...cases,
      { id: 'live.receiver.c', requirements: ['DLV-INB-003'] },
    ])
    expect(row(covered, 'DLV-INB-003')).toContain('>yes</td>')
  })
})

describe('a spec chapter', () => {
  it('shows the *Not testable live:* paragraph as a note of the requirement before it', async () => {
    const md = await createMarkdownRenderer(ROOT)
    const registry: Registry = {
      $comment: '',
      unknownCitations: [],
      requirements: [
        requirement('DLV-INB-001', {}),
        requirement('DLV-INB-002', { live: { testable: false, reason: 'why' } }),
        requirement('DLV-INB-003', {}),
      ],
    }
    specMarkdown(md, {
      registry,
      profileNames: new Map(),
      exampleKinds: new Map(),
      liveCases: [{ id: 'live.receiver.a', requirements: ['DLV-INB-001'] }],
    })
    const html = md.render(
      [
        '<a id="DLV-INB-002"></a>**[DLV-INB-002]** *(Receiver)* A tool MUST do this.',
        '',
        '*Not testable live:* it needs the tool killed mid-delivery.',
        '',
        '<a id="DLV-INB-001"></a>**[DLV-INB-001]** *(Receiver)* A tool MUST do that.',
        '',
        '<a id="DLV-INB-003"></a>**[DLV-INB-003]** *(Receiver)* A tool MUST do more.',
        '',
        'An ordinary paragraph with *Not testable live:* inside it.',
      ].join('\n'),
      { path: `${ROOT}spec/delivery.md` },
    )
    expect(html).toContain(
      '<p class="requirement-not-live"><em>Not testable live:</em> it needs the tool killed mid-delivery.</p>',
    )
    expect(html).toContain('<p>An ordinary paragraph')
    expect(html.indexOf('data-coverage-for="DLV-INB-002"')).toBeLessThan(
      html.indexOf('requirement-not-live'),
    )
    const block = (id: string): string =>
      new RegExp(`data-coverage-for="${id}".*?<!--/coverage-->`, 's').exec(html)?.[0] ?? ''
    expect(block('DLV-INB-002')).toContain('not testable live')
    expect(block('DLV-INB-001')).toContain('title="live.receiver.a">tested live</span>')
    expect(block('DLV-INB-003')).toContain('<span class="requirement-gap">no live case yet</span>')
  })
})

describe('the coverage at the top of the requirements page', () => {
  it('states the numbers computed from conformance/requirements.json', () => {
    const registry = JSON.parse(
      readFileSync(`${ROOT}conformance/requirements.json`, 'utf8'),
    ) as Registry
    const page = requirementsPage(registry, new Map(), LIVE_CASES)
    const must = registry.requirements.filter((r) => r.level === 'MUST')
    const live = new Set(LIVE_CASES.flatMap((c) => c.requirements))
    const expected = {
      bothWays: must.filter((r) => r.coverage.passing.length > 0 && r.coverage.failing.length > 0)
        .length,
      byTests: must.filter((r) => r.coverage.tests.length > 0).length,
      byLiveCases: must.filter((r) => live.has(r.id)).length,
      notTestableLive: must.filter((r) => r.live !== undefined).length,
    }
    expect(must.length).toBeGreaterThan(50)
    const top = page.slice(0, page.indexOf('\n## '))
    expect(top).toContain(`<strong data-coverage="must">${must.length}</strong> MUST requirements`)
    for (const [key, n] of Object.entries(expected)) {
      expect(top, key).toContain(
        `<tr data-coverage="${key}"><td class="count"><span class="n">${n}</span> <span class="of">of ${must.length} (`,
      )
    }
    // Stated before any chapter's table.
    expect(page.indexOf('coverage-summary')).toBeLessThan(page.indexOf('requirements-table'))
  })
})

describe('the status block of the home page', () => {
  it('gives the version, date, editors and where to send feedback, under the title', async () => {
    const md = await createMarkdownRenderer(ROOT)
    const status = specStatus()
    specMarkdown(md, {
      registry: { $comment: '', unknownCitations: [], requirements: [] },
      profileNames: new Map(),
      exampleKinds: new Map(),
      status,
    })
    const html = md.render('# CTA Interop 1.0\n\nThis is an editor’s draft.\n', {
      path: `${ROOT}spec/index.md`,
    })
    const sdk = JSON.parse(readFileSync(`${ROOT}sdk/package.json`, 'utf8')) as { version: string }
    expect(html).toMatch(/^<h1[^>]*>CTA Interop 1.0.*?<\/h1>\n<dl class="spec-status" v-pre>/s)
    expect(html).toContain(`<span data-status="version">${sdk.version}</span>`)
    expect(html).toMatch(/<time data-status="date" datetime="\d{4}-\d{2}-\d{2}">/)
    expect(html).toContain('<dd data-status="editors">CTA Interop editors</dd>')
    expect(html).toContain('<dd data-status="licence">Apache-2.0</dd>')
    expect(html).toContain('<a href="./changelog">Change log</a>')
    // The repository's package.json names no repository: no address is invented.
    const root = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as Record<string, unknown>
    if (root['repository'] === undefined && root['bugs'] === undefined) {
      expect(html).toContain('<dd data-status="feedback">the project\'s issue tracker')
      expect(status.feedbackUrl).toBeUndefined()
    }
    // Only the home page has it.
    expect(md.render('# Events\n', { path: `${ROOT}spec/events.md` })).not.toContain('spec-status')
  })

  it("links the repository's issue tracker when package.json names one", () => {
    expect(issueTracker({ repository: { url: 'git+https://github.com/example/cta.git' } })).toBe(
      'https://github.com/example/cta/issues',
    )
    expect(issueTracker({ bugs: { url: 'https://example.org/bugs' } })).toBe(
      'https://example.org/bugs',
    )
    expect(issueTracker({ repository: 'file:../elsewhere' })).toBeUndefined()
    expect(issueTracker({})).toBeUndefined()
  })
})
