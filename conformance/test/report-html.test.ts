import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Exchange } from '../src/live/wire.js'
import { renderHtml } from '../src/report/html.js'
import { render } from '../src/report/render.js'
import type { Report } from '../src/report/report.js'
import type { Status, TestResult } from '../src/run.js'
import { realReport } from './helpers/report.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '')
const CHROMIUM = '/usr/bin/chromium'
const SCREENSHOTS = `${ROOT}/test-results/screenshots/`

const STATUSES: readonly Status[] = [
  'passed',
  'failed',
  'errored',
  'expected-fail',
  'inapplicable',
  'untested',
]

/** Where each requirement is in the spec: `<chapter>#<anchor>`, from the registry. */
const ANCHORS = new Map(
  (
    JSON.parse(readFileSync(`${ROOT}/conformance/requirements.json`, 'utf8')) as {
      requirements: { id: string; chapter: string; anchor: string }[]
    }
  ).requirements.map((r) => [
    r.id,
    `${r.chapter.replace(/^spec\//, '').replace(/\.md$/, '')}#${r.anchor}`,
  ]),
)

const exchange: Exchange = {
  direction: 'out',
  method: 'POST',
  url: 'http://127.0.0.1:4100/inbox',
  requestHeaders: { 'content-type': 'application/cloudevents+json', authorization: '(redacted)' },
  requestBody: JSON.stringify({ id: 'evt-transcript-marker', data: 'x'.repeat(3000) }),
  status: 415,
  responseHeaders: { 'content-type': 'application/problem+json' },
  responseBody: '{"type":"ERR_MEDIA_TYPE"}',
  at: '2026-01-01T00:00:00.000Z',
}

/**
 * A real run, its statuses varied so that each is rendered (three inapplicable), a live case's
 * transcript on the first, and the project's absolute path in its command, SUT and repro lines.
 */
async function report(): Promise<Report> {
  const real = await realReport()
  const tests = real.tests.map((t, i): TestResult => {
    const status = i < STATUSES.length ? STATUSES[i] : i < 9 ? 'inapplicable' : t.status
    return {
      ...t,
      status: status ?? t.status,
      repro: `npx cta-conformance live --sut ${ROOT}/conformance/reports/latest/decisions/sut.json --only ${t.id}`,
      ...(i === 0 ? { transcript: [exchange] } : {}),
    }
  })
  const [first, ...rest] = real.verdicts
  if (first === undefined) throw new Error('the run has no verdict')
  return {
    ...real,
    command: `node ${ROOT}/conformance/bin/cta-conformance.js live --sut ${ROOT}/conformance/reports/latest/decisions/sut.json`,
    options: { ...real.options, sut: `${ROOT}/conformance/reports/latest/decisions/sut.json` },
    tests,
    verdicts: [
      {
        ...first,
        claimed: true,
        verdict: 'partially-tested',
        untestedRequirements: ['EVT-DUP-001', 'EVT-SIG-001'],
      },
      ...rest,
    ],
  }
}

/** Each test's row, by test ID. */
function rows(html: string): Map<string, string> {
  return new Map(
    [...html.matchAll(/<tr class="[^"]*" data-status="[^"]*" data-test="([^"]*)">.*?<\/tr>/gs)].map(
      (m) => [m[1] ?? '', m[0]],
    ),
  )
}

