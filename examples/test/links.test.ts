// Every link goes somewhere: each link on the dashboard, and each object an event of the example
// tools links to (its `url`, its object, its actor, a match's two sides, a membership's member),
// opens a styled HTML page served by the tool that owns it, in Chromium; the same URL gives the
// object's JSON document when asked for JSON; what does not exist is a styled 404 with the coded
// problem ERR_NOT_FOUND. Two object pages are screenshot at 390 px and 1440 px.
import { mkdir } from 'node:fs/promises'
import {
  createManifestResolver,
  createMemoryDedupeStore,
  pullEvents,
  type Event,
} from '@cta-interop/sdk'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LOCAL, startProducer, type Producer } from '../src/producer.js'
import { runScenario, type Scenario } from '../src/scenario.js'
import { openChromium } from './helpers/open-chromium.js'
import { axeViolations } from './helpers/axe-violations.js'

const SCREENSHOTS = new URL('../../test-results/screenshots/', import.meta.url)
let scenario: Scenario
let reader: Producer
let browser: BrowserContext
let page: Page
let chromium: Awaited<ReturnType<typeof openChromium>>
/** Every event both tools emitted into the group, read from their feeds. */
const events: Event[] = []
const consoleErrors: string[] = []

beforeAll(async () => {
  scenario = await runScenario()
  // A tool of the test's own, installed in the group, reads both tools' feeds: every event they
  // emitted, signed and verified, exactly as any installed tool would get them.
  reader = await startProducer({
    name: 'Link checker',
    emits: [],
    profiles: ['core'],
    isInstalled: scenario.decisions.isInstalled,
  })
  const { decisions, budgeting } = scenario
  await decisions.connectTool(
    { origin: reader.origin, name: 'Link checker' },
    decisions.person('tomas', 'Tomás'),
  )
  const resolver = createManifestResolver({ ...LOCAL, trustedSources: () => true })
  for (const tool of [decisions.origin, budgeting.origin]) {
    const result = await pullEvents(`${tool}/cta/feed`, {
      group: scenario.outcome.group,
      key: reader.key,
      resolveKey: resolver.resolveKey,
      dedupe: createMemoryDedupeStore(),
      onEvent: (event) => {
        events.push(event)
      },
      ...LOCAL,
    })
    expect(result.rejected).toEqual([])
  }
  await mkdir(SCREENSHOTS, { recursive: true })
  chromium = await openChromium()
  browser = chromium.context
  page = await browser.newPage()
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(`${page.url()}: ${message.text()}`)
  })
  page.on('pageerror', (error) => consoleErrors.push(`${page.url()}: ${error.message}`))
}, 300_000)
afterAll(async () => {
  await chromium.close()
  await reader.close()
  await scenario.close()
})

/** What a followed link opened. */
interface Opened {
  readonly url: string
  readonly status: number | undefined
  readonly contentType: string
  readonly title: string
  /** Style sheets the page applies (inline `<style>` or `<link rel=stylesheet>`), with their rules. */
  readonly stylesheets: number
  readonly rules: number
  readonly h1: number
  readonly lang: string
}

async function open(url: string): Promise<Opened> {
  const response = await page.goto(url, { waitUntil: 'load' })
  const seen = await page.evaluate(() => ({
    title: document.title,
    stylesheets: document.styleSheets.length,
    rules: [...document.styleSheets].reduce((n, s) => n + s.cssRules.length, 0),
    h1: document.querySelectorAll('h1').length,
    lang: document.documentElement.lang,
  }))
  return {
    url,
    status: response?.status(),
    contentType: response?.headers()['content-type'] ?? '',
    ...seen,
  }
}

/** A styled HTML page, answered 200: what every link must open. */
const styledPage = (url: string) => ({
  url,
  status: 200,
  contentType: expect.stringMatching(/^text\/html/) as unknown,
  title: expect.stringMatching(/\S/) as unknown,
  stylesheets: expect.any(Number) as unknown,
  rules: expect.any(Number) as unknown,
  h1: expect.any(Number) as unknown,
  lang: expect.any(String) as unknown,
})

const withoutHash = (href: string): string => {
  const url = new URL(href)
  url.hash = ''
  return url.href
}

