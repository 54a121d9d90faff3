// Both flows of group auth against a real oidc-provider with the authority plugin, on 127.0.0.1:
// the authorization code flow driven through the provider's interaction endpoints, token exchange,
// and a relying tool that lets a member in and shuts them out when the authority removes them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ACCESS_TOKEN_TYPE,
  JWT_TOKEN_TYPE,
  TOKEN_EXCHANGE_GRANT_TYPE,
  createInbox,
  createMembershipCache,
  createMemoryDedupeStore,
  discoverAuthority,
  exchangeForAssertion,
  finishSignIn,
  startSignIn,
  verifyGroupAssertion,
  type DiscoveredAuthority,
  type Group,
} from '../../src/index.js'
import { codeOf } from '../helpers/code-of.js'
import {
  REDIRECT_URI,
  STRANGER,
  STRANGER_SECRET,
  TOOL,
  TOOL_SECRET,
  signInAs,
  startAuthority,
  type AuthorityHarness,
} from './support.js'

const loopback = { allowHttp: true, allowPrivateNetwork: true } as const

function discover(group: Group, clientId = TOOL, clientSecret = TOOL_SECRET) {
  return discoverAuthority(group, { clientId, clientSecret, ...loopback })
}

/** Signs a member in to the tool; returns the sign-in result. */
async function signIn(authority: DiscoveredAuthority, member: string, scopes: string[] = []) {
  const { url, pending } = await startSignIn(authority, { redirectUri: REDIRECT_URI, scopes })
  return finishSignIn(authority, await signInAs(url, member), pending)
}

