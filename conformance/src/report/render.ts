/**
 * Renderings of the canonical report: JUnit XML, Markdown, a single-file offline HTML page and
 * EARL (in `earl.ts`).
 */
import { notProvenNote, type ProfileVerdict, type TestResult } from '../run.js'
import { renderEarl } from './earl.js'
import { untestedOf, type Report } from './report.js'

export const FORMATS = ['json', 'junit', 'md', 'html', 'earl'] as const
export type Format = (typeof FORMATS)[number]

function xml(text: string): string {
  return (
    text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
      // Characters XML 1.0 cannot carry.
      .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD]/gu, '')
  )
}

const html = xml

/** The test's name in JUnit and Markdown: requirement IDs first, because properties get dropped. */
function testName(t: TestResult): string {
  return `${t.requirements.map((r) => `[${r}]`).join(' ')} ${t.id}: ${t.title}`
}

function detail(t: TestResult): string {
  return [
    t.message ?? '',
    `expected: ${JSON.stringify(t.expected)}`,
    `actual: ${t.actual === undefined ? '(none)' : JSON.stringify(t.actual)}`,
    `reproduce: ${t.repro}`,
  ].join('\n')
}

/** Whether a verdict has requirements to list as not tested (a claimed profile that did not fail). */
const listsUntested = (v: ProfileVerdict): boolean =>
  v.claimed && v.verdict !== 'not-conformant' && untestedOf(v).length > 0

/** One line naming the requirements a profile's run did not show. */
function untestedLine(v: ProfileVerdict): string {
  return `${v.profile} is ${v.verdict}: ${v.untestedRequirements.length} MUST requirement${v.untestedRequirements.length === 1 ? '' : 's'} not tested in this run: ${v.untestedRequirements.join(', ')}`
}

/**
 * JUnit XML: one `<testsuite>` per profile, skips with a message, failures with the diff. A
 * profile's verdict and the requirements its run did not show are `<properties>`
 * (`verdict`, `untestedRequirements`) and, for the latter, its `<system-out>`.
 */
export function renderJunit(report: Report): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>']
  const s = report.summary
  out.push(
    `<testsuites name="cta-conformance ${xml(report.suite.version)}" tests="${s.total}" failures="${s.failed}" errors="${s.errored}" skipped="${s['expected-fail'] + s.inapplicable + s.untested}" time="${(report.durationMs / 1000).toFixed(3)}">`,
  )
  for (const verdict of report.verdicts) {
    const tests = report.tests.filter((t) => t.profiles.includes(verdict.profile))
    const c = verdict.counts
    out.push(
      `  <testsuite name="${xml(verdict.profile)}" tests="${tests.length}" failures="${c.failed}" errors="${c.errored}" skipped="${c['expected-fail'] + c.inapplicable + c.untested}">`,
      `    <properties><property name="verdict" value="${xml(verdict.verdict)}"/>${listsUntested(verdict) ? `<property name="untestedRequirements" value="${xml(verdict.untestedRequirements.join(' '))}"/>` : ''}<property name="implementation" value="${xml(`${report.implementation.name} ${report.implementation.version}`)}"/><property name="vectorsDigest" value="${xml(report.suite.vectorsDigest)}"/></properties>`,
    )
    for (const t of tests) {
      const open = `    <testcase classname="cta-conformance.${xml(verdict.profile)}" name="${xml(testName(t))}" time="${(t.durationMs / 1000).toFixed(4)}"`
      switch (t.status) {
        case 'passed':
          out.push(`${open}/>`)
          break
        case 'failed':
          out.push(
            `${open}>`,
            `      <failure message="${xml(t.message ?? 'failed')}" type="${t.level}">${xml(detail(t))}</failure>`,
            '    </testcase>',
          )
          break
        case 'errored':
          out.push(
            `${open}>`,
            `      <error message="${xml(t.message ?? 'errored')}">${xml(detail(t))}</error>`,
            '    </testcase>',
          )
          break
        case 'expected-fail':
          out.push(
            `${open}>`,
            `      <skipped message="${xml(`known: ${t.expectation?.reason ?? ''} ${t.expectation?.link ?? ''}`)}"/>`,
            '    </testcase>',
          )
          break
        default:
          out.push(
            `${open}>`,
            `      <skipped message="${xml(t.message ?? t.status)}"/>`,
            '    </testcase>',
          )
      }
    }
    if (listsUntested(verdict)) {
      out.push(`    <system-out>${xml(untestedLine(verdict))}</system-out>`)
    }
    out.push('  </testsuite>')
  }
  out.push('</testsuites>', '')
  return out.join('\n')
}

