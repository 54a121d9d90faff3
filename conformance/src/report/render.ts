/**
 * Renderings of the canonical report: JUnit XML, Markdown, a single-file offline HTML page and
 * EARL (in `earl.ts`).
 */
import { notProvenNote, type ProfileVerdict, type TestResult } from '../run.js'
import { renderEarl } from './earl.js'
import { renderHtml, type HtmlOptions } from './html.js'
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

export { renderHtml, type HtmlOptions }

/** Renders a report in one format (`options`: how the HTML page links and shortens paths). */
export function render(report: Report, format: Format, options: HtmlOptions = {}): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`
    case 'junit':
      return renderJunit(report)
    case 'md':
      return renderMarkdown(report)
    case 'html':
      return renderHtml(report, options)
    case 'earl':
      return renderEarl(report)
  }
}
