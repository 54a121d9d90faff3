// Group auth between the example tools, over HTTP on 127.0.0.1: Decisions is the group's OpenID
// Provider, Budgeting signs members in through it and ends their access when the authority (and
// only the authority) announces that a membership ended.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TOOL_MANIFEST_PATH, createEvent, signEvent } from '@cta-interop/sdk'
import {
  AccessDenied,
  SESSION_COOKIE,
  startBudgeting,
  type Budgeting,
} from '../budgeting/budgeting.js'
import { startDecisions, type Decisions, type Person } from '../decisions/decisions.js'
import { createBrowser, signInWithGroup } from '../src/browser.js'
import { approveInstallation } from '../src/scenario.js'
import { waitFor } from '../src/http.js'
import { startProducer, type Producer } from '../src/producer.js'

let decisions: Decisions
let budgeting: Budgeting
let impostor: Producer
let tomas: Person
let aroha: Person
let rangi: Person

beforeAll(async () => {
  decisions = await startDecisions()
  budgeting = await startBudgeting({ group: decisions.group, isInstalled: decisions.isInstalled })
  // A tool with valid keys of its own, but not the group's authority.
  impostor = await startProducer({
    name: 'Impostor',
    emits: ['tech.collaborative.membership.removed'],
    profiles: ['core', 'emitter'],
    isInstalled: () => false,
  })
  tomas = decisions.person('tomas', 'Tomás')
  aroha = decisions.person('aroha', 'Aroha')
  rangi = decisions.person('rangi', 'Rangi')
  await decisions.join(tomas, tomas, 'admin')
  await decisions.join(aroha, tomas)
  await decisions.join(rangi, tomas)
  // The install flow: Budgeting asks, Tomás (admin) approves on the request's page.
  const asked = await budgeting.requestInstallation()
  await approveInstallation(asked.approvalUri, tomas)
  await asked.installed
  await budgeting.followAuthority()
}, 60_000)
afterAll(async () => {
  await impostor.close()
  await budgeting.close()
  await decisions.close()
})

const signIn = (person: Person) =>
  signInWithGroup({
    start: budgeting.signInUrl,
    sessionCookie: SESSION_COOKIE,
    authority: decisions,
    person: person.id,
  })

describe('Decisions is the group’s authority, on its own origin', () => {
  it('names itself as the authority in the group document, and is the OpenID issuer there', async () => {
    const group = (await (await fetch(decisions.group)).json()) as Record<string, unknown>
    expect(group).toMatchObject({ id: decisions.group, authority: decisions.origin })
    const discovery = (await (
      await fetch(`${decisions.origin}/.well-known/openid-configuration`)
    ).json()) as Record<string, unknown>
    expect(discovery).toMatchObject({
      issuer: decisions.origin,
      authorization_endpoint: `${decisions.origin}/auth`,
      token_endpoint: `${decisions.origin}/token`,
      jwks_uri: `${decisions.origin}/jwks`,
    })
    expect(discovery['grant_types_supported']).toContain(
      'urn:ietf:params:oauth:grant-type:token-exchange',
    )
    // The CTA endpoints stay on the same origin.
    const manifest = (await (await fetch(`${decisions.origin}${TOOL_MANIFEST_PATH}`)).json()) as {
      id: string
    }
    expect(manifest.id).toBe(decisions.origin)
  })
})

