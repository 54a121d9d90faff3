// Installing a tool into a group at a real oidc-provider with the group auth plugin on 127.0.0.1:
// the tool (a real server publishing its manifest and keys) signs an install statement, an admin
// approves or refuses, the tool gets its OAuth client, and an uninstall takes it away; every
// hostile statement is refused with its code.
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CompactSign } from 'jose'
import {
  awaitInstallation,
  createManifestResolver,
  generateSigningKey,
  pollInstallation,
  requestInstallation,
  signInstallStatement,
  type Group,
  type InstallStatementClaims,
  type PendingInstallation,
  type SigningKey,
} from '../../src/index.js'
import { startAuthority, type AuthorityHarness } from '../auth/support.js'
import { startToolServer, type ToolServer } from '../helpers/tool-server.js'

const LOCAL = { allowHttp: true, allowPrivateNetwork: true } as const
const CONNECTED = 'tech.collaborative.group.tool.connected'
const DISCONNECTED = 'tech.collaborative.group.tool.disconnected'

let h: AuthorityHarness
let tool: ToolServer
let other: ToolServer
let third: ToolServer
let secretGroup: Group

beforeAll(async () => {
  h = await startAuthority({
    install: {
      manifests: createManifestResolver({ allowAnySource: true, ...LOCAL }),
      approvalUri: (id) => `https://decisions.example/admin/installs/${id}`,
    },
  })
  ;[tool, other, third] = await Promise.all([
    startToolServer(),
    startToolServer(),
    startToolServer(),
  ])
  secretGroup = {
    ...h.group,
    id: `${h.issuer}/g/back-room`,
    name: 'Back room',
    visibility: 'secret',
  }
  await h.store.putGroup(secretGroup)
})
afterAll(async () => {
  await Promise.all([h.close(), tool.close(), other.close(), third.close()])
})

const claimsFor = (server: ToolServer, overrides: Partial<InstallStatementClaims> = {}) => ({
  iss: server.origin,
  aud: h.issuer,
  client_name: 'Budgeting',
  redirect_uris: [`${server.origin}/cta/callback`],
  scope: 'openid cta:membership cta:roster',
  cta_group: h.group.id,
  cta_event_types: ['tech.collaborative.bucket.published'],
  ...overrides,
})

/** Sends an install request as any client would, and reads the answer. */
async function post(statement: unknown): Promise<{
  status: number
  type: string
  body: Record<string, unknown>
  location: string | null
}> {
  const response = await fetch(`${h.issuer}/install`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ software_statement: statement }),
  })
  return {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    body: (await response.json()) as Record<string, unknown>,
    location: response.headers.get('location'),
  }
}

/** A client-credentials token request of a client, with HTTP Basic. */
async function tokenFor(
  clientId: string,
  secret: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const basic = Buffer.from(
    `${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`,
  ).toString('base64')
  const response = await fetch(`${h.issuer}/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${basic}`,
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'cta:roster' }),
  })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

const request = (server: ToolServer, group = h.group.id): Promise<PendingInstallation> =>
  requestInstallation({
    authority: h.issuer,
    origin: server.origin,
    key: server.key,
    group,
    scope: 'openid cta:membership cta:roster',
    eventTypes: ['tech.collaborative.bucket.published'],
    redirectUris: [`${server.origin}/cta/callback`],
    clientName: 'Budgeting',
    ...LOCAL,
  })