/** The IRIs an event links to on one of the tools' origins: where a reader would click. */
function linksOf(event: Event, origins: readonly string[]): string[] {
  const data = event.data as Record<string, unknown>
  const object = data['object']
  const found: unknown[] = [data['url']]
  const actor = data['actor'] as { id?: unknown } | undefined
  found.push(actor?.id)
  if (typeof object === 'string') found.push(object)
  else if (typeof object === 'object' && object !== null) {
    const o = object as Record<string, unknown>
    // An object's own IRI, a match's two sides, a member someone added.
    found.push(o['id'], o['subject'], o['object'], o['url'])
  }
  const result = data['result'] as { member?: { id?: unknown } } | undefined
  found.push(result?.member?.id)
  return found
    .filter((v): v is string => typeof v === 'string' && URL.canParse(v))
    .map(withoutHash)
    .filter((v) => origins.includes(new URL(v).origin))
}

/** The first agreement's IRI (its event's `url` is the bucket it funds). */
/** The object of the first event of a type (a contribution, a task, a bucket): its IRI. */
const objectIdOf = (all: readonly Event[], type: string): string =>
  (
    all.find((e) => e.type === `tech.collaborative.${type}`)?.data as
      { object: { id: string } } | undefined
  )?.object.id ?? ''

/** The first tool installation's IRI, from its `group.tool.connected` event. */
const installationOf = (all: readonly Event[]): string =>
  (
    all.find((e) => e.type === 'tech.collaborative.group.tool.connected')?.data as
      { object: { id: string } } | undefined
  )?.object.id ?? ''

