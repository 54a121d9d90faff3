import { mkdir } from 'node:fs/promises'
import { createRequire } from 'node:module'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEventStream } from '../dashboard/stream.js'
import { listen } from '../src/http.js'
import { runScenario, type Scenario } from '../src/scenario.js'
import { openChromium } from './helpers/open-chromium.js'

const SCREENSHOTS = new URL('../../test-results/screenshots/', import.meta.url)
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js')
let scenario: Scenario
let browser: BrowserContext
let page: Page
let chromium: Awaited<ReturnType<typeof openChromium>>
let dashboard: string
const consoleErrors: string[] = []

beforeAll(async () => {
  scenario = await runScenario()
  dashboard = scenario.outcome.dashboard
  await mkdir(SCREENSHOTS, { recursive: true })
  // The page's CSP allows only its own script; axe-core is injected inline, hence bypassCSP.
  chromium = await openChromium({ bypassCSP: true })
  browser = chromium.context
  page = await browser.newPage()
  await page.setViewportSize({ width: 1440, height: 900 })
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text())
  })
  page.on('pageerror', (error) => consoleErrors.push(error.message))
}, 300_000)
afterAll(async () => {
  await chromium.close()
  await scenario.close()
})

const rows = (p: Page) =>
  p.$$eval('li.notification', (lis) => lis.map((li) => (li as HTMLElement).dataset['source'] ?? ''))
const unreadCount = (p: Page) =>
  p.$eval('#unread-count', (el) => Number((el as HTMLElement).dataset['count']))
/** Waits until the page's script has the live stream open. */
const live = (p: Page) => p.waitForSelector('body[data-live="open"]')

/** The serious and critical violations axe-core finds, and how many of its rules passed. */
async function axe(
  p: Page,
): Promise<{ passed: number; violations: { id: string; impact: string; nodes: string[] }[] }> {
  await p.addScriptTag({ path: AXE })
  return p.evaluate(async () => {
    const result = await (
      window as unknown as {
        axe: {
          run(): Promise<{
            passes: unknown[]
            violations: { id: string; impact: string; nodes: { target: string[] }[] }[]
          }>
        }
      }
    ).axe.run()
    return {
      passed: result.passes.length,
      violations: result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => ({
          id: v.id,
          impact: v.impact,
          nodes: v.nodes.map((n) => n.target.join(' ')),
        })),
    }
  })
}

