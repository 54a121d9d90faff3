// The authority's side of a member's export (EXP-AUTH-003) against a real oidc-provider with the
// group auth plugin on 127.0.0.1: token exchange with `scope=cta:export` gives the member an
// assertion for another tool installed in the same group; every other audience stays refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ACCESS_TOKEN_TYPE,
  EXPORT_SCOPE,
  TOKEN_EXCHANGE_GRANT_TYPE,
  discoverAuthority,
  exchangeForExportAssertion,
  finishSignIn,
  startSignIn,
  verifyGroupAssertion,
  type DiscoveredAuthority,
} from '../../src/index.js'
import {
  REDIRECT_URI,
  STRANGER,
  TOOL,
  TOOL_SECRET,
  signInAs,
  startAuthority,
  type AuthorityHarness,
} from '../auth/support.js'
import { codeOf } from '../helpers/code-of.js'

/** A tool installed in the group (not an OAuth client here: it only receives assertions). */
const DECISIONS = 'https://decisions.example'

let h: AuthorityHarness
let authority: DiscoveredAuthority
let accessToken: string

async function exchange(params: Record<string, string>): Promise<{
  status: number
  body: Record<string, unknown>
}> {
  const endpoint = authority.configuration.serverMetadata().token_endpoint ?? ''
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      client_id: TOOL,
      client_secret: TOOL_SECRET,
      grant_type: TOKEN_EXCHANGE_GRANT_TYPE,
      subject_token: accessToken,
      subject_token_type: ACCESS_TOKEN_TYPE,
      resource: h.group.id,
      ...params,
    }),
  })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

beforeAll(async () => {
  h = await startAuthority()
  authority = await discoverAuthority(h.group, {
    clientId: TOOL,
    clientSecret: TOOL_SECRET,
    allowHttp: true,
    allowPrivateNetwork: true,
  })
  await h.authority.registry.connectTool({
    id: `${h.group.id}/tools/decisions`,
    organization: h.group.id,
    tool: DECISIONS,
    scopes: ['cta:membership'],
  })
  const { url, pending } = await startSignIn(authority, { redirectUri: REDIRECT_URI })
  ;({ accessToken } = await finishSignIn(authority, await signInAs(url, h.members.aroha), pending))
})
afterAll(async () => {
  await h.close()
})

describe('token exchange for an export', () => {
  it('[EXP-AUTH-003] issues the signed-in member an assertion with cta:export for another tool installed in the group, or the authority itself', async () => {
    const answer = await exchange({ audience: DECISIONS, scope: EXPORT_SCOPE })
    expect(answer.status).toBe(200)
    const { claims } = await verifyGroupAssertion(answer.body['access_token'] as string, {
      group: h.group.id,
      audience: DECISIONS,
      authority: h.issuer,
      resolveKey: authority.resolveKey,
    })
    expect(claims).toMatchObject({ sub: h.members.aroha, aud: DECISIONS, scope: EXPORT_SCOPE })
    const own = await exchange({ scope: EXPORT_SCOPE })
    expect(own.status).toBe(200)
    const payload = JSON.parse(
      Buffer.from((own.body['access_token'] as string).split('.')[1] ?? '', 'base64url').toString(),
    ) as Record<string, unknown>
    expect(payload).toMatchObject({ aud: TOOL, scope: EXPORT_SCOPE })
    // The authority is a tool of the group too (Decisions holds the group and its polls).
    const ofAuthority = await exchange({ audience: h.issuer, scope: EXPORT_SCOPE })
    expect(ofAuthority.status).toBe(200)
    const viaSdk = await exchangeForExportAssertion(authority, accessToken, DECISIONS)
    expect(viaSdk.claims).toMatchObject({ aud: DECISIONS, scope: EXPORT_SCOPE })
    await expect(
      codeOf(exchangeForExportAssertion(authority, accessToken, STRANGER)),
    ).resolves.toBe('ERR_EXCHANGE_REFUSED')
  })

  it('[EXP-AUTH-003] rejects another audience without cta:export, a tool not installed in the group, and cta:export from the client credentials grant (never granted)', async () => {
    await expect(exchange({ audience: DECISIONS })).resolves.toMatchObject({
      status: 400,
      body: { error: 'invalid_target' },
    })
    await expect(exchange({ audience: DECISIONS, scope: 'cta:membership' })).resolves.toMatchObject(
      { status: 400, body: { error: 'invalid_target' } },
    )
    await expect(exchange({ audience: STRANGER, scope: EXPORT_SCOPE })).resolves.toMatchObject({
      status: 400,
      body: { error: 'invalid_target' },
    })
    // Without an audience and without the scope: an assertion for the tool itself, no cta:export.
    const plain = await exchange({})
    expect(plain.status).toBe(200)
    expect((plain.body['access_token'] as string).split('.')[1]).toBeDefined()
    const claims = JSON.parse(
      Buffer.from(
        (plain.body['access_token'] as string).split('.')[1] ?? '',
        'base64url',
      ).toString(),
    ) as Record<string, unknown>
    expect(claims['scope']).toBeUndefined()
    const endpoint = authority.configuration.serverMetadata().token_endpoint ?? ''
    const credentials = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: TOOL,
        client_secret: TOOL_SECRET,
        grant_type: 'client_credentials',
        scope: EXPORT_SCOPE,
      }),
    })
    // oidc-provider drops a scope it does not offer to clients: the token never carries cta:export.
    const granted = (await credentials.json()) as { error?: string; scope?: string }
    expect(granted.error ?? granted.scope ?? '').not.toContain(EXPORT_SCOPE)
  })
})