/** A raw token endpoint request, to see the authority's OAuth answers themselves. */
async function tokenRequest(
  authority: DiscoveredAuthority,
  params: Record<string, string>,
  client: [string, string] = [TOOL, TOOL_SECRET],
): Promise<{ status: number; body: Record<string, unknown> }> {
  const endpoint = authority.configuration.serverMetadata().token_endpoint ?? ''
  const basic = Buffer.from(`${encodeURIComponent(client[0])}:${encodeURIComponent(client[1])}`)
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      authorization: `Basic ${basic.toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams(params),
  })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

let h: AuthorityHarness
let authority: DiscoveredAuthority

beforeAll(async () => {
  h = await startAuthority()
  authority = await discover(h.group)
})
afterAll(async () => {
  await h.close()
})

describe('discovering the authority', () => {
  it('[AUTH-DSC-001] accepts the authority a group document names, fetched from the group IRI', async () => {
    const found = await discoverAuthority(h.group.id, {
      clientId: TOOL,
      clientSecret: TOOL_SECRET,
      trustedAuthorities: [h.issuer],
      ...loopback,
    })
    expect(found.issuer).toBe(h.issuer)
    expect(found.group).toEqual(h.group)
    expect(found.tokenExchange).toBe(true)
    const metadata = found.configuration.serverMetadata()
    expect(metadata.scopes_supported).toEqual(
      expect.arrayContaining(['cta:membership', 'cta:roster']),
    )
    expect(metadata.claims_supported).toContain('groups')
    expect(metadata.grant_types_supported).toContain(TOKEN_EXCHANGE_GRANT_TYPE)
  })

  it('[AUTH-DSC-001] rejects an untrusted authority, a discovery document for another issuer, and a group document with another id', async () => {
    await expect(
      codeOf(
        discoverAuthority(h.group, {
          clientId: TOOL,
          trustedAuthorities: ['https://decisions.example'],
          ...loopback,
        }),
      ),
    ).resolves.toBe('ERR_ISSUER_NOT_AUTHORITY')
    const lying: typeof fetch = async (input, init) => {
      const response = await fetch(input, init)
      const url = input instanceof URL ? input.href : typeof input === 'string' ? input : input.url
      if (!url.endsWith('/.well-known/openid-configuration')) return response
      const metadata = (await response.json()) as Record<string, unknown>
      return Response.json({ ...metadata, issuer: 'https://intruder.example' })
    }
    await expect(
      codeOf(discoverAuthority(h.group, { clientId: TOOL, fetch: lying, ...loopback })),
    ).resolves.toBe('ERR_ISSUER_NOT_AUTHORITY')
    await expect(codeOf(discover({ ...h.group, authority: `${h.issuer}/` }))).resolves.toBe(
      'ERR_ISSUER_NOT_AUTHORITY',
    )
    const elsewhere: typeof fetch = () => Promise.resolve(Response.json(h.otherGroup))
    await expect(
      codeOf(discoverAuthority(h.group.id, { clientId: TOOL, fetch: elsewhere, ...loopback })),
    ).resolves.toBe('ERR_NOT_FOUND')
  })
})

describe('signing in with the group (authorization code + PKCE)', () => {
  it('[AUTH-SIN-001] [AUTH-SIN-002] [AUTH-SIN-003] [AUTH-SIN-004] accepts a member of the group: the ID token names exactly that group', async () => {
    const { url, pending } = await startSignIn(authority, { redirectUri: REDIRECT_URI })
    const request = new URL(url)
    expect(request.searchParams.get('scope')).toBe('openid cta:membership')
    expect(request.searchParams.get('cta_group')).toBe(h.group.id)
    expect(request.searchParams.get('code_challenge_method')).toBe('S256')
    expect(pending.state).not.toBe(
      (await startSignIn(authority, { redirectUri: REDIRECT_URI })).pending.state,
    )
    const callback = await signInAs(url, h.members.aroha)
    expect(new URL(callback).searchParams.get('iss')).toBe(h.issuer)
    const result = await finishSignIn(authority, callback, pending)
    expect(result.sub).toBe(h.members.aroha)
    expect(result.group).toBe(h.group.id)
    expect(result.claims['groups']).toEqual([h.group.id])
    expect(result.claims['nonce']).toBe(pending.nonce)
    expect(result.accessToken.length).toBeGreaterThan(20)
  })

  it('[AUTH-SIN-003] accepts a sign-in for another group only after asking again, and discloses only that group', async () => {
    const other = await discover(h.otherGroup)
    const first = await startSignIn(authority, { redirectUri: REDIRECT_URI })
    await finishSignIn(authority, await signInAs(first.url, h.members.aroha), first.pending)
    const second = await startSignIn(other, { redirectUri: REDIRECT_URI })
    const result = await finishSignIn(
      other,
      await signInAs(second.url, h.members.aroha),
      second.pending,
    )
    expect(result.claims['groups']).toEqual([h.otherGroup.id])
  })

  it('[AUTH-SIN-001] rejects a tampered state, a code without its verifier, a replayed code and a declined consent', async () => {
    const { url, pending } = await startSignIn(authority, { redirectUri: REDIRECT_URI })
    const callback = await signInAs(url, h.members.aroha)
    await expect(
      codeOf(finishSignIn(authority, callback, { ...pending, state: 'forged-state' })),
    ).resolves.toBe('ERR_SIGN_IN_FAILED')
    const stolen = (await startSignIn(authority, { redirectUri: REDIRECT_URI })).pending
    await expect(
      codeOf(finishSignIn(authority, callback, { ...stolen, state: pending.state })),
    ).resolves.toBe('ERR_SIGN_IN_FAILED')
    const again = await startSignIn(authority, { redirectUri: REDIRECT_URI })
    const good = await signInAs(again.url, h.members.aroha)
    await finishSignIn(authority, good, again.pending)
    await expect(codeOf(finishSignIn(authority, good, again.pending))).resolves.toBe(
      'ERR_SIGN_IN_FAILED',
    )
    const declined = await startSignIn(authority, { redirectUri: REDIRECT_URI })
    const answer = await signInAs(declined.url, h.members.tomas, { consent: 'abort' })
    expect(new URL(answer).searchParams.get('error')).toBe('access_denied')
    await expect(codeOf(finishSignIn(authority, answer, declined.pending))).resolves.toBe(
      'ERR_SIGN_IN_FAILED',
    )
  })

  it('[AUTH-SIN-002] rejects a request without cta_group, with a group it does not hold, or without PKCE', async () => {
    const { url } = await startSignIn(authority, { redirectUri: REDIRECT_URI })
    const errorOf = async (edit: (u: URL) => void): Promise<string | null> => {
      const u = new URL(url)
      edit(u)
      const response = await fetch(u, { redirect: 'manual' })
      const location = new URL(response.headers.get('location') ?? '', u)
      return location.searchParams.get('error')
    }
    await expect(
      errorOf((u) => {
        u.searchParams.delete('cta_group')
      }),
    ).resolves.toBe('invalid_request')
    await expect(
      errorOf((u) => {
        u.searchParams.set('cta_group', `${h.issuer}/g/nowhere`)
      }),
    ).resolves.toBe('invalid_request')
    await expect(
      errorOf((u) => {
        u.searchParams.delete('code_challenge')
        u.searchParams.delete('code_challenge_method')
      }),
    ).resolves.toBe('invalid_request')
  })

  it('[AUTH-SIN-003] rejects a person who is not a member, and a tool the group has not installed', async () => {
    const { url, pending } = await startSignIn(authority, { redirectUri: REDIRECT_URI })
    const denied = await signInAs(url, h.members.mere)
    expect(new URL(denied).searchParams.get('error')).toBe('access_denied')
    await expect(codeOf(finishSignIn(authority, denied, pending))).resolves.toBe(
      'ERR_SIGN_IN_FAILED',
    )

    const stranger = await discover(h.group, STRANGER, STRANGER_SECRET)
    const attempt = await startSignIn(stranger, { redirectUri: `${STRANGER}/cta/callback` })
    const refused = await signInAs(attempt.url, h.members.aroha)
    expect(new URL(refused).searchParams.get('error')).toBe('access_denied')
  })

  it('[AUTH-SIN-004] rejects an ID token without the group: the membership ended between consent and code exchange', async () => {
    const local = await startAuthority()
    try {
      const a = await discover(local.group)
      const { url, pending } = await startSignIn(a, { redirectUri: REDIRECT_URI })
      const callback = await signInAs(url, local.members.aroha)
      await local.authority.registry.remove(local.group.id, local.members.aroha)
      await expect(codeOf(finishSignIn(a, callback, pending))).resolves.toBe('ERR_GROUP_MISMATCH')
    } finally {
      await local.close()
    }
  })
})

describe('token exchange (RFC 8693) for a membership assertion', () => {
  it('[AUTH-TX-001] [AUTH-TX-002] [AUTH-ASN-001] [AUTH-ASN-002] accepts the member’s access token and issues a verified assertion about that one group, without the name', async () => {
    const { accessToken } = await signIn(authority, h.members.aroha)
    const raw = await tokenRequest(authority, {
      grant_type: TOKEN_EXCHANGE_GRANT_TYPE,
      subject_token: accessToken,
      subject_token_type: ACCESS_TOKEN_TYPE,
      requested_token_type: JWT_TOKEN_TYPE,
      audience: TOOL,
      resource: h.group.id,
    })
    expect(raw.status).toBe(200)
    expect(raw.body).toMatchObject({
      issued_token_type: JWT_TOKEN_TYPE,
      token_type: 'N_A',
      expires_in: 300,
    })
    const { claims } = await verifyGroupAssertion(raw.body['access_token'] as string, {
      group: h.group.id,
      audience: TOOL,
      authority: h.issuer,
      resolveKey: authority.resolveKey,
    })
    expect(claims).toMatchObject({
      iss: h.issuer,
      sub: h.members.aroha,
      aud: TOOL,
      client_id: TOOL,
      groups: [h.group.id],
      roles: ['member'],
      entitlements: ['read', 'participate', 'propose'],
      cta_status: 'active',
    })
    expect(claims.exp - claims.iat).toBe(300)
    expect(claims).not.toHaveProperty('name')
    const { claims: again } = await exchangeForAssertion(authority, accessToken)
    expect(again.jti).not.toBe(claims.jti)
  })

  it('[AUTH-ASN-002] accepts the profile scope and only then puts the member’s name in the assertion', async () => {
    const { accessToken } = await signIn(authority, h.members.tomas, ['profile'])
    const { claims } = await exchangeForAssertion(authority, accessToken)
    expect(claims.name).toBe('Tomás')
    expect(claims.roles).toEqual(['admin'])
  })

  it('[AUTH-ASN-002] rejects disclosing the name without the profile scope, or anything of the member’s other groups', async () => {
    // Aroha belongs to both groups; she disclosed only the first, and not her profile.
    const signedIn = await signIn(authority, h.members.aroha)
    const { claims, assertion } = await exchangeForAssertion(authority, signedIn.accessToken)
    expect(claims).not.toHaveProperty('name')
    const payload = Buffer.from(assertion.split('.')[1] ?? '', 'base64url').toString('utf8')
    expect(payload).not.toContain(h.otherGroup.id)
    expect(payload).not.toContain('Aroha')
    expect(JSON.stringify(signedIn.claims)).not.toContain(h.otherGroup.id)
  })

  it('[AUTH-VER-001] rejects the authority’s real ID token and access token presented as assertions', async () => {
    const signedIn = await signIn(authority, h.members.aroha)
    const tokens = await tokenRequest(authority, {
      grant_type: 'client_credentials',
      scope: 'cta:roster',
    })
    const options = {
      group: h.group.id,
      audience: TOOL,
      authority: h.issuer,
      resolveKey: authority.resolveKey,
    }
    const { url, pending } = await startSignIn(authority, { redirectUri: REDIRECT_URI })
    const code = new URL(await signInAs(url, h.members.aroha)).searchParams.get('code') ?? ''
    const withIdToken = await tokenRequest(authority, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: pending.codeVerifier,
    })
    const idToken = withIdToken.body['id_token'] as string
    expect(idToken.split('.')).toHaveLength(3)
    await expect(codeOf(verifyGroupAssertion(idToken, options))).resolves.toBe('ERR_TYP_MISMATCH')
    await expect(codeOf(verifyGroupAssertion(signedIn.accessToken, options))).resolves.toBe(
      'ERR_JWS_MALFORMED',
    )
    await expect(
      codeOf(verifyGroupAssertion(tokens.body['access_token'] as string, options)),
    ).resolves.toBe('ERR_JWS_MALFORMED')
  })

  it('[AUTH-TX-001] rejects another tool’s subject token, other token types, another audience and unknown tokens', async () => {
    const { accessToken } = await signIn(authority, h.members.aroha)
    const exchange = {
      grant_type: TOKEN_EXCHANGE_GRANT_TYPE,
      subject_token: accessToken,
      subject_token_type: ACCESS_TOKEN_TYPE,
      resource: h.group.id,
    }
    const refused = async (
      params: Record<string, string>,
      client?: [string, string],
    ): Promise<unknown> => (await tokenRequest(authority, params, client)).body['error']
    await expect(refused(exchange, [STRANGER, STRANGER_SECRET])).resolves.toBe('invalid_grant')
    await expect(
      refused({ ...exchange, subject_token_type: 'urn:ietf:params:oauth:token-type:id_token' }),
    ).resolves.toBe('invalid_request')
    await expect(refused({ ...exchange, requested_token_type: ACCESS_TOKEN_TYPE })).resolves.toBe(
      'invalid_request',
    )
    await expect(refused({ ...exchange, audience: STRANGER })).resolves.toBe('invalid_target')
    await expect(refused({ ...exchange, subject_token: 'not-a-token' })).resolves.toBe(
      'invalid_grant',
    )
    const own = await tokenRequest(authority, {
      grant_type: 'client_credentials',
      scope: 'cta:roster',
    })
    await expect(
      refused({ ...exchange, subject_token: own.body['access_token'] as string }),
    ).resolves.toBe('invalid_grant')
    const stranger = await discover(h.group, STRANGER, STRANGER_SECRET)
    await expect(codeOf(exchangeForAssertion(stranger, accessToken))).resolves.toBe(
      'ERR_EXCHANGE_REFUSED',
    )
  })

  it('[ERR-REG-001] rejects a refused token exchange with an RFC 6749 §5.2 JSON error, never a problem document, reported to the relying tool as ERR_EXCHANGE_REFUSED', async () => {
    const endpoint = authority.configuration.serverMetadata().token_endpoint ?? ''
    const basic = Buffer.from(`${encodeURIComponent(TOOL)}:${encodeURIComponent(TOOL_SECRET)}`)
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        authorization: `Basic ${basic.toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        grant_type: TOKEN_EXCHANGE_GRANT_TYPE,
        subject_token: 'not-a-token',
        subject_token_type: ACCESS_TOKEN_TYPE,
        resource: h.group.id,
      }),
    })
    expect(response.status).toBe(400)
    expect(response.headers.get('content-type')).toMatch(/^application\/json\b/)
    const body = (await response.json()) as Record<string, unknown>
    expect(body['error']).toBe('invalid_grant')
    expect(body).not.toHaveProperty('type')
    expect(body).not.toHaveProperty('code')
    await expect(codeOf(exchangeForAssertion(authority, 'not-a-token'))).resolves.toBe(
      'ERR_EXCHANGE_REFUSED',
    )
  })

  it('[AUTH-TX-002] rejects a group the member did not disclose, a removed member and a disconnected tool', async () => {
    const local = await startAuthority()
    try {
      const a = await discover(local.group)
      const { accessToken } = await signIn(a, local.members.aroha)
      const other = await discover(local.otherGroup)
      // Aroha belongs to both groups, but disclosed only the first to this tool.
      await expect(codeOf(exchangeForAssertion(other, accessToken))).resolves.toBe(
        'ERR_EXCHANGE_REFUSED',
      )
      await expect(codeOf(exchangeForAssertion(a, accessToken))).resolves.toBe('accepted')
      await local.authority.registry.disconnectTool(local.group.id, TOOL)
      await expect(codeOf(exchangeForAssertion(a, accessToken))).resolves.toBe(
        'ERR_EXCHANGE_REFUSED',
      )
      const tomas = await startAuthority()
      try {
        const b = await discover(tomas.group)
        const signedIn = await signIn(b, tomas.members.tomas)
        await tomas.authority.registry.remove(tomas.group.id, tomas.members.tomas)
        await expect(codeOf(exchangeForAssertion(b, signedIn.accessToken))).resolves.toBe(
          'ERR_EXCHANGE_REFUSED',
        )
      } finally {
        await tomas.close()
      }
    } finally {
      await local.close()
    }
  })
})

