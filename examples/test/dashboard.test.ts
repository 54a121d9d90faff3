import { mkdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runScenario, type Scenario } from '../src/scenario.js'

const SCREENSHOT = new URL('../../test-results/screenshots/dashboard.png', import.meta.url)
let scenario: Scenario
let browser: BrowserContext
let page: Page
let profile: string
const consoleErrors: string[] = []

beforeAll(async () => {
  scenario = await runScenario()
  profile = join(tmpdir(), `cta-chromium-${String(process.pid)}-${String(Date.now())}`)
  await mkdir(profile, { recursive: true })
  // A fresh profile each run (playwright passes it as --user-data-dir).
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  })
  page = await browser.newPage()
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text())
  })
  page.on('pageerror', (error) => consoleErrors.push(error.message))
}, 300_000)
afterAll(async () => {
  await browser.close()
  await scenario.close()
  await rm(profile, { recursive: true, force: true })
})

const rows = (p: Page) =>
  p.$$eval('tr.notification', (trs) => trs.map((tr) => (tr as HTMLElement).dataset['source'] ?? ''))

describe('the dashboard page, in Chromium', () => {
  it('loads without console errors and shows events from both tools, each verified with a link', async () => {
    const response = await page.goto(`${scenario.outcome.dashboard}/`)
    expect(response?.status()).toBe(200)
    const sources = await rows(page)
    expect(sources.length).toBe(
      scenario.outcome.emitted.decisions + scenario.outcome.emitted.budgeting,
    )
    expect(new Set(sources)).toEqual(
      new Set([scenario.outcome.decisions, scenario.outcome.budgeting]),
    )
    expect(await page.locator('tr.notification .verified').count()).toBe(sources.length)
    const links = await page.$$eval('tr.notification a', (as) =>
      as.map((a) => (a as HTMLAnchorElement).href),
    )
    expect(
      links.every(
        (href) =>
          href.startsWith(scenario.outcome.decisions) ||
          href.startsWith(scenario.outcome.budgeting),
      ),
    ).toBe(true)
    // A tool-specific type is shown from the renderable minimum.
    await expect(
      page.locator('tr[data-type="example.decisions.poll.closed"]').textContent(),
    ).resolves.toContain('Outcome')
    await page.screenshot({ path: SCREENSHOT.pathname, fullPage: true })
    expect(consoleErrors).toEqual([])
  })

  it('filters by tool, by type and by member', async () => {
    await page.selectOption('#filter-tool', scenario.outcome.budgeting)
    await Promise.all([page.waitForURL(/tool=/), page.click('#apply')])
    const budgeting = await rows(page)
    expect(budgeting.length).toBe(scenario.outcome.emitted.budgeting)
    expect(new Set(budgeting)).toEqual(new Set([scenario.outcome.budgeting]))

    await page.goto(`${scenario.outcome.dashboard}/`)
    await page.selectOption('#filter-type', 'tech.collaborative.membership.removed')
    await Promise.all([page.waitForURL(/type=/), page.click('#apply')])
    expect(await page.locator('tr.notification').count()).toBe(1)

    await page.goto(`${scenario.outcome.dashboard}/`)
    await page.selectOption('#filter-member', { label: 'Rangi' })
    await Promise.all([page.waitForURL(/member=/), page.click('#apply')])
    const texts = await page.locator('tr.notification').allTextContents()
    expect(texts.length).toBeGreaterThan(0)
    expect(texts.every((t) => t.includes('Rangi'))).toBe(true)
    expect(consoleErrors).toEqual([])
  })
})
