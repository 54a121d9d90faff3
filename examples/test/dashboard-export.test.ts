// The dashboard's "Download my data" over HTTP on 127.0.0.1 (spec/export.md, EXP-AUTH-003): the
// dashboard, installed through the install flow, signs Aroha in with her group; its "Your data"
// page offers one download, for which it exchanges her access token for a `cta:export` assertion
// per tool of the group (Decisions, the authority, and Budgeting), collects each tool's signed
// pages and answers one file as an attachment. The file verifies against each tool's JWKS and
// holds only Aroha's items. Without a session: a redirect to sign in, or 401. The page is
// screenshot at 390 px and 1440 px and checked with axe-core.
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SESSION_COOKIE, startBudgeting, type Budgeting } from '../budgeting/budgeting.js'
import { startDashboard, type Dashboard } from '../dashboard/dashboard.js'
import { EXPORT_DOWNLOAD_PATH, YOUR_DATA_PATH } from '../dashboard/export.js'
import { DASHBOARD_SESSION_COOKIE } from '../dashboard/member-sessions.js'
import { startDecisions, type Decisions, type Person } from '../decisions/decisions.js'
import { signInWithGroup } from '../src/browser.js'
import { downloadExport } from '../src/export-check.js'
import { approveInstallation } from '../src/scenario.js'
import { openChromium } from './helpers/open-chromium.js'
import { axeViolations } from './helpers/axe-violations.js'

const SCREENSHOTS = new URL('../../test-results/screenshots/', import.meta.url)

let decisions: Decisions
let budgeting: Budgeting
let dashboard: Dashboard
let dataDir: string
let tomas: Person
let aroha: Person
/** Aroha's session at the dashboard. */
let session: string

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'cta-dashboard-export-'))
  decisions = await startDecisions()
  tomas = decisions.person('tomas', 'Tomás')
  aroha = decisions.person('aroha', 'Aroha')
  await decisions.join(tomas, tomas, 'admin')
  await decisions.join(aroha, tomas)
  budgeting = await startBudgeting({ group: decisions.group, isInstalled: decisions.isInstalled })
  dashboard = await startDashboard({ dataDir })
  const asked = [
    await budgeting.requestInstallation(),
    await dashboard.requestInstallation({ authority: decisions.origin, group: decisions.group }),
  ]
  for (const { approvalUri } of asked) await approveInstallation(approvalUri, tomas)
  await Promise.all(asked.map((a) => a.installed))
  await budgeting.followAuthority()
  await dashboard.follow(decisions.origin, decisions.group)
  await dashboard.follow(budgeting.origin, decisions.group)
  // Items of both members in both tools: stances in Decisions, offers in Budgeting.
  const budgetingSession = async (person: Person) => {
    const outcome = await signInWithGroup({
      start: budgeting.signInUrl,
      sessionCookie: SESSION_COOKIE,
      authority: decisions,
      person: person.id,
    })
    if (!outcome.ok) throw new Error(`${person.name} could not sign in to Budgeting`)
    return outcome.session
  }
  const { poll } = await decisions.openPoll({
    pollType: 'proposal',
    name: 'Paint the shed?',
    by: tomas,
    endTime: new Date(Date.now() + 864e5).toISOString(),
  })
  const agree = (poll.oneOf ?? []).find((o) => o.position === 'agree')?.id ?? ''
  await decisions.castStance(poll.id, tomas, [{ option: agree }])
  await decisions.castStance(poll.id, aroha, [{ option: agree }], 'Yes.')
  for (const [person, title] of [
    [tomas, 'Tomás paints'],
    [aroha, 'Aroha repairs bikes'],
  ] as const) {
    await budgeting.offer({
      title,
      price: '10',
      hours: '2',
      session: await budgetingSession(person),
    })
  }
  const signedIn = await signInWithGroup({
    start: `${dashboard.origin}/signin?group=${encodeURIComponent(decisions.group)}`,
    sessionCookie: DASHBOARD_SESSION_COOKIE,
    authority: decisions,
    person: aroha.id,
  })
  if (!signedIn.ok)
    throw new Error(`Aroha could not sign in to the dashboard: ${String(signedIn.error)}`)
  expect(signedIn.member).toBe(aroha.id)
  session = signedIn.session
}, 120_000)
afterAll(async () => {
  // Each one started before a failure is closed; one that did not start is skipped.
  for (const running of [dashboard, budgeting, decisions] as (
    { close(): Promise<void> } | undefined
  )[])
    await running?.close()
  await rm(dataDir, { recursive: true, force: true })
})

describe('the dashboard’s “Download my data” (EXP-AUTH-003)', () => {
  it('downloads one verified export across both tools, with only the signed-in member’s items', async () => {
    const outcome = await downloadExport({
      download: `${dashboard.origin}${EXPORT_DOWNLOAD_PATH}`,
      cookie: `${DASHBOARD_SESSION_COOKIE}=${session}`,
      group: decisions.group,
      member: aroha.id,
      name: aroha.name,
    })
    expect(outcome.attachment).toBe(true)
    expect(outcome.tools).toBe(2)
    expect(outcome.pages).toBeGreaterThan(0)
    expect(outcome.verifiedPages).toBe(outcome.pages)
    expect(outcome.items).toBeGreaterThanOrEqual(2)
    expect(outcome.ofOthers).toBe(0)
  })

  it('sends a visitor who is not signed in to sign in, and refuses their download with 401', async () => {
    const page = await fetch(`${dashboard.origin}${YOUR_DATA_PATH}`, { redirect: 'manual' })
    expect(page.status).toBe(303)
    expect(page.headers.get('location')).toBe(
      `/signin?group=${encodeURIComponent(decisions.group)}`,
    )
    const download = await fetch(`${dashboard.origin}${EXPORT_DOWNLOAD_PATH}`, { method: 'POST' })
    expect(download.status).toBe(401)
    expect(download.headers.get('content-disposition')).toBeNull()
    expect(((await download.json()) as { code?: string }).code).toBe('ERR_UNAUTHORIZED')
    // A session the dashboard never opened is no session.
    const forged = await fetch(`${dashboard.origin}${EXPORT_DOWNLOAD_PATH}`, {
      method: 'POST',
      headers: { cookie: `${DASHBOARD_SESSION_COOKIE}=guessed` },
    })
    expect(forged.status).toBe(401)
    await forged.body?.cancel()
  })

  it('lays “Your data” out for 390 px and 1440 px, with no serious axe-core violation', async () => {
    await mkdir(SCREENSHOTS, { recursive: true })
    const chromium = await openChromium({ bypassCSP: true })
    try {
      await chromium.context.addCookies([
        { name: DASHBOARD_SESSION_COOKIE, value: session, url: dashboard.origin },
      ])
      const page: Page = await chromium.context.newPage()
      expect((await page.goto(`${dashboard.origin}${YOUR_DATA_PATH}`))?.status()).toBe(200)
      await page.getByRole('button', { name: 'Download my data' }).waitFor()
      for (const width of [390, 1440]) {
        await page.setViewportSize({ width, height: width === 390 ? 844 : 900 })
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        )
        expect([width, overflow]).toEqual([width, 0])
        expect([width, await axeViolations(page)]).toEqual([width, []])
        await page.screenshot({
          path: new URL(`dashboard-your-data-${String(width)}.png`, SCREENSHOTS).pathname,
          fullPage: true,
        })
      }
      // The button does what it says: the browser receives the file as a download.
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Download my data' }).click(),
      ])
      expect(download.suggestedFilename()).toBe('cta-export.json')
    } finally {
      await chromium.close()
    }
  })
})