describe('installing a tool into a group', () => {
  it('[AUTH-INST-001] accepts install requests at the endpoint its discovery document names, and rejects a body that is not JSON', async () => {
    const discovery = (await (
      await fetch(`${h.issuer}/.well-known/openid-configuration`)
    ).json()) as Record<string, unknown>
    expect(discovery['cta_install_endpoint']).toBe(`${h.issuer}/install`)
    const text = await fetch(`${h.issuer}/install`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'software_statement=x',
    })
    expect(text.status).toBe(400)
    expect(((await text.json()) as { code: string }).code).toBe('ERR_REQUEST_INVALID')
    expect((await fetch(`${h.issuer}/install`)).status).toBe(405)
  })

  it('[AUTH-INST-004] [AUTH-INST-006] [AUTH-INST-007] accepts a request with 202 pending, rejects the tool’s token requests and a non-admin’s approval, then an admin’s approval registers the client and announces the installation', async () => {
    const pending = await request(tool)
    expect(pending.installRequest.startsWith(`${h.issuer}/install/`)).toBe(true)
    expect(pending.approvalUri).toMatch(/^https:\/\/decisions\.example\/admin\/installs\//)
    expect(pending.requestToken.length).toBeGreaterThanOrEqual(43)
    expect(await pollInstallation(pending, LOCAL)).toEqual({ status: 'pending' })
    const id = pending.installRequest.split('/').pop() ?? ''
    expect(await h.authority.installs.get(id)).toMatchObject({
      id,
      tool: tool.origin,
      group: h.group.id,
      status: 'pending',
      scope: ['openid', 'cta:membership', 'cta:roster'],
      eventTypes: ['tech.collaborative.bucket.published'],
    })
    expect((await h.authority.installs.list(h.group.id)).map((r) => r.id)).toContain(id)
    // Not yet a client: no token.
    expect((await tokenFor(tool.origin, 'guess')).body['error']).toBe('invalid_client')
    // Aroha is a plain member: she cannot approve.
    await expect(h.authority.installs.approve(id, h.members.aroha)).rejects.toMatchObject({
      code: 'ERR_NOT_ADMIN',
    })
    const installation = await h.authority.installs.approve(id, h.members.tomas)
    expect(installation).toMatchObject({
      organization: h.group.id,
      tool: tool.origin,
      installationStatus: 'active',
      installedBy: h.members.tomas,
    })
    await expect(h.authority.installs.approve(id, h.members.tomas)).rejects.toMatchObject({
      code: 'ERR_INSTALL_DECIDED',
    })
    const connected = h.emitted.filter(
      (e) => e.event.type === CONNECTED && JSON.stringify(e.event.data).includes(tool.origin),
    )
    expect(connected).toHaveLength(1)
    const credentials = await awaitInstallation(pending, { ...LOCAL, interval: 50 })
    expect(credentials).toMatchObject({
      clientId: tool.origin,
      installation: installation.id,
      tokenEndpointAuthMethod: 'client_secret_basic',
    })
    const token = await tokenFor(credentials.clientId, credentials.clientSecret)
    expect(token).toMatchObject({ status: 200, body: { scope: 'cta:roster' } })
    // The token reads the group's installations, its own among them.
    const tools = await fetch(`${h.group.id}/tools`, {
      headers: { authorization: `Bearer ${String(token.body['access_token'])}` },
    })
    expect(tools.status).toBe(200)
    expect(await tools.text()).toContain(tool.origin)
  })

  it('[AUTH-INST-005] accepts the bearer of the request token reading the status, and rejects anyone else with 401', async () => {
    const pending = await request(other)
    for (const headers of [
      {},
      { authorization: 'Bearer wrong-token' },
      { authorization: `Bearer ${pending.requestToken}x` },
    ]) {
      const response = await fetch(pending.installRequest, { headers })
      expect(response.status).toBe(401)
      expect(response.headers.get('content-type')).toBe('application/problem+json')
      expect(((await response.json()) as { code: string }).code).toBe('ERR_UNAUTHORIZED')
    }
    const right = await fetch(pending.installRequest, {
      headers: { authorization: `Bearer ${pending.requestToken}` },
    })
    expect(await right.json()).toEqual({ status: 'pending' })
  })

  it('[AUTH-INST-006] rejects the decision of an admin of another group, and tells the tool when an admin refuses, registering no client', async () => {
    const pending = await request(third, h.otherGroup.id)
    const id = pending.installRequest.split('/').pop() ?? ''
    // Tomás is an admin of Harbour Commons, not of the Night Market.
    await expect(h.authority.installs.refuse(id, h.members.tomas)).rejects.toMatchObject({
      code: 'ERR_NOT_ADMIN',
    })
    await h.authority.registry.update(h.otherGroup.id, h.members.mere, {
      role: [`${h.otherGroup.id}/roles/coordinator`],
      coreRole: 'admin',
    })
    await h.authority.installs.refuse(id, h.members.mere)
    expect(await h.authority.installs.get(id)).toMatchObject({
      status: 'refused',
      decidedBy: h.members.mere,
    })
    await expect(awaitInstallation(pending, { ...LOCAL, interval: 50 })).rejects.toMatchObject({
      code: 'ERR_INSTALL_REFUSED',
    })
    expect((await tokenFor(third.origin, 'anything')).body['error']).toBe('invalid_client')
  })

  it('[AUTH-INST-008] accepts the client’s token requests until an admin uninstalls the tool, then ends the installation, announces it and rejects the client with invalid_client', async () => {
    const pending = await request(other)
    const id = pending.installRequest.split('/').pop() ?? ''
    await h.authority.installs.approve(id, h.members.tomas)
    const { clientId, clientSecret } = await awaitInstallation(pending, { ...LOCAL, interval: 50 })
    expect((await tokenFor(clientId, clientSecret)).status).toBe(200)
    await expect(
      h.authority.installs.uninstall(h.group.id, other.origin, h.members.aroha),
    ).rejects.toMatchObject({ code: 'ERR_NOT_ADMIN' })
    await h.authority.installs.uninstall(h.group.id, other.origin, h.members.tomas)
    expect(
      h.emitted.filter(
        (e) => e.event.type === DISCONNECTED && JSON.stringify(e.event.data).includes(other.origin),
      ),
    ).toHaveLength(1)
    expect(await tokenFor(clientId, clientSecret)).toMatchObject({
      status: 401,
      body: { error: 'invalid_client' },
    })
    expect((await h.store.getInstallation(h.group.id, other.origin))?.installationStatus).toBe(
      'removed',
    )
    await expect(
      h.authority.installs.uninstall(h.group.id, other.origin, h.members.tomas),
    ).rejects.toMatchObject({ code: 'ERR_NOT_INSTALLED' })
  })
})

