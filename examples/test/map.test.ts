// The group's map in Chromium: real tools on 127.0.0.1 (the scenario), the page drawn by
// Cytoscape.js from the dashboard's stored events, and its data at /map.json; screenshots at 390 and
// 1440 px in test-results/screenshots/. Also the group's Murmurations profile at the authority.
import { mkdir } from 'node:fs/promises'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { GroupMap } from '../dashboard/map.js'
import { runScenario, type Scenario } from '../src/scenario.js'
import { openChromium } from './helpers/open-chromium.js'

const SCREENSHOTS = new URL('../../test-results/screenshots/', import.meta.url)
let scenario: Scenario
let browser: BrowserContext
let page: Page
let chromium: Awaited<ReturnType<typeof openChromium>>
const consoleErrors: string[] = []

beforeAll(async () => {
  scenario = await runScenario()
  await mkdir(SCREENSHOTS, { recursive: true })
  chromium = await openChromium()
  browser = chromium.context
  page = await browser.newPage()
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text())
  })
  page.on('pageerror', (error) => consoleErrors.push(error.message))
  // Nothing leaves 127.0.0.1: a request elsewhere would be a library fetched from the internet.
  await page.route(
    (url) => url.hostname !== '127.0.0.1',
    (route) => {
      consoleErrors.push(`request outside 127.0.0.1: ${route.request().url()}`)
      return route.abort()
    },
  )
}, 300_000)
afterAll(async () => {
  await chromium.close()
  await scenario.close()
})

const mapJson = async (query: string): Promise<GroupMap> => {
  const response = await fetch(`${scenario.outcome.dashboard}/map.json${query}`)
  expect(response.status).toBe(200)
  return (await response.json()) as GroupMap
}

/** Opens the map and waits until Cytoscape has drawn its nodes; returns what it drew. */
async function openMap(p: Page, query: string) {
  const response = await p.goto(`${scenario.outcome.dashboard}/map${query}`)
  expect(response?.status()).toBe(200)
  await p.waitForSelector('#map[data-rendered]', { timeout: 20_000 })
  return p.evaluate(() => {
    const cy = (
      window as unknown as {
        cyMap: {
          nodes(): { map<T>(f: (n: { id(): string }) => T): T[] }
          edges(): { length: number }
        }
      }
    ).cyMap
    return { nodes: cy.nodes().map((n) => n.id()), edges: cy.edges().length }
  })
}

