import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect } from 'node:net'
import { chromium } from 'playwright-core'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { extractRequirements } from '../../conformance/scripts/extract-requirements.js'
import { LIVE_CASES } from '../../conformance/src/live/cases/index.js'
import { chapterLink } from '../src/chapters.js'
import { escapeHtml } from '../src/markdown.js'
import { DIST, ROOT } from '../src/paths.js'
import { findReports } from '../src/reports.js'
import { resolvePath, serveSite } from '../src/server.js'

const CHROMIUM = '/usr/bin/chromium'
const HAS_CHROMIUM = existsSync(CHROMIUM)
const SCREENSHOTS = `${ROOT}test-results/screenshots/`
const CONTEXT_IRI = 'https://w3id.org/cta/v1'
const SCHEMA_BASE = 'https://w3id.org/cta/'

if (!HAS_CHROMIUM) {
  console.warn(`site browser tests SKIPPED: ${CHROMIUM} is missing (apt-get install chromium)`)
}

let site: Awaited<ReturnType<typeof serveSite>> | undefined
const base = (): string => {
  if (site === undefined) throw new Error('the site server did not start')
  return site.url
}

beforeAll(async () => {
  if (!existsSync(`${DIST}index.html`)) {
    throw new Error('site/dist has no index.html: run `npm run site` before these tests')
  }
  site = await serveSite()
})
afterAll(async () => {
  await site?.close()
})

describe('the site server', () => {
  it('serves clean URLs, redirects directories to their slash and never leaves site/dist', async () => {
    expect(resolvePath(DIST, '/documents')).toEqual({ file: `${DIST}documents.html` })
    expect(resolvePath(DIST, '/schemas/v1')).toEqual({ redirect: '/schemas/v1/' })
    expect(resolvePath(DIST, '/../package.json')).toEqual({ missing: true })
    expect(resolvePath(DIST, '/..%2f..%2fpackage.json')).toEqual({ missing: true })
    const res = await fetch(`${base()}/..%2f..%2fpackage.json`)
    expect(res.status).toBe(404)
    await res.body?.cancel()
  })

  it('answers a request target that is no URL with 404 and keeps serving', async () => {
    const { port } = new URL(base())
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write('GET http://[zz/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')
      })
      let text = ''
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString('latin1')
      })
      socket.on('end', () => {
        resolve(text)
      })
      socket.on('error', reject)
    })
    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 404 Not Found')
    const res = await fetch(`${base()}/`)
    expect(res.status).toBe(200)
    await res.body?.cancel()
  })
})