describe('hostile install requests', () => {
  const refused = async (
    statement: unknown,
    code: string,
    error = 'invalid_software_statement',
  ) => {
    const answer = await post(statement)
    expect(answer.type).toBe('application/problem+json')
    expect(answer, code).toMatchObject({
      status: 400,
      body: { code, error, status: 400, type: `https://w3id.org/cta/errors#${code}` },
    })
  }

  it('[AUTH-INST-002] rejects a statement signed with another tool’s key, or a key the manifest does not publish', async () => {
    await refused(await signInstallStatement(claimsFor(tool), other.key), 'ERR_SOURCE_MISMATCH')
    // A tool whose manifest was not fetched yet (a kid unknown in a fresh key set is unresolved;
    // within the refetch interval after a fetch it would be answered 503, EVT-KEY-008).
    const fresh = await startToolServer()
    const unpublished: SigningKey = await generateSigningKey({ origin: fresh.origin })
    await refused(await signInstallStatement(claimsFor(fresh), unpublished), 'ERR_KEY_UNRESOLVED')
    await fresh.close()
    // The other tool's kid on a statement signed with this tool's key: the signature fails.
    const forged = await signInstallStatement(claimsFor(other), { ...tool.key, kid: other.key.kid })
    await refused(forged, 'ERR_SIGNATURE_INVALID')
  })

  it('[AUTH-INST-002] rejects another typ, another audience, a lifetime over 600 seconds and an expired statement', async () => {
    const wrongTyp = await new CompactSign(
      new TextEncoder().encode(
        JSON.stringify({
          ...claimsFor(tool),
          iat: Math.floor(Date.now() / 1000),
          exp: Math.floor(Date.now() / 1000) + 60,
          jti: 'x1',
        }),
      ),
    )
      .setProtectedHeader({ alg: tool.key.alg, kid: tool.key.kid, typ: 'JWT' })
      .sign(tool.key.privateKey)
    await refused(wrongTyp, 'ERR_TYP_MISMATCH')
    await refused(
      await signInstallStatement(claimsFor(tool, { aud: 'https://elsewhere.example' }), tool.key),
      'ERR_AUDIENCE_MISMATCH',
    )
    const now = Math.floor(Date.now() / 1000)
    await refused(
      await signInstallStatement(claimsFor(tool, { iat: now, exp: now + 601 }), tool.key),
      'ERR_STATEMENT_INVALID',
    )
    await refused(
      await signInstallStatement(claimsFor(tool, { iat: now - 900, exp: now - 400 }), tool.key),
      'ERR_STATEMENT_INVALID',
    )
    await refused('not a statement', 'ERR_JWS_MALFORMED')
    await refused(42, 'ERR_STATEMENT_INVALID')
  })

  it('[AUTH-INST-003] rejects a statement seen before', async () => {
    const statement = await signInstallStatement(claimsFor(tool), tool.key)
    expect((await post(statement)).status).toBe(202)
    await refused(statement, 'ERR_STATEMENT_REPLAYED')
  })

  it('[AUTH-INST-003] rejects redirect URIs on another origin, scopes beyond the policy, and unknown or secret groups', async () => {
    await refused(
      await signInstallStatement(
        claimsFor(tool, { redirect_uris: [`${tool.origin}/cb`, 'https://evil.example/cb'] }),
        tool.key,
      ),
      'ERR_REDIRECT_URI',
      'invalid_redirect_uri',
    )
    await refused(
      await signInstallStatement(
        claimsFor(tool, { scope: 'openid cta:roster offline_access' }),
        tool.key,
      ),
      'ERR_SCOPE_NOT_ALLOWED',
      'invalid_client_metadata',
    )
    await refused(
      await signInstallStatement(claimsFor(tool, { cta_group: `${h.issuer}/g/nowhere` }), tool.key),
      'ERR_GROUP_UNKNOWN',
      'invalid_client_metadata',
    )
    await refused(
      await signInstallStatement(claimsFor(tool, { cta_group: secretGroup.id }), tool.key),
      'ERR_GROUP_UNKNOWN',
      'invalid_client_metadata',
    )
    const unknown = await post(
      await signInstallStatement(claimsFor(tool, { cta_group: `${h.issuer}/g/nowhere` }), tool.key),
    )
    const secret = await post(
      await signInstallStatement(claimsFor(tool, { cta_group: secretGroup.id }), tool.key),
    )
    // A secret group is answered exactly as one that does not exist.
    expect(secret.body).toEqual(unknown.body)
  })

  it('[AUTH-INST-002] [AUTH-INST-003] [AUTH-INST-004] accepts a well-formed statement with 202 and a Location, without a secret or a client', async () => {
    const answer = await post(await signInstallStatement(claimsFor(third), third.key))
    expect(answer.status).toBe(202)
    expect(answer.location).toBe(answer.body['install_request'])
    expect((await tokenFor(third.origin, String(answer.body['request_token']))).status).toBe(401)
    expect(Object.keys(answer.body).sort()).toEqual([
      'approval_uri',
      'install_request',
      'request_token',
      'status',
    ])
  })
})

