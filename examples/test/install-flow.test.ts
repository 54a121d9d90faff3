// The install flow between the example tools, over HTTP on 127.0.0.1: a tool asks Decisions (the
// group's authority) to be installed, an admin of the group approves or refuses on Decisions'
// approval page (signed in, with the page's CSRF token), and the tool, polling, gets its OAuth
// client; anyone but an admin gets a 403 page; uninstalling revokes the client. The approval page is
// screenshot at 390 px and 1440 px and checked with axe-core.
import { mkdir } from 'node:fs/promises'
import {
  awaitInstallation,
  isProtocolError,
  requestInstallation,
  type PendingInstallation,
} from '@cta-interop/sdk'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SESSION_COOKIE, startBudgeting, type Budgeting } from '../budgeting/budgeting.js'
import { startDecisions, type Decisions, type Person } from '../decisions/decisions.js'
import { createBrowser, signInWithGroup } from '../src/browser.js'
import { LOCAL, startProducer, type Producer } from '../src/producer.js'
import { approveInstallation } from '../src/scenario.js'
import { openChromium } from './helpers/open-chromium.js'
import { axeViolations } from './helpers/axe-violations.js'

const SCREENSHOTS = new URL('../../test-results/screenshots/', import.meta.url)

let decisions: Decisions
let budgeting: Budgeting
const tools: Producer[] = []
let tomas: Person
let aroha: Person

beforeAll(async () => {
  decisions = await startDecisions()
  tomas = decisions.person('tomas', 'Tomás')
  aroha = decisions.person('aroha', 'Aroha')
  await decisions.join(tomas, tomas, 'admin')
  await decisions.join(aroha, tomas)
  budgeting = await startBudgeting({ group: decisions.group, isInstalled: decisions.isInstalled })
}, 60_000)
afterAll(async () => {
  for (const tool of tools) await tool.close()
  await budgeting.close()
  await decisions.close()
})

/** A tool of the test's own (a manifest and its key) that asks to be installed in the group. */
async function askingTool(name: string): Promise<{ tool: Producer; pending: PendingInstallation }> {
  const tool = await startProducer({
    name,
    emits: [],
    profiles: ['core'],
    isInstalled: decisions.isInstalled,
  })
  tools.push(tool)
  const pending = await requestInstallation({
    authority: decisions.origin,
    origin: tool.origin,
    key: tool.key,
    group: decisions.group,
    scope: 'openid cta:membership cta:roster',
    eventTypes: ['tech.collaborative.membership.joined'],
    redirectUris: [`${tool.origin}/cta/callback`],
    clientName: name,
    ...LOCAL,
  })
  return { tool, pending }
}