describe('the published artifacts', () => {
  it('serves every JSON Schema at the path its $id names, byte for byte', async () => {
    const names = readdirSync(`${ROOT}schemas/v1`).filter((f) => f.endsWith('.json'))
    expect(names.length).toBeGreaterThan(10)
    for (const name of names) {
      const text = readFileSync(`${ROOT}schemas/v1/${name}`, 'utf8')
      const id = (JSON.parse(text) as { $id: string }).$id
      expect(id).toBe(`${SCHEMA_BASE}schemas/v1/${name}`)
      const res = await fetch(`${base()}/${id.slice(SCHEMA_BASE.length)}`)
      expect(res.status, id).toBe(200)
      expect(await res.text(), id).toBe(text)
    }
  })

  it('serves the JSON-LD context at /v1 (the path of its IRI) and /v1.jsonld as application/ld+json', async () => {
    const context = readFileSync(`${ROOT}schemas/context/v1.jsonld`, 'utf8')
    expect(new URL(CONTEXT_IRI).pathname).toBe('/cta/v1')
    for (const path of ['/v1', '/v1.jsonld', '/schemas/context/v1.jsonld']) {
      const res = await fetch(base() + path)
      expect(res.status, path).toBe(200)
      expect(res.headers.get('content-type'), path).toBe('application/ld+json')
      expect(await res.text(), path).toBe(context)
    }
  })

  it('serves the control API OpenAPI document at the path of the IRI the spec links to', async () => {
    const res = await fetch(`${base()}/conformance/v1/control-api.openapi.yaml`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('application/yaml')
    expect(await res.text()).toBe(
      readFileSync(`${ROOT}conformance/control-api.openapi.yaml`, 'utf8'),
    )
  })

  it("shows each example tool's latest report and publishes its files, or says plainly that none exists", async () => {
    const html = await (await fetch(`${base()}/conformance-report`)).text()
    // The reports as published with the site: the example tools' run may have rewritten the
    // repository's copies since the build, but not which tools have one.
    const tools = findReports(DIST)
    expect(tools.map((t) => t.slug)).toEqual(findReports().map((t) => t.slug))
    if (tools.length === 0) {
      expect(html).toContain('No conformance report exists yet')
      return
    }
    expect(html).not.toContain('No conformance report exists yet')
    const sections = [...html.matchAll(/<h2 id="report-[^"]*"[^>]*data-tool="([^"]*)"/g)]
    expect(sections.map((m) => unescape(m[1] ?? ''))).toEqual(tools.map((t) => t.slug))
    for (const { slug, dir, files } of tools) {
      expect(files[0], slug).toBe('report.json')
      expect(files, slug).toContain('report.html')
      for (const file of files) {
        expect(html, `${dir}${file}`).toContain(`href="/${dir}${file}"`)
        const res = await fetch(`${base()}/${dir}${file}`)
        expect(res.status, `${dir}${file}`).toBe(200)
        expect(await res.text(), `${dir}${file}`).toBe(readFileSync(`${DIST}${dir}${file}`, 'utf8'))
      }
      const report = JSON.parse(readFileSync(`${DIST}${dir}report.json`, 'utf8')) as {
        implementation: { name: string }
        tests: { transcript?: { method: string; url: string }[] }[]
      }
      expect(html).toContain(`>${escapeHtml(report.implementation.name)}</h2>`)
      // Rendered as the HTML report: each live case's HTTP exchanges are on the page.
      const exchanges = report.tests.flatMap((t) => t.transcript ?? [])
      for (const x of exchanges) {
        expect(html).toContain(escapeHtml(`${x.method} ${x.url}`))
      }
    }
    // No path of the machine that ran the suite or built the site.
    expect(html).not.toContain(ROOT)
    expect(html).not.toContain(ROOT.replace(/\/$/, ''))
  })

  it('includes the SDK API reference, its modules named by import path, introduced with a link to the spec', async () => {
    const res = await fetch(`${base()}/api/`)
    expect(res.status).toBe(200)
    const html = await res.text()
    const exports = Object.keys(
      (
        JSON.parse(readFileSync(`${ROOT}sdk/package.json`, 'utf8')) as {
          exports: Record<string, unknown>
        }
      ).exports,
    )
      // Data files (the JSON Schemas and the JSON-LD context) are exports, not API modules.
      .filter((e) => e !== './package.json' && !/\.(json|jsonld)$/.test(e))
      .map((e) => `@cta-interop/sdk${e.slice(1)}`)
    expect(exports).toContain('@cta-interop/sdk/node')
    for (const name of exports) {
      expect(html, name).toContain(`<code>${name}</code></a>`)
    }
    expect(html).toContain('href="https://w3id.org/cta/spec/"')
    const modules = await (await fetch(`${base()}/api/modules.html`)).text()
    const names = [...modules.matchAll(/<a href="modules\/[^"]+\.html">([^<]+)<\/a>/g)]
      .map((m) => m[1])
      .sort()
    expect(names).toEqual([...exports].sort())
  })
})

/** Decodes the entities HTML attribute values use. */
const unescape = (value: string): string =>
  value
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')

/** The ids and absolute link targets in a page's markup. */
function scanHtml(html: string, url: string): { ids: string[]; hrefs: string[] } {
  const attr = (name: string): string[] =>
    [...html.matchAll(new RegExp(`\\s${name}="([^"]*)"`, 'g'))].map((m) => unescape(m[1] ?? ''))
  const hrefs = [...html.matchAll(/<a\s[^>]*?href="([^"]*)"/g)].map((m) => unescape(m[1] ?? ''))
  return {
    ids: [...attr('id'), ...attr('name')],
    hrefs: hrefs
      .filter((h) => !/^(?:javascript|mailto|data):/i.test(h))
      .map((h) => new URL(h, url).href),
  }
}

interface Crawled {
  readonly status: number
  readonly html: boolean
  readonly ids: ReadonlySet<string>
  readonly errors: readonly string[]
}

describe.skipIf(!HAS_CHROMIUM)(
  HAS_CHROMIUM
    ? `the site in Debian's Chromium (${CHROMIUM})`
    : `the site in Chromium: SKIPPED because ${CHROMIUM} is missing`,
  () => {
    let context: BrowserContext | undefined
    let profile = ''
    const crawled = new Map<string, Crawled>()
    const fragments: { from: string; to: string; id: string }[] = []

    const browser = (): BrowserContext => {
      if (context === undefined) throw new Error('Chromium did not start')
      return context
    }

    interface Tab {
      readonly page: Page
      /** What went wrong since the tab last navigated. */
      errors: string[]
    }

    /** A tab that records console errors, uncaught exceptions and failed requests. */
    async function newTab(): Promise<Tab> {
      const page = await browser().newPage()
      const tab: Tab = { page, errors: [] }
      page.on('console', (m) => {
        if (m.type() === 'error') tab.errors.push(`console: ${m.text()} (${m.location().url})`)
      })
      page.on('pageerror', (e) => tab.errors.push(`exception: ${e.message}`))
      page.on('requestfailed', (r) => {
        // Leaving a page aborts what it was still fetching; that is not an error of the next one.
        if (r.failure()?.errorText !== 'net::ERR_ABORTED') {
          tab.errors.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`)
        }
      })
      page.on('response', (r) => {
        if (r.status() >= 400) tab.errors.push(`HTTP ${r.status()}: ${r.url()}`)
      })
      return tab
    }

    /** Loads a URL in a tab and waits until a VitePress page has hydrated. */
    async function load(tab: Tab, url: string): Promise<number> {
      tab.errors = []
      const response = await tab.page.goto(url, { waitUntil: 'load' })
      if ((await tab.page.locator('#app').count()) > 0) {
        await tab.page.waitForFunction(() => {
          const app = document.querySelector<HTMLElement & { __vue_app__?: unknown }>('#app')
          return app?.__vue_app__ !== undefined
        })
        await tab.page.waitForLoadState('networkidle')
      }
      return response?.status() ?? 0
    }

    /** A fresh tab with a URL loaded. */
    async function open(url: string): Promise<{ page: Page; errors: string[] }> {
      const tab = await newTab()
      await load(tab, url)
      return tab
    }

    beforeAll(async () => {
      profile = mkdtempSync(join(tmpdir(), 'cta-site-chromium-'))
      context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--no-first-run',
        ],
        viewport: { width: 1280, height: 800 },
      })
    }, 60_000)

    afterAll(async () => {
      await context?.close()
      rmSync(profile, { recursive: true, force: true })
    })

    it('loads the pages with no console error, and every internal link and anchor resolves', async () => {
      const origin = new URL(base()).origin
      const queue = ['/']
      const seen = new Set(queue)
      /** The first page that links to each path, for the failure message. */
      const referrers = new Map<string, string>()
      const sampled = new Set<string>()
      /**
       * Whether a page is loaded in Chromium. All of the spec site is; of the API reference, which
       * TypeDoc renders from one template into hundreds of pages, the first page of each kind
       * (index, hierarchy, each of classes/, functions/, interfaces/, …). Every other API page is
       * read as HTML for its ids and links, which are all in its markup.
       */
      const inBrowser = (path: string): boolean => {
        if (!path.startsWith('/api/')) return true
        const kind = path.split('/').slice(0, 3).join('/')
        if (sampled.has(kind)) return false
        sampled.add(kind)
        return true
      }
      const visit = async (tab: Tab, path: string): Promise<void> => {
        const url = origin + path
        const res = await fetch(url)
        const isHtml = (res.headers.get('content-type') ?? '').startsWith('text/html')
        if (!isHtml || res.status !== 200) {
          await res.body?.cancel()
          crawled.set(path, { status: res.status, html: false, ids: new Set(), errors: [] })
          return
        }
        let found: { ids: string[]; hrefs: string[] }
        if (inBrowser(path)) {
          await res.body?.cancel()
          const status = await load(tab, url)
          const ids = await tab.page.$$eval('[id], a[name]', (els) =>
            els.map((e) => e.id || e.getAttribute('name') || ''),
          )
          const hrefs = await tab.page.$$eval('a[href]', (as) =>
            as.map((a) => (a as HTMLAnchorElement).href),
          )
          crawled.set(path, { status, html: true, ids: new Set(ids), errors: [...tab.errors] })
          found = { ids, hrefs }
        } else {
          found = scanHtml(await res.text(), url)
          crawled.set(path, { status: 200, html: true, ids: new Set(found.ids), errors: [] })
        }
        for (const href of found.hrefs) {
          const target = new URL(href)
          if (target.origin !== origin) continue
          const targetPath = target.pathname + target.search
          if (target.hash.length > 1) {
            const id = decodeURIComponent(target.hash.slice(1))
            fragments.push({ from: path, to: targetPath, id })
          }
          if (!seen.has(targetPath)) {
            seen.add(targetPath)
            referrers.set(targetPath, path)
            queue.push(targetPath)
          }
        }
      }
      // Three tabs share the queue: the machine has two cores and other test files run beside.
      let busy = 0
      const worker = async (): Promise<void> => {
        const tab = await newTab()
        for (;;) {
          const path = queue.shift()
          if (path === undefined) {
            if (busy === 0) break
            await new Promise((resolve) => setTimeout(resolve, 20))
            continue
          }
          busy += 1
          try {
            await visit(tab, path)
          } finally {
            busy -= 1
          }
        }
        await tab.page.close()
      }
      await Promise.all([worker(), worker(), worker()])

      const pages = [...crawled].filter(([, c]) => c.html)
      expect(pages.length).toBeGreaterThan(10)
      for (const path of ['/', '/documents', '/requirements', '/conformance-report', '/api/']) {
        expect(crawled.get(path)?.html, path).toBe(true)
      }
      expect(
        pages
          .filter(([, c]) => c.errors.length > 0)
          .map(([p, c]) => `${p}: ${c.errors.join('; ')}`),
      ).toEqual([])
      expect(
        [...crawled]
          .filter(([, c]) => c.status !== 200)
          .map(([p, c]) => `${p}: HTTP ${c.status} (linked from ${referrers.get(p) ?? '?'})`),
      ).toEqual([])
      const broken = fragments
        .filter(({ to, id }) => crawled.get(to)?.ids.has(id) !== true)
        .map(({ from, to, id }) => `${from} → ${to}#${id}`)
      expect([...new Set(broken)]).toEqual([])
    }, 300_000)

    it('makes each requirement an anchor with its coverage beside it', async () => {
      const { requirements } = extractRequirements()
      expect(requirements.length).toBeGreaterThan(10)
      const byPage = new Map<string, typeof requirements>()
      for (const r of requirements) {
        const path = chapterLink(r.chapter)
        byPage.set(path, [...(byPage.get(path) ?? []), r])
      }
      for (const [path, reqs] of byPage) {
        const { page, errors } = await open(base() + path)
        const shown = await page.evaluate(
          (ids) =>
            ids.map((id) => ({
              id,
              anchors: document.querySelectorAll(`[id="${id}"]`).length,
              coverage: document.querySelector(`[data-coverage-for="${id}"]`)?.textContent ?? null,
            })),
          reqs.map((r) => r.id),
        )
        await page.close()
        expect(errors).toEqual([])
        for (const r of reqs) {
          const passing = r.coverage.passing.length
          expect(
            shown.find((x) => x.id === r.id),
            `${path}#${r.id}`,
          ).toEqual({
            id: r.id,
            anchors: 1,
            coverage: expect.stringContaining(
              `Covered by ${passing} passing vector${passing === 1 ? '' : 's'}`,
            ) as unknown,
          })
        }
      }
      const listing = await open(`${base()}/requirements`)
      const rows = await listing.page.$$eval('tr[id] a[href]', (as) =>
        as.map((a) => `${a.closest('tr')?.id ?? ''} ${a.getAttribute('href') ?? ''}`),
      )
      expect(rows.sort()).toEqual(
        requirements.map((r) => `${r.id} ${chapterLink(r.chapter)}#${r.anchor}`).sort(),
      )
      await listing.page.close()

      const { page } = await open(`${base()}/documents#DOC-AMT-001`)
      const box = await page.locator('[data-requirement="DOC-AMT-001"]').boundingBox()
      expect(box).not.toBeNull()
      expect(box?.y ?? -1).toBeGreaterThanOrEqual(0)
      expect(box?.y ?? Infinity).toBeLessThan(800)
      await page.close()
    }, 120_000)

    it('finds a requirement by its identifier with the local search', async () => {
      const { page, errors } = await open(`${base()}/`)
      await page.locator('.VPNavBarSearch button').first().click()
      await page.locator('#localsearch-input').fill('DOC-AMT-001')
      const first = page.locator('#localsearch-list a.result').first()
      await first.waitFor({ timeout: 15_000 })
      expect(await first.getAttribute('href')).toBe('/documents#DOC-AMT-001')
      await page.keyboard.press('Enter')
      await page.waitForURL('**/documents#DOC-AMT-001')
      await page.locator('[data-requirement="DOC-AMT-001"]').waitFor({ state: 'visible' })
      await page.close()
      expect(errors).toEqual([])
    }, 60_000)

    it('shows the status block on the home page and the coverage from requirements.json at the top of the requirements page', async () => {
      const home = await open(`${base()}/`)
      const status = await home.page.$$eval('.spec-status dt', (dts) =>
        dts.map((dt) => `${dt.textContent}: ${dt.nextElementSibling?.textContent ?? ''}`),
      )
      await home.page.close()
      const sdk = JSON.parse(readFileSync(`${ROOT}sdk/package.json`, 'utf8')) as {
        version: string
      }
      expect(status.map((line) => line.split(':')[0])).toEqual([
        'Status',
        'Version',
        'Date',
        'Editors',
        'Feedback',
        'Licence',
        'Changes',
      ])
      expect(status[1]).toContain(sdk.version)
      expect(status[3]).toBe('Editors: CTA Interop editors')
      expect(status[4]).toMatch(/issue/)

      const registry = JSON.parse(
        readFileSync(`${ROOT}conformance/requirements.json`, 'utf8'),
      ) as ReturnType<typeof extractRequirements>
      const must = registry.requirements.filter((r) => r.level === 'MUST')
      const live = new Set(LIVE_CASES.flatMap((c) => c.requirements))
      const listing = await open(`${base()}/requirements`)
      const shown = await listing.page.$$eval('table.coverage-summary [data-coverage]', (els) =>
        Object.fromEntries(
          els.map((e) => [
            e.getAttribute('data-coverage') ?? '',
            Number((e.querySelector('td.count .n') ?? e).textContent),
          ]),
        ),
      )
      await listing.page.close()
      expect(shown).toMatchObject({
        must: must.length,
        bothWays: must.filter((r) => r.coverage.passing.length > 0 && r.coverage.failing.length > 0)
          .length,
        byTests: must.filter((r) => r.coverage.tests.length > 0).length,
        byLiveCases: must.filter((r) => live.has(r.id)).length,
        notTestableLive: must.filter((r) => r.live !== undefined).length,
      })
    }, 60_000)

    it('saves screenshots of each page at 390 px and 1440 px, none wider than the window', async () => {
      mkdirSync(SCREENSHOTS, { recursive: true })
      const report = findReports(DIST)[0]
      const shots: [string, string][] = [
        ['/', 'home'],
        ['/documents#context', 'chapter-documents'],
        ['/requirements', 'requirements'],
        ['/conformance-report', 'conformance-report'],
        ['/api/', 'api'],
        ...(report === undefined
          ? []
          : ([[`/${report.dir}report.html`, `report-${report.slug}`]] as [string, string][])),
      ]
      const overflowing: string[] = []
      for (const width of [390, 1440]) {
        for (const [path, name] of shots) {
          const page = await browser().newPage()
          await page.setViewportSize({ width, height: 900 })
          const tab = { page, errors: [] as string[] }
          await load(tab, base() + path)
          const overflow = await page.evaluate(
            () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
          )
          if (overflow > 0) overflowing.push(`${path} at ${width} px: ${overflow} px too wide`)
          const file = `${SCREENSHOTS}${name}-${width}.png`
          await page.screenshot({ path: file, fullPage: path === '/' })
          await page.close()
          expect(existsSync(file), file).toBe(true)
        }
      }
      expect(overflowing).toEqual([])
    }, 120_000)
  },
)