describe('a tool asking to be installed', () => {
  it('stops waiting for a decision when its signal aborts', async () => {
    const pending = await request(third)
    const controller = new AbortController()
    const waiting = awaitInstallation(pending, {
      ...LOCAL,
      interval: 10_000,
      signal: controller.signal,
    })
    controller.abort(new Error('gave up'))
    await expect(waiting).rejects.toThrow('gave up')
  })

  it('[AUTH-INST-009] accepts the install endpoint the authority’s discovery names, sends a fresh statement each time, and rejects an endpoint on another origin', async () => {
    const seen: string[] = []
    const sent = await startToolServer({
      '/.well-known/openid-configuration': (req, res) => {
        const origin = `http://${req.headers.host ?? ''}`
        res.setHeader('content-type', 'application/json')
        res.end(
          JSON.stringify({
            issuer: origin,
            cta_install_endpoint: 'https://elsewhere.example/install',
          }),
        )
      },
    })
    await expect(
      requestInstallation({
        authority: sent.origin,
        origin: tool.origin,
        key: tool.key,
        group: h.group.id,
        scope: 'openid',
        eventTypes: [],
        redirectUris: [`${tool.origin}/cb`],
        clientName: 'Budgeting',
        ...LOCAL,
      }),
    ).rejects.toMatchObject({ code: 'ERR_ISSUER_NOT_AUTHORITY' })
    await sent.close()
    for (let i = 0; i < 2; i++) {
      const pending = await request(tool)
      const id = pending.installRequest.split('/').pop() ?? ''
      seen.push(id)
    }
    expect(new Set(seen).size).toBe(2)
  })

  it('[AUTH-INST-001] the spec example of the statement has exactly the claims the SDK signs', async () => {
    const chapter = readFileSync(new URL('../../../spec/group-auth.md', import.meta.url), 'utf8')
    const section = chapter.slice(chapter.indexOf('## Installing a tool'))
    const example = JSON.parse(/```json\n([\s\S]*?)```/.exec(section)?.[1] ?? '') as Record<
      string,
      unknown
    >
    const jws = await signInstallStatement(claimsFor(tool), tool.key)
    const payload = JSON.parse(
      Buffer.from(jws.split('.')[1] ?? '', 'base64url').toString('utf8'),
    ) as object
    expect(Object.keys(example).sort()).toEqual(Object.keys(payload).sort())
    expect((example['exp'] as number) - (example['iat'] as number)).toBeLessThanOrEqual(600)
  })
})