describe('the dashboard page, in Chromium', () => {
  it('shows every event once, by name (group, tools, actors), never a raw origin', async () => {
    const response = await page.goto(`${dashboard}/`)
    expect(response?.status()).toBe(200)
    const sources = await rows(page)
    // Harbour Commons shows its roster to members only, and the dashboard verifies no reader, so
    // its membership events are held but not shown (PRV-SHOW-001).
    const membership = (await scenario.dashboard.notifications()).filter((n) =>
      n.type.startsWith('tech.collaborative.membership.'),
    ).length
    expect(membership).toBeGreaterThan(0)
    expect(sources.length).toBe(
      scenario.outcome.emitted.decisions + scenario.outcome.emitted.budgeting - membership,
    )
    expect(new Set(sources)).toEqual(
      new Set([scenario.outcome.decisions, scenario.outcome.budgeting]),
    )
    await expect(page.locator('h1').textContent()).resolves.toContain('Harbour Commons')
    // Every tool that was connected shows by its manifest's name, the dashboard itself included.
    const connected = await page
      .locator('li[data-type="tech.collaborative.group.tool.connected"] .what')
      .allTextContents()
    expect(connected.sort()).toEqual([
      'tool connected Tomás connected Budgeting to Harbour Commons',
      'tool connected Tomás connected Dashboard to Harbour Commons',
    ])
    // No address shows as text anywhere (links keep theirs in href).
    const shown = await page.locator('body').innerText()
    for (const origin of [scenario.outcome.decisions, scenario.outcome.budgeting, dashboard])
      expect(shown).not.toContain(new URL(origin).host)
    // Actors by name, with their tool.
    await expect(
      page
        .locator('li[data-type="tech.collaborative.contribution.made"] .who')
        .first()
        .textContent(),
    ).resolves.toMatch(/^(Mele|Rangi|Tomás) · Budgeting$/)
    // Verification stated once, not in every row.
    await expect(page.locator('.legend').textContent()).resolves.toContain('verified')
    expect(await page.locator('li.notification', { hasText: /\bsigned\b/i }).count()).toBe(0)
    expect(consoleErrors).toEqual([])
  })

  it('renders each kind for what it is, with short labels and the full type on hover', async () => {
    const match = await page
      .locator('li[data-type="tech.collaborative.intent.matched"] .what')
      .textContent()
    expect(match).toContain('“Bike repairs, six hours” by Aroha (28.00 Harbour Credit)')
    expect(match).toContain(
      '“Fix the community bikes before spring” by Tomás (30.00 Harbour Credit)',
    )
    // Nothing of the members-only roster: no membership event, a note that says why instead.
    expect(await page.locator('li[data-type^="tech.collaborative.membership."]').count()).toBe(0)
    await expect(page.locator('.roster-hidden').textContent()).resolves.toMatch(
      /^\d+ membership changes are not shown: Harbour Commons shows its roster only to verified members/,
    )
    const funded = page.locator('li[data-type="tech.collaborative.bucket.funded"] .tag')
    await expect(funded.textContent()).resolves.toBe('bucket funded')
    await expect(funded.getAttribute('title')).resolves.toBe('tech.collaborative.bucket.funded')
    const labels = await page.locator('li.notification .tag').allTextContents()
    expect(labels.filter((l) => l.includes('.'))).toEqual([])
    // Relative times, the exact time (to the second) on hover.
    const times = await page.$$eval('li.notification time', (ts) =>
      ts.map((t) => [t.getAttribute('datetime'), t.getAttribute('title'), t.textContent]),
    )
    for (const [datetime, title, text] of times) {
      expect(datetime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
      expect(title).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/)
      expect(text).toMatch(/^(just now|\d+ minutes? ago)$/)
    }
  })

  it('groups the events about one object together, newest group first', async () => {
    const bucket = page.locator('section.thread', {
      has: page.locator('li[data-type="tech.collaborative.bucket.funded"]'),
    })
    expect(await bucket.count()).toBe(1)
    for (const type of [
      'tech.collaborative.bucket.published',
      'tech.collaborative.contribution.made',
      'tech.collaborative.bucket.completed',
    ])
      expect(await bucket.locator(`li[data-type="${type}"]`).count()).toBeGreaterThan(0)
    await expect(bucket.locator('h2 .title').textContent()).resolves.toBe(
      'Fix the community bikes before spring',
    )
    expect(
      await page
        .locator('section.thread', {
          has: page.locator('li[data-type="tech.collaborative.intent.matched"]'),
        })
        .count(),
    ).toBe(1)
    const poll = page.locator('section.thread', {
      has: page.locator('li[data-type="tech.collaborative.poll.closed"]'),
    })
    expect(await poll.locator('li[data-type="tech.collaborative.poll.opened"]').count()).toBe(1)
    // Newest group first: each group's newest event is no newer than the previous group's.
    const newest = await page.$$eval('section.thread', (sections) =>
      sections.map((s) => s.querySelector('time')?.getAttribute('datetime') ?? ''),
    )
    expect(newest).toEqual([...newest].sort().reverse())
  })

  it('applies filters at once, keeps them in the URL, and back restores them', async () => {
    await page.goto(`${dashboard}/`)
    const all = (await rows(page)).length
    await page.selectOption('#filter-tool', scenario.outcome.budgeting)
    await page.waitForURL(/\?tool=/)
    await page.waitForFunction(
      (origin) =>
        [...document.querySelectorAll<HTMLElement>('li.notification')].every(
          (li) => li.dataset['source'] === origin,
        ),
      scenario.outcome.budgeting,
    )
    expect((await rows(page)).length).toBe(scenario.outcome.emitted.budgeting)

    await page.selectOption('#filter-type', 'tech.collaborative.contribution.made')
    await page.waitForURL(/type=/)
    await page.waitForFunction(() => document.querySelectorAll('li.notification').length === 3)
    await page.goBack()
    await page.waitForURL((u) => u.searchParams.has('tool') && !u.searchParams.has('type'))
    await page.waitForFunction(
      (n) => document.querySelectorAll('li.notification').length === n,
      scenario.outcome.emitted.budgeting,
    )
    await expect(page.locator('#filter-type').inputValue()).resolves.toBe('')
    await page.goBack()
    await page.waitForURL((u) => u.search === '')
    await page.waitForFunction(
      (n) => document.querySelectorAll('li.notification').length === n,
      all,
    )
    await expect(page.locator('#filter-tool').inputValue()).resolves.toBe('')

    // The member filter, and the server renders a filtered URL by itself (no script needed).
    const rangi = `${scenario.outcome.decisions}/u/rangi`
    const html = await (await fetch(`${dashboard}/?member=${encodeURIComponent(rangi)}`)).text()
    const served = html.match(/<li class="notification/g) ?? []
    expect(served.length).toBeGreaterThan(0)
    expect(served.length).toBeLessThan(all)
    expect(consoleErrors).toEqual([])
  })

  it('counts unread per member; mark one (keyboard) and all read; it survives a reload', async () => {
    const aroha = `${scenario.outcome.decisions}/u/aroha`
    await page.goto(`${dashboard}/`)
    await page.selectOption('#filter-as', aroha)
    await page.waitForURL(/as=/)
    await page.waitForSelector('#unread-count')
    const before = await unreadCount(page)
    expect(before).toBe((await rows(page)).length)
    await page.locator('button.mark-read').first().focus()
    await page.keyboard.press('Enter')
    await page.waitForFunction(
      (n) => Number(document.querySelector<HTMLElement>('#unread-count')?.dataset['count']) === n,
      before - 1,
    )
    await page.reload()
    expect(await unreadCount(page)).toBe(before - 1)
    await page.click('#mark-all')
    await page.waitForFunction(
      () => document.querySelector<HTMLElement>('#unread-count')?.dataset['count'] === '0',
    )
    await page.reload()
    expect(await unreadCount(page)).toBe(0)
    expect(await page.locator('li.notification.unread').count()).toBe(0)
    // Another member's unread is their own.
    const mele = await fetch(`${dashboard}/api/read`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        member: `${scenario.outcome.decisions}/u/mele`,
        source: 'x',
        id: 'y',
      }),
    })
    expect(mele.status).toBe(404)
    expect(mele.headers.get('content-type')).toBe('application/problem+json')
    expect(((await mele.json()) as { type: string }).type).toMatch(/ERR_NOT_FOUND$/)
  })

  it('answers bad mark-as-read input with a coded problem, never a crash', async () => {
    const post = (path: string, body: string, type = 'application/json') =>
      fetch(`${dashboard}${path}`, { method: 'POST', headers: { 'content-type': type }, body })
    for (const answer of [
      await post('/api/read', '{not json'),
      await post('/api/read', '[]'),
      await post('/api/read', JSON.stringify({ member: 'https://nobody.example/u/x' })),
      await post('/api/read-all', JSON.stringify({})),
      await post('/api/read-all', 'member=x', 'application/x-www-form-urlencoded'),
      await fetch(`${dashboard}/api/read`),
    ]) {
      expect(answer.status).toBe(400)
      expect(answer.headers.get('content-type')).toBe('application/problem+json')
      expect(((await answer.json()) as { type: string }).type).toMatch(/ERR_REQUEST_INVALID$/)
    }
    expect((await fetch(`${dashboard}/`)).status).toBe(200)
  })

  it('shows a new event live, without reload, through Server-Sent Events', async () => {
    const aroha = `${scenario.outcome.decisions}/u/aroha`
    await page.goto(`${dashboard}/?as=${encodeURIComponent(aroha)}`)
    await live(page)
    await page.evaluate(() => {
      ;(window as unknown as { notReloaded: boolean }).notReloaded = true
    })
    const polls = await page.locator('li[data-type="tech.collaborative.poll.opened"]').count()
    const unread = await unreadCount(page)
    await scenario.decisions.openPoll({
      pollType: 'proposal',
      name: 'Paint the tool shed?',
      by: scenario.decisions.person('aroha', 'Aroha'),
      endTime: new Date(Date.now() + 864e5).toISOString(),
    })
    await page.waitForFunction(
      (n) =>
        document.querySelectorAll('li[data-type="tech.collaborative.poll.opened"]').length === n,
      polls + 1,
    )
    await expect(
      page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded),
    ).resolves.toBe(true)
    expect(await unreadCount(page)).toBe(unread + 1)
    await expect(
      page.locator('section.thread').first().locator('h2 .title').textContent(),
    ).resolves.toBe('Paint the tool shed?')
    expect(consoleErrors).toEqual([])
  })

  it('works at 1440 px and at 390 px: no serious accessibility violation, no sideways scroll', async () => {
    const aroha = `${scenario.outcome.decisions}/u/aroha`
    for (const width of [1440, 390]) {
      await page.setViewportSize({ width, height: width === 390 ? 844 : 900 })
      await page.goto(`${dashboard}/?as=${encodeURIComponent(aroha)}`)
      await live(page)
      const { passed, violations } = await axe(page)
      expect(passed).toBeGreaterThan(10) // it did check the page
      expect(violations).toEqual([])
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      )
      expect(overflow).toBeLessThanOrEqual(0)
      // The summary of the first event is on screen, whole.
      const box = await page.locator('li.notification .what').first().boundingBox()
      expect(box).not.toBeNull()
      expect((box?.x ?? -1) >= 0 && (box?.x ?? 0) + (box?.width ?? 0) <= width).toBe(true)
      // Keyboard: the first Tab reaches the first filter, and focus is visible.
      await page.locator('body').focus()
      await page.keyboard.press('Tab')
      const focus = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement
        return { id: el.id, outline: getComputedStyle(el).outlineStyle }
      })
      expect(focus).toEqual({ id: 'filter-as', outline: 'solid' })
      await page.screenshot({
        path: new URL(`dashboard-${String(width)}.png`, SCREENSHOTS).pathname,
        fullPage: true,
      })
    }
    expect(consoleErrors).toEqual([])
  })

  it('streams text/event-stream, and the dashboard still shuts down promptly with it open', async () => {
    const controller = new AbortController()
    const response = await fetch(`${dashboard}/events/stream`, { signal: controller.signal })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/)
    const body = response.body
    if (body === null) throw new Error('the stream has no body')
    const reader = body.getReader()
    const first = new TextDecoder().decode((await reader.read()).value)
    expect(first).toContain('retry:')
    await scenario.dashboard.close()
    // The stream ends cleanly (done), rather than hanging or erroring.
    let done = false
    while (!done) done = (await reader.read()).done
    expect(done).toBe(true)
  })

  it('sends a heartbeat on an idle stream, and events as they are sent', async () => {
    const stream = createEventStream({ heartbeatMs: 20 })
    const server = await listen()
    server.mount((path) => path === '/events/stream', stream.listener)
    try {
      const response = await fetch(`${server.origin}/events/stream`)
      const body = response.body
      if (body === null) throw new Error('the stream has no body')
      const reader = body.getReader()
      const decoder = new TextDecoder()
      let seen = ''
      const until = async (text: string) => {
        while (!seen.includes(text)) {
          const { value, done } = await reader.read()
          if (done) throw new Error(`the stream ended before ${text}`)
          seen += decoder.decode(value, { stream: true })
        }
      }
      await until(': heartbeat\n\n')
      stream.send('notification', { id: 'x' })
      await until('event: notification\ndata: {"id":"x"}\n\n')
      expect(stream.size).toBe(1)
      stream.close()
      // What was already sent may still be read; then the stream ends.
      let ended = false
      while (!ended) ended = (await reader.read()).done
      expect(ended).toBe(true)
      expect((await fetch(`${server.origin}/events/stream`)).status).toBe(503)
    } finally {
      stream.close()
      await server.close()
    }
  })
})