describe('signing in to Budgeting with the group', () => {
  it('goes through the authority’s login page (members listed) and consent page, to a session', async () => {
    const browser = createBrowser()
    const login = await browser.visit(budgeting.signInUrl)
    const loginPage = login.visited.at(-1) ?? ''
    expect(loginPage.startsWith(`${decisions.origin}/interaction/`)).toBe(true)
    const loginHtml = await login.response.text()
    expect(loginHtml).toContain('Demo only')
    for (const name of ['Tomás', 'Aroha', 'Rangi']) expect(loginHtml).toContain(name)

    const consent = await browser.submit(`${loginPage}/login`, { person: aroha.id })
    const consentPage = consent.visited.at(-1) ?? ''
    expect(await consent.response.text()).toContain('Harbour Commons')

    const done = await browser.submit(`${consentPage}/consent`, {})
    expect(done.response.status).toBe(200)
    expect(await done.response.text()).toContain('Signed in as Aroha')
    const cookie = done.setCookies.find((line) => line.startsWith(`${SESSION_COOKIE}=`)) ?? ''
    expect(cookie).toMatch(/; HttpOnly/)
    expect(cookie).toMatch(/; SameSite=Lax/)
    const me: unknown = await (await browser.visit(`${budgeting.origin}/session`)).response.json()
    expect(me).toMatchObject({ member: aroha.id, name: 'Aroha', group: decisions.group })
  })

  it('refuses a member who declines consent, and anyone without a session', async () => {
    const browser = createBrowser()
    const login = await browser.visit(budgeting.signInUrl)
    const consent = await browser.submit(`${login.visited.at(-1) ?? ''}/login`, {
      person: tomas.id,
    })
    const declined = await browser.submit(`${consent.visited.at(-1) ?? ''}/deny`, {})
    expect(declined.response.status).toBe(403)
    const back = new URL(declined.visited.find((u) => u.includes('/cta/callback')) ?? '')
    expect(back.searchParams.get('error')).toBe('access_denied')
    expect(browser.cookie(budgeting.origin, SESSION_COOKIE)).toBeUndefined()

    expect((await fetch(`${budgeting.origin}/session`)).status).toBe(401)
    await expect(budgeting.openRound('Autumn', 'no-such-session')).rejects.toBeInstanceOf(
      AccessDenied,
    )
    const other = `${budgeting.origin}/signin?group=${encodeURIComponent(`${decisions.group}-2`)}`
    expect((await fetch(other, { redirect: 'manual' })).status).toBe(404)
  })
})

describe('ending access', () => {
  it('[AUTH-END-001] ignores a removal announced by anyone but the authority, and acts on the authority’s', async () => {
    const signedIn = await signIn(rangi)
    if (!signedIn.ok) throw new Error('Rangi could not sign in')
    expect(budgeting.hasAccess(rangi.id)).toBe(true)

    // A well-signed event from another tool installed in the group (receivers fetch keys only for
    // installed tools, SEC-SSRF-004), claiming Rangi was removed: accepted by the inbox (its
    // signature verifies), but it does not speak for the group's memberships.
    await decisions.connectTool({ origin: impostor.origin, name: 'Impostor' }, tomas)
    const forged = createEvent(
      'tech.collaborative.membership.removed',
      {
        id: `${impostor.origin}/activities/1`,
        type: 'Remove',
        actor: { id: `${impostor.origin}/u/mallory`, type: 'Person', name: 'Mallory' },
        object: { id: rangi.id, type: 'Person', name: 'Rangi' },
        target: decisions.group,
        result: {
          id: `${decisions.group}/memberships/forged`,
          type: 'Membership',
          member: { id: rangi.id, type: 'Person', name: 'Rangi' },
          organization: decisions.group,
          role: [`${decisions.group}/roles/member`],
          coreRole: 'member',
          membershipStatus: 'removed',
          endTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        },
        summary: 'Mallory removed Rangi from Harbour Commons',
        published: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        url: decisions.group,
        audience: decisions.group,
      },
      { source: impostor.origin },
    )
    const pushed = await fetch(`${budgeting.origin}/cta/inbox`, {
      method: 'POST',
      headers: { 'content-type': 'application/jose' },
      body: await signEvent(forged, impostor.key),
    })
    expect(pushed.status).toBe(202)
    expect(budgeting.hasAccess(rangi.id)).toBe(true)
    expect(budgeting.roster.get(rangi.id)).toBe('active')
    expect(budgeting.accessEnded.has(rangi.id)).toBe(false)
    await expect(budgeting.session(signedIn.session)).resolves.toMatchObject({ member: rangi.id })

    await decisions.remove(rangi, tomas)
    await waitFor('Budgeting to end Rangi’s access', () => !budgeting.hasAccess(rangi.id))
    await expect(budgeting.session(signedIn.session)).rejects.toBeInstanceOf(AccessDenied)
    const again = await signIn(rangi)
    expect(again).toMatchObject({ ok: false, status: 403, error: 'access_denied' })
  })
})