describe('the HTML report', () => {
  let r: Report
  let html: string
  beforeAll(async () => {
    r = await report()
    html = render(r, 'html', { cwd: ROOT })
  })

  it('draws each status as an inline SVG icon, never as an emoji', () => {
    expect(html).not.toMatch(/[\u2705\u274C\u2796\u2B1C]|[\u{1F300}-\u{1FAFF}]/u)
    const byId = rows(html)
    expect(byId.size).toBe(r.tests.length)
    for (const t of r.tests) {
      const row = byId.get(t.id) ?? ''
      expect(row, t.id).toMatch(
        new RegExp(`<td class="status"[^>]*><svg class="status-icon" data-status="${t.status}"`),
      )
    }
    for (const status of STATUSES) {
      expect(html, status).toContain(`<svg class="status-icon" data-status="${status}"`)
    }
  })

  it("links each requirement ID to its anchor in the spec, in tests and in a verdict's untested list", () => {
    const byId = rows(html)
    let links = 0
    for (const t of r.tests) {
      for (const id of t.requirements) {
        const anchor = ANCHORS.get(id)
        if (anchor === undefined) continue
        expect(byId.get(t.id), `${t.id} ${id}`).toContain(
          `<a class="req-link" href="https://w3id.org/cta/spec/${anchor}"><code>${id}</code></a>`,
        )
        links++
      }
    }
    expect(links).toBeGreaterThan(10)
    const untested = /class="untested-requirements">(.*?)<\/p>/s.exec(html)?.[1] ?? ''
    for (const id of ['EVT-DUP-001', 'EVT-SIG-001']) {
      expect(untested).toContain(`href="https://w3id.org/cta/spec/${ANCHORS.get(id) ?? '?'}"`)
    }
    // The base is configurable: the spec site links to its own pages.
    const local = render(r, 'html', { cwd: ROOT, specBase: '/' })
    expect(local).toContain(`href="/${ANCHORS.get('EVT-SIG-001') ?? '?'}"`)
    expect(local).not.toContain('https://w3id.org/cta/spec/events#')
    // …and so are the CLI's reports, through the environment.
    const before = process.env['CTA_SPEC_BASE']
    process.env['CTA_SPEC_BASE'] = 'https://mirror.example/spec/'
    try {
      expect(render(r, 'html', { cwd: ROOT })).toContain(
        `href="https://mirror.example/spec/${ANCHORS.get('EVT-SIG-001') ?? '?'}"`,
      )
    } finally {
      if (before === undefined) delete process.env['CTA_SPEC_BASE']
      else process.env['CTA_SPEC_BASE'] = before
    }
  })

  it('writes paths relative to the project, never the absolute path of the machine', () => {
    expect(JSON.stringify(r)).toContain(ROOT)
    expect(html).not.toContain(ROOT)
    expect(html).toContain('--sut conformance/reports/latest/decisions/sut.json --only ')
    expect(html).toContain('node conformance/bin/cta-conformance.js live')
  })

  it("shows each live case's HTTP exchanges in the page, bodies cut to a readable length", () => {
    const first = r.tests[0]
    if (first === undefined) throw new Error('no test')
    const row = rows(html).get(first.id) ?? ''
    const transcript = /<details class="transcript">.*?<\/details>/s.exec(row)?.[0] ?? ''
    expect(transcript).toContain('1 HTTP exchange')
    expect(transcript).toContain('POST http://127.0.0.1:4100/inbox')
    expect(transcript).toContain('>415</span>')
    expect(transcript).toContain('content-type: application/cloudevents+json')
    expect(transcript).toContain('authorization: (redacted)')
    expect(transcript).toContain('evt-transcript-marker')
    expect(transcript).toContain('ERR_MEDIA_TYPE')
    expect(transcript).toContain('more characters (report.json has the body as recorded)')
    expect(transcript).not.toContain('x'.repeat(2000))
    // Only the live case has one.
    expect(html.match(/<details class="transcript">/g)).toHaveLength(1)
  })

  it('lists failures first and folds the inapplicable tests into a closed <details>', () => {
    const folded = /<details class="inapplicable-tests">(.*?)<\/details>\n<\/div>/s.exec(html)
    expect(folded).not.toBeNull()
    const inside = rows(folded?.[0] ?? '')
    const inapplicable = r.tests.filter((t) => t.status === 'inapplicable').map((t) => t.id)
    expect(inapplicable.length).toBeGreaterThan(2)
    expect([...inside.keys()].sort()).toEqual([...inapplicable].sort())
    const outside = html.replace(folded?.[0] ?? '', '')
    expect(outside).not.toContain('data-status="inapplicable"')
    const order = [...outside.matchAll(/<tr class="[^"]*" data-status="([^"]*)"/g)].map((m) => m[1])
    expect(order[0]).toBe('failed')
    expect(order.lastIndexOf('failed')).toBeLessThan(order.indexOf('passed'))
    expect(order.lastIndexOf('errored')).toBeLessThan(order.indexOf('passed'))
  })

  it('keeps the report self-contained: nothing is fetched', () => {
    expect(html).toMatch(/^<!doctype html>/)
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/)
  })
})

describe.skipIf(!existsSync(CHROMIUM))('the HTML report in Chromium', () => {
  let dir = ''
  let file = ''
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cta-report-html-'))
    file = join(dir, 'report.html')
    writeFileSync(file, renderHtml(await report(), { cwd: ROOT }))
    mkdirSync(SCREENSHOTS, { recursive: true })
  })
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  it('fits 390 px and 1440 px without horizontal scrolling, inapplicable rows hidden until opened', async () => {
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    })
    try {
      for (const width of [390, 1440]) {
        const page = await browser.newPage({ viewport: { width, height: 900 } })
        await page.goto(`file://${file}`)
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        )
        expect(overflow, `${width} px`).toBeLessThanOrEqual(0)
        expect(await page.locator('tr[data-status="inapplicable"]').first().isVisible()).toBe(false)
        expect(await page.locator('svg.status-icon').first().isVisible()).toBe(true)
        // The first case's transcript opens in the page.
        const transcript = page.locator('details.transcript').first()
        await transcript.locator('summary').click()
        expect(await transcript.locator('pre.http').first().isVisible()).toBe(true)
        await page.screenshot({ path: `${SCREENSHOTS}report-${width}.png`, fullPage: true })
        await page.locator('details.inapplicable-tests > summary').click()
        expect(await page.locator('tr[data-status="inapplicable"]').first().isVisible()).toBe(true)
        await page.close()
      }
    } finally {
      await browser.close()
    }
  }, 60_000)
})