/** A client credentials token request at Decisions (HTTP Basic): its HTTP status. */
async function tokenStatus(clientId: string, secret: string): Promise<number> {
  const basic = Buffer.from(
    `${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`,
  ).toString('base64')
  const response = await fetch(`${decisions.origin}/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${basic}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'cta:roster' }),
  })
  await response.body?.cancel()
  return response.status
}

describe('installing a tool through Decisions’ approval page', () => {
  it('Budgeting asks, Tomás approves on the page, Budgeting is installed and signs members in', async () => {
    const asked = await budgeting.requestInstallation()
    expect(asked.approvalUri.startsWith(`${decisions.origin}/install-requests/`)).toBe(true)
    // Before anyone signs in, the page offers the sign-in, and no decision.
    const anonymous = await fetch(asked.approvalUri)
    const anonymousPage = await anonymous.text()
    expect(anonymous.status).toBe(200)
    expect(anonymousPage).not.toContain('name="csrf"')
    expect(await decisions.isInstalled(decisions.group, budgeting.origin)).toBe(false)

    await approveInstallation(asked.approvalUri, tomas)
    await asked.installed
    expect(await decisions.isInstalled(decisions.group, budgeting.origin)).toBe(true)
    expect(decisions.installDecisions.at(-1)).toMatchObject({
      tool: budgeting.origin,
      decision: 'approved',
      by: tomas.id,
    })
    // The credentials work: Aroha signs in to Budgeting with her group.
    await budgeting.followAuthority()
    const outcome = await signInWithGroup({
      start: budgeting.signInUrl,
      sessionCookie: SESSION_COOKIE,
      authority: decisions,
      person: aroha.id,
    })
    expect(outcome.ok).toBe(true)
  })

  it('answers a member who is not an admin, or a form without the session’s token, with 403', async () => {
    const { tool, pending } = await askingTool('Not approved by Aroha')
    const uri = pending.approvalUri ?? ''
    const browser = createBrowser()
    const signedIn = await browser.submit(`${uri}/sign-in`, { person: aroha.id })
    expect(signedIn.response.status).toBe(403)
    expect(await signedIn.response.text()).not.toContain('name="csrf"')
    const forged = await browser.submit(`${uri}/approve`, { csrf: 'guessed' })
    expect(forged.response.status).toBe(403)
    await forged.response.body?.cancel()
    // No session at all.
    const stranger = await createBrowser().submit(`${uri}/approve`, { csrf: '' })
    expect(stranger.response.status).toBe(403)
    await stranger.response.body?.cancel()
    // Tomás's page works, but a POST without its token does not.
    const admin = createBrowser()
    await (await admin.submit(`${uri}/sign-in`, { person: tomas.id })).response.body?.cancel()
    const tokenless = await admin.submit(`${uri}/approve`, { csrf: 'x'.repeat(43) })
    expect(tokenless.response.status).toBe(403)
    await tokenless.response.body?.cancel()
    const requests = await decisions.installRequests()
    expect(requests.find((r) => r.tool === tool.origin)?.status).toBe('pending')
    expect(await decisions.isInstalled(decisions.group, tool.origin)).toBe(false)
  })

  it('refused: the tool learns it (ERR_INSTALL_REFUSED) and is not installed', async () => {
    const { tool, pending } = await askingTool('Refused tool')
    const waiting = awaitInstallation(pending, { interval: 100, ...LOCAL })
    await approveInstallation(pending.approvalUri ?? '', tomas, 'refuse')
    const error = await waiting.then(
      () => undefined,
      (err: unknown) => err,
    )
    expect(isProtocolError(error) ? error.code : error).toBe('ERR_INSTALL_REFUSED')
    expect(await decisions.isInstalled(decisions.group, tool.origin)).toBe(false)
  })

  it('uninstalling ends the tool’s client: its next token request fails', async () => {
    const { tool, pending } = await askingTool('Uninstalled tool')
    const waiting = awaitInstallation(pending, { interval: 100, ...LOCAL })
    await approveInstallation(pending.approvalUri ?? '', tomas)
    const credentials = await waiting
    expect(credentials.clientId).toBe(tool.origin)
    expect(await tokenStatus(credentials.clientId, credentials.clientSecret)).toBe(200)
    await decisions.uninstall(tool.origin, tomas)
    expect(await decisions.isInstalled(decisions.group, tool.origin)).toBe(false)
    expect(await tokenStatus(credentials.clientId, credentials.clientSecret)).toBe(401)
  })

  it('lays the approval page out for 390 px and 1440 px, with no serious axe-core violation', async () => {
    const { pending } = await askingTool('Screenshot tool')
    await mkdir(SCREENSHOTS, { recursive: true })
    const chromium = await openChromium()
    try {
      const page: Page = await chromium.context.newPage()
      expect((await page.goto(pending.approvalUri ?? ''))?.status()).toBe(200)
      await page.getByRole('button', { name: 'Tomás' }).click()
      await page.getByRole('button', { name: 'Approve and install' }).waitFor()
      for (const width of [390, 1440]) {
        await page.setViewportSize({ width, height: width === 390 ? 844 : 900 })
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        )
        expect([width, overflow]).toEqual([width, 0])
        expect([width, await axeViolations(page)]).toEqual([width, []])
        await page.screenshot({
          path: new URL(`install-approval-${String(width)}.png`, SCREENSHOTS).pathname,
          fullPage: true,
        })
      }
      // The button does what it says: the request is approved, and the page says so.
      await page.getByRole('button', { name: 'Approve and install' }).click()
      await page.getByText('approved', { exact: true }).first().waitFor()
    } finally {
      await chromium.close()
    }
  })
})