const ICON: Record<string, string> = {
  passed: '✅',
  failed: '❌',
  errored: '💥',
  'expected-fail': '🟡',
  inapplicable: '➖',
  untested: '⬜',
}

function md(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ')
}

/** Markdown for `$GITHUB_STEP_SUMMARY` and merge-request notes. */
export function renderMarkdown(report: Report): string {
  const s = report.summary
  const lines = [
    `# CTA Interop conformance: ${report.implementation.name} ${report.implementation.version}`,
    '',
    `Suite ${report.suite.version}, vectors \`${report.suite.vectorsDigest}\`, harness \`${report.harness}\`, ${report.startedAt}.`,
    '',
    '| Profile | Verdict | Passed | Failed | Errored | Expected fail | Inapplicable | Untested |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...report.verdicts.map(
      (v) =>
        `| ${v.profile} | **${v.verdict}** | ${v.counts.passed} | ${v.counts.failed} | ${v.counts.errored} | ${v.counts['expected-fail']} | ${v.counts.inapplicable} | ${v.counts.untested} |`,
    ),
    '',
    `${s.total} vectors: ${s.passed} passed, ${s.failed} failed, ${s.errored} errored, ${s['expected-fail']} expected to fail, ${s.inapplicable} inapplicable, ${s.untested} untested.`,
    '',
    ...(notProvenNote(report) === undefined ? [] : [`**${md(notProvenNote(report) ?? '')}**`, '']),
  ]
  const untested = report.verdicts.filter(listsUntested)
  if (untested.length > 0) {
    lines.push(
      '## Requirements not tested',
      '',
      '| Profile | Verdict | Requirements |',
      '| --- | --- | --- |',
      ...untested.map(
        (v) =>
          `| ${v.profile} | ${v.verdict} | ${v.untestedRequirements.map((r) => `\`${r}\``).join(' ')} |`,
      ),
      '',
    )
  }
  const problems = report.tests.filter((t) =>
    ['failed', 'errored', 'expected-fail'].includes(t.status),
  )
  if (problems.length > 0) {
    lines.push(
      '## Failures',
      '',
      '| | Test | Level | Why | Reproduce |',
      '| --- | --- | --- | --- | --- |',
    )
    for (const t of problems) {
      lines.push(
        `| ${ICON[t.status] ?? ''} | ${md(testName(t))} | ${t.level} | ${md(t.message ?? '')} | \`${md(t.repro)}\` |`,
      )
    }
    lines.push('')
  }
  if (report.warnings.length > 0) {
    lines.push('## Warnings', '', ...report.warnings.map((w) => `- ${w}`), '')
  }
  lines.push(
    '<details><summary>All tests</summary>',
    '',
    '| | Test | Level | Status |',
    '| --- | --- | --- | --- |',
    ...report.tests.map(
      (t) => `| ${ICON[t.status] ?? ''} | ${md(testName(t))} | ${t.level} | ${t.status} |`,
    ),
    '',
    '</details>',
    '',
  )
  return lines.join('\n')
}

const VERDICT_CLASS: Record<string, string> = {
  'conformant+recommended': 'ok',
  conformant: 'ok',
  'not-conformant': 'bad',
  'not-proven': 'warn',
  'partially-tested': 'warn',
  'not-claimed': 'none',
}