describe('every link goes somewhere, in Chromium', () => {
  it('opens every link on the dashboard as a styled HTML page, answered 200', async () => {
    const { dashboard, decisions, budgeting } = scenario.outcome
    expect((await page.goto(`${dashboard}/`))?.status()).toBe(200)
    // The page may render its rows with a script: wait until the links to both tools are there
    // and their number has stopped changing.
    let before = -1
    let hrefs: string[] = []
    for (let i = 0; i < 100; i++) {
      hrefs = await page.$$eval('a[href]', (as) => as.map((a) => (a as HTMLAnchorElement).href))
      const both =
        hrefs.some((h) => h.startsWith(decisions)) && hrefs.some((h) => h.startsWith(budgeting))
      if (both && hrefs.length === before) break
      before = hrefs.length
      await page.waitForTimeout(200)
    }
    const targets = [
      ...new Set(hrefs.filter((h) => /^https?:/.test(h)).map((h) => withoutHash(h))),
    ].sort()
    expect(targets.some((t) => t.startsWith(decisions))).toBe(true)
    expect(targets.some((t) => t.startsWith(budgeting))).toBe(true)
    const opened: Opened[] = []
    for (const target of targets) opened.push(await open(target))
    // Each one is listed, so that a failure names the link that broke.
    expect(
      opened.filter((o) => o.status !== 200 || !o.contentType.startsWith('text/html')),
    ).toEqual([])
    expect(opened.filter((o) => o.title.trim() === '' || o.rules === 0)).toEqual([])
    for (const o of opened) expect(o).toEqual(styledPage(o.url))
  })

  it('serves a styled page for every object an event links to, at the tool that owns it', async () => {
    const { decisions, budgeting } = scenario.outcome
    const origins = [decisions, budgeting]
    const targets = [...new Set(events.flatMap((e) => linksOf(e, origins)))].sort()
    const paths = targets.map((t) => new URL(t).pathname)
    // The kinds of object the scenario's events link to, each of them a page.
    for (const kind of [
      /^\/p\//, // a poll
      /^\/u\//, // a member
      /^\/g\//, // the group's IRI
      /^\/harbour-commons$/, // the group's page (its `url`)
      /^\/rounds\//,
      /^\/buckets\//,
      /^\/offers\//,
      /^\/matches\//,
      /^\/requests\//,
      /^\/contributions\//,
      /^\/tasks\//,
      /^\/s\//, // a stance
    ])
      expect(paths.filter((p) => kind.test(p)).length, String(kind)).toBeGreaterThan(0)
    const opened: Opened[] = []
    for (const target of targets) opened.push(await open(target))
    expect(opened.filter((o) => o.status !== 200)).toEqual([])
    for (const o of opened) {
      expect(o).toEqual(styledPage(o.url))
      expect(o.rules).toBeGreaterThan(0)
      expect(o.h1).toBe(1)
      expect(o.lang).toBe('en')
    }
    expect(consoleErrors).toEqual([])
  })

  it('answers an object’s URL with its JSON document when asked for JSON', async () => {
    const { decisions, budgeting } = scenario.outcome
    // A tool's home is no object; an installation's document is the authority's to give to those
    // it authorizes: its page is HTML only.
    const objects = [...new Set(events.flatMap((e) => linksOf(e, [decisions, budgeting])))].filter(
      (t) => !/^\/$|^\/g\/[^/]+\/tools\//.test(new URL(t).pathname),
    )
    expect(objects.length).toBeGreaterThan(5)
    for (const url of objects) {
      const response = await fetch(url, { headers: { accept: 'application/json' } })
      expect([url, response.status]).toEqual([url, 200])
      expect(response.headers.get('content-type')).toMatch(/json/)
      const doc = (await response.json()) as { id?: unknown; type?: unknown }
      expect(typeof doc.type, url).toBe('string')
      // The group's page (its `url`) answers with the group's document, whose id is its IRI.
      if (new URL(url).pathname !== '/harbour-commons') expect(doc.id, url).toBe(url)
    }
  })

  it('answers what does not exist with a styled 404 page carrying ERR_NOT_FOUND, or the problem as JSON', async () => {
    const { decisions, budgeting } = scenario.outcome
    for (const url of [
      `${budgeting}/offers/999999`,
      `${budgeting}/rounds/999999`,
      `${budgeting}/matches/999999`,
      `${decisions}/p/999999`,
      `${decisions}/u/nobody`,
      `${decisions}/no-such-page`,
    ]) {
      const o = await open(url)
      expect([url, o.status]).toEqual([url, 404])
      expect(o.contentType).toMatch(/^text\/html/)
      expect(o.rules).toBeGreaterThan(0)
      expect(await page.locator('main').textContent()).toContain('ERR_NOT_FOUND')
      const json = await fetch(url, { headers: { accept: 'application/json' } })
      expect(json.status).toBe(404)
      if (!url.endsWith('/no-such-page')) {
        expect(json.headers.get('content-type')).toBe('application/problem+json')
        expect(((await json.json()) as { code: string }).code).toBe('ERR_NOT_FOUND')
      } else await json.body?.cancel()
    }
  })

  it('lays object pages out for 390 px and 1440 px, with no sideways scrolling and no serious axe-core violation', async () => {
    const { decisions, budgeting } = scenario.outcome
    const match = scenario.budgeting.matches[0]
    expect(match).toBeDefined()
    const pages = {
      bucket: objectIdOf(events, 'bucket.published'),
      request: match?.object ?? '',
      offer: match?.subject ?? '',
      poll: events.find((e) => e.type === 'tech.collaborative.poll.closed')?.data.url ?? '',
      member: `${decisions}/u/aroha`,
      match: events.find((e) => e.type === 'tech.collaborative.intent.matched')?.data.url ?? '',
      round: events.find((e) => e.type === 'tech.collaborative.round.opened')?.data.url ?? '',
      contribution: objectIdOf(events, 'contribution.made'),
      task: objectIdOf(events, 'task.completed'),
      group: scenario.outcome.group,
      installation: installationOf(events),
      home: `${budgeting}/`,
      missing: `${budgeting}/offers/999999`,
    }
    expect(pages.bucket.startsWith(`${budgeting}/buckets/`)).toBe(true)
    expect(Object.values(pages).every((url) => URL.canParse(url))).toBe(true)
    for (const [kind, url] of Object.entries(pages)) {
      for (const width of [390, 1440]) {
        await page.setViewportSize({ width, height: width === 390 ? 844 : 900 })
        expect((await page.goto(url))?.status(), url).toBe(kind === 'missing' ? 404 : 200)
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        )
        expect([kind, width, overflow]).toEqual([kind, width, 0])
        // Contrast is checked at each width: the layout changes colours of nothing, but wraps.
        expect([kind, width, await axeViolations(page)]).toEqual([kind, width, []])
        await page.screenshot({
          path: new URL(`object-${kind}-${String(width)}.png`, SCREENSHOTS).pathname,
          fullPage: true,
        })
      }
    }
  })
})