describe('a relying tool lets a member in, and shuts them out when the authority removes them', () => {
  it('[AUTH-END-001] [AUTH-END-002] [MEM-EVT-001] accepts the member, then rejects them after membership.removed arrives, though their assertion is still valid', async () => {
    const local = await startAuthority()
    try {
      const a = await discover(local.group)
      const members = createMembershipCache({ tool: TOOL })
      const inbox = createInbox({
        speaksFor: 'any-source',
        resolveKey: local.resolveEventKey,
        dedupe: createMemoryDedupeStore(),
        onEvent: (event) => {
          members.onEvent(event)
        },
      })
      const deliver = async (jws: string): Promise<number> =>
        (
          await inbox(
            new Request('https://budgeting.example/cta/inbox', {
              method: 'POST',
              headers: { 'content-type': 'application/jose' },
              body: jws,
            }),
          )
        ).status

      const { sub, accessToken } = await signIn(a, local.members.aroha)
      const { claims } = await exchangeForAssertion(a, accessToken)
      members.admit(claims)
      expect(members.check(sub, local.group.id).roles).toEqual(['member'])

      const before = local.emitted.length
      await local.authority.registry.remove(local.group.id, sub, {
        actor: { id: local.members.tomas, type: 'Person', name: 'Tomás' },
      })
      const removal = local.emitted.slice(before)
      expect(removal.map((e) => e.event.type)).toEqual(['tech.collaborative.membership.removed'])
      expect(await deliver(removal[0]?.jws ?? '')).toBe(202)

      expect(claims.exp * 1000).toBeGreaterThan(Date.now())
      expect(() => members.check(sub, local.group.id)).toThrow(
        expect.objectContaining({ code: 'ERR_MEMBERSHIP_ENDED' }),
      )
      expect(() => members.admit(claims)).toThrow(
        expect.objectContaining({ code: 'ERR_MEMBERSHIP_ENDED' }),
      )
      await expect(codeOf(exchangeForAssertion(a, accessToken))).resolves.toBe(
        'ERR_EXCHANGE_REFUSED',
      )
    } finally {
      await local.close()
    }
  })
})