/** One offline HTML file: verdict cards per profile, failures first, every test with its diff. */
export function renderHtml(report: Report): string {
  const cards = report.verdicts
    .map(
      (v) => `<section class="card ${VERDICT_CLASS[v.verdict] ?? ''}"><h2>${html(v.profile)}</h2>
<p class="verdict">${html(v.verdict)}</p>
<p>${v.counts.passed} passed · ${v.counts.failed} failed · ${v.counts.errored} errored · ${v.counts['expected-fail']} expected fail · ${v.counts.inapplicable} inapplicable · ${v.counts.untested} untested</p>
${v.mustFailures > 0 ? `<p><strong>${v.mustFailures} MUST failure${v.mustFailures === 1 ? '' : 's'}</strong></p>` : ''}${v.verdict === 'not-proven' ? `<p><strong>${v.mustUntested} MUST case${v.mustUntested === 1 ? '' : 's'} untested: not proven</strong></p>` : ''}${listsUntested(v) ? `<p class="untested-requirements"><strong>${v.untestedRequirements.length} MUST requirement${v.untestedRequirements.length === 1 ? '' : 's'} not tested in this run:</strong> ${v.untestedRequirements.map((r) => `<code>${html(r)}</code>`).join(' ')}</p>` : ''}</section>`,
    )
    .join('\n')
  const note = notProvenNote(report)
  const order = ['failed', 'errored', 'expected-fail', 'untested', 'inapplicable', 'passed']
  const rows = [...report.tests]
    .sort((a, b) => order.indexOf(a.status) - order.indexOf(b.status))
    .map(
      (
        t,
      ) => `<tr class="${t.status}" data-status="${t.status}"><td>${ICON[t.status] ?? ''} ${t.status}</td><td><code>${html(t.id)}</code><br>${html(t.title)}</td><td>${t.requirements.map((r) => `<code>${html(r)}</code>`).join(' ')}</td><td>${t.level}</td><td>${html(t.profiles.join(', '))}</td>
<td><details><summary>${html(t.message ?? 'details')}</summary><pre>${html(detail(t))}</pre></details></td></tr>`,
    )
    .join('\n')
  const s = report.summary
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>CTA Interop conformance: ${html(report.implementation.name)} ${html(report.implementation.version)}</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1b1b1b}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(15rem,1fr));gap:1rem}
.card{border:2px solid #999;border-radius:.5rem;padding:.2rem 1rem}.card h2{margin:.5rem 0 0;font-size:1.1rem}
.verdict{font-size:1.4rem;font-weight:700;margin:.3rem 0}.ok{border-color:#1a7f37;background:#eefbf1}
.bad{border-color:#cf222e;background:#fff0f0}.warn{border-color:#9a6700;background:#fff8e5}.none{opacity:.6}
table{border-collapse:collapse;width:100%;margin-top:1rem}td,th{border-bottom:1px solid #ddd;padding:.35rem;vertical-align:top;text-align:left}
tr.failed,tr.errored{background:#fff0f0}tr.expected-fail{background:#fff8e5}pre{white-space:pre-wrap;word-break:break-all;font-size:12px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{font-weight:600}
</style></head><body>
<h1>CTA Interop conformance report</h1>
<dl><dt>Implementation</dt><dd>${html(report.implementation.name)} ${html(report.implementation.version)}</dd>
<dt>Suite</dt><dd>${html(report.suite.name)} ${html(report.suite.version)}, ${report.suite.vectorCount} vectors, <code>${html(report.suite.vectorsDigest)}</code></dd>
<dt>Harness</dt><dd><code>${html(report.harness)}</code></dd><dt>Command</dt><dd><code>${html(report.command)}</code></dd>
<dt>Started</dt><dd>${html(report.startedAt)} (${(report.durationMs / 1000).toFixed(2)} s)</dd>
<dt>Totals</dt><dd>${s.passed} passed, ${s.failed} failed, ${s.errored} errored, ${s['expected-fail']} expected fail, ${s.inapplicable} inapplicable, ${s.untested} untested</dd></dl>
<div class="cards">${cards}</div>${note === undefined ? '' : `\n<p class="not-proven"><strong>${html(note)}</strong></p>`}
${report.warnings.length > 0 ? `<h2>Warnings</h2><ul>${report.warnings.map((w) => `<li>${html(w)}</li>`).join('')}</ul>` : ''}
<h2>Tests</h2>
<p><label>Show <select id="filter"><option value="">all</option>${order.map((o) => `<option>${o}</option>`).join('')}</select></label></p>
<table><thead><tr><th>Status</th><th>Test</th><th>Requirements</th><th>Level</th><th>Profiles</th><th>Details</th></tr></thead><tbody>
${rows}
</tbody></table>
<script>document.getElementById('filter').addEventListener('change',function(e){var v=e.target.value;document.querySelectorAll('tbody tr').forEach(function(r){r.hidden=v!==''&&r.dataset.status!==v})})</script>
</body></html>
`
}

/** Renders a report in one format. */
export function render(report: Report, format: Format): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`
    case 'junit':
      return renderJunit(report)
    case 'md':
      return renderMarkdown(report)
    case 'html':
      return renderHtml(report)
    case 'earl':
      return renderEarl(report)
  }
}