describe('the group map, in Chromium', () => {
  it('serves the group, its tools, their members and the events per tool and type at /map.json', async () => {
    const { outcome } = scenario
    const map = await mapJson('?period=24h')
    expect(map.group).toEqual({ id: outcome.group, name: 'Harbour Commons' })
    expect(map.period).toBe('24h')
    const tools = new Map(map.nodes.filter((n) => n.kind === 'tool').map((n) => [n.id, n]))
    expect([...tools.keys()].sort()).toEqual(
      [outcome.decisions, outcome.budgeting, outcome.dashboard].sort(),
    )
    expect(tools.get(outcome.decisions)?.role).toBe('authority')
    expect(tools.get(outcome.budgeting)?.role).toBe('installed')
    expect(tools.get(outcome.dashboard)?.self).toBe(true)
    // Four joined, one was removed: the roster the authority's events announced.
    expect(map.roster).toBe(3)
    expect(tools.get(outcome.budgeting)?.members).toBe(3)
    // Every stored event is counted once, per source tool.
    expect(tools.get(outcome.decisions)?.events).toBe(outcome.stored.decisions)
    expect(tools.get(outcome.budgeting)?.events).toBe(outcome.stored.budgeting)
    const byType = map.flows.filter((f) => f.source === outcome.decisions)
    expect(byType.reduce((n, f) => n + f.count, 0)).toBe(outcome.stored.decisions)
    expect(byType.map((f) => f.type)).toContain('tech.collaborative.membership.removed')
    expect(map.edges.filter((e) => e.kind === 'events').map((e) => e.source)).toEqual(
      expect.arrayContaining([outcome.decisions, outcome.budgeting]),
    )
    // The period comes from the URL; an unknown one is the default.
    const hour = await mapJson('?period=1h')
    expect(hour.period).toBe('1h')
    expect(Date.parse(hour.generated) - Date.parse(hour.since)).toBe(3_600_000)
    expect((await mapJson('?period=forever')).period).toBe('24h')
  })

  it('draws every tool of the group as a node and as many edges as /map.json, at 1440 px', async () => {
    await page.setViewportSize({ width: 1440, height: 1000 })
    const map = await mapJson('?period=7d')
    const drawn = await openMap(page, '?period=7d')
    expect(drawn.nodes.sort()).toEqual(map.nodes.map((n) => n.id).sort())
    expect(drawn.nodes).toContain(scenario.outcome.budgeting)
    expect(drawn.edges).toBe(map.edges.length)
    expect(drawn.edges).toBeGreaterThanOrEqual(4)
    // The text alternative holds the same data: a row per tool, per edge.
    expect(await page.locator('tr[data-tool]').count()).toBe(map.nodes.length - 1)
    expect(await page.locator('tr[data-edge]').count()).toBe(map.edges.length)
    await expect(page.locator('.periods a[aria-current="page"]').textContent()).resolves.toBe(
      'Last 7 days',
    )
    await page.screenshot({ path: new URL('map-1440.png', SCREENSHOTS).pathname, fullPage: true })
    expect(consoleErrors).toEqual([])
  })

  it('fits a 390 px screen: the drawing within the width, the tables scroll only inside', async () => {
    await page.setViewportSize({ width: 390, height: 844 })
    const drawn = await openMap(page, '?period=24h')
    expect(drawn.nodes).toContain(scenario.outcome.decisions)
    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      map: document.getElementById('map')?.getBoundingClientRect().width ?? 0,
    }))
    expect(widths.page).toBeLessThanOrEqual(390)
    expect(widths.map).toBeGreaterThan(300)
    await page.screenshot({ path: new URL('map-390.png', SCREENSHOTS).pathname, fullPage: true })
    await page
      .locator('figure')
      .screenshot({ path: new URL('map-390-drawing.png', SCREENSHOTS).pathname })
    expect(consoleErrors).toEqual([])
  })

  it('serves Cytoscape.js itself, and works without JavaScript from the tables', async () => {
    const script = await fetch(`${scenario.outcome.dashboard}/vendor/cytoscape.min.js`)
    expect(script.status).toBe(200)
    expect(script.headers.get('content-type')).toMatch(/javascript/)
    const html = await (await fetch(`${scenario.outcome.dashboard}/map?period=1h`)).text()
    expect(html).toContain('<table')
    expect(html).toContain('aria-current="page">Last hour')
  })
})

describe('the group’s Murmurations profile, at its authority', () => {
  it('[MEM-DIR-001] accepts the public group: its name and tools, and nothing about its members', async () => {
    const response = await fetch(`${scenario.outcome.group}/murmurations.json`)
    expect(response.status).toBe(200)
    const text = await response.text()
    const profile = JSON.parse(text) as {
      linked_schemas: string[]
      name: string
      relationships: { object_url: string }[]
      urls: { name: string }[]
    }
    expect(profile.linked_schemas).toEqual(['organizations_schema-v1.0.0'])
    expect(profile.name).toBe('Harbour Commons')
    expect(profile.relationships.map((r) => r.object_url).sort()).toEqual(
      [scenario.outcome.budgeting, scenario.outcome.dashboard].sort(),
    )
    expect(profile.urls.map((u) => u.name)).toEqual(
      expect.arrayContaining(['Budgeting', 'Dashboard']),
    )
    for (const member of await scenario.decisions.members()) {
      expect(text).not.toContain(member.id)
      expect(text).not.toContain(member.name)
    }
    expect(text).not.toContain('/u/')
  })

  it('rejects a group the authority does not hold with 404 ERR_NOT_FOUND', async () => {
    const response = await fetch(`${scenario.decisions.origin}/g/nobody/murmurations.json`)
    expect(response.status).toBe(404)
    expect(((await response.json()) as { code: string }).code).toBe('ERR_NOT_FOUND')
  })
})
