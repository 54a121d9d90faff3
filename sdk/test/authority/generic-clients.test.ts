// What a generic OpenID Connect library meets at the group authority (a real oidc-provider with the
// plugin on 127.0.0.1): HTTP Basic with a raw origin as client_id, only the client authentication
// methods a tool can use, RS256 ID tokens, no cta_group without cta:membership, and no member
// scopes from the client credentials grant.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose'
import { discoverAuthority, startSignIn, type DiscoveredAuthority } from '../../src/index.js'
import { encodeOriginBasicCredentials } from '../../authority/internal/origin-basic-credentials.js'
import {
  REDIRECT_URI,
  TOOL,
  TOOL_SECRET,
  signInAs,
  startAuthority,
  type AuthorityHarness,
} from '../auth/support.js'

let h: AuthorityHarness
let authority: DiscoveredAuthority
let discovery: Record<string, unknown>

beforeAll(async () => {
  h = await startAuthority()
  authority = await discoverAuthority(h.group, {
    clientId: TOOL,
    clientSecret: TOOL_SECRET,
    allowHttp: true,
    allowPrivateNetwork: true,
  })
  const answer = await fetch(`${h.issuer}/.well-known/openid-configuration`)
  discovery = (await answer.json()) as Record<string, unknown>
})
afterAll(async () => {
  await h.close()
})

const basic = (userPass: string): string =>
  `Basic ${Buffer.from(userPass, 'utf8').toString('base64')}`

/** A token request with the given client authentication: a Basic header, or the form's fields. */
async function token(
  params: Record<string, string>,
  auth: { header: string } | { form: Record<string, string> },
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${h.issuer}/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...('header' in auth ? { authorization: auth.header } : {}),
    },
    body: new URLSearchParams({ ...params, ...('form' in auth ? auth.form : {}) }),
  })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

/** The authority's public keys, from its `jwks_uri`. */
const keySet = async (): Promise<JSONWebKeySet> =>
  (await (await fetch(`${h.issuer}/jwks`)).json()) as JSONWebKeySet

const roster = { grant_type: 'client_credentials', scope: 'cta:roster' }

describe('client authentication a generic client tries first', () => {
  it('[AUTH-OIDC-001] accepts the secret in HTTP Basic with the origin raw or form-encoded, and in the form', async () => {
    const ways = [
      { header: basic(`${TOOL}:${TOOL_SECRET}`) },
      {
        header: basic(`${encodeURIComponent(TOOL)}:${encodeURIComponent(TOOL_SECRET)}`),
      },
      { form: { client_id: TOOL, client_secret: TOOL_SECRET } },
    ]
    for (const auth of ways) {
      const answer = await token(roster, auth)
      expect(answer).toMatchObject({ status: 200, body: { scope: 'cta:roster' } })
    }
    expect(discovery['token_endpoint_auth_methods_supported']).toEqual([
      'client_secret_basic',
      'client_secret_post',
    ])
  })

  it('[AUTH-OIDC-001] rejects a wrong secret however it is sent, and advertises no method a tool cannot use', async () => {
    for (const auth of [
      { header: basic(`${TOOL}:wrong-secret`) },
      { header: basic(`${encodeURIComponent(TOOL)}:wrong-secret`) },
      { header: basic(`${TOOL}:${TOOL_SECRET}x`) },
      { form: { client_id: TOOL, client_secret: 'wrong-secret' } },
    ]) {
      const answer = await token(roster, auth)
      expect(answer).toMatchObject({ status: 401, body: { error: 'invalid_client' } })
    }
    const methods = discovery['token_endpoint_auth_methods_supported'] as string[]
    for (const method of ['none', 'client_secret_jwt', 'private_key_jwt']) {
      expect(methods).not.toContain(method)
    }
  })

  it('reads a raw origin as the user-id: with and without a port, an IPv6 host, a secret with colons', () => {
    const decoded = (header: string | undefined): string =>
      Buffer.from((header ?? '').slice('Basic '.length), 'base64').toString('utf8')
    expect(decoded(encodeOriginBasicCredentials(basic('http://127.0.0.1:8765:s3cret')))).toBe(
      'http%3A%2F%2F127.0.0.1%3A8765:s3cret',
    )
    expect(decoded(encodeOriginBasicCredentials(basic('https://tool.example:a:b+c')))).toBe(
      'https%3A%2F%2Ftool.example:a%3Ab%2Bc',
    )
    expect(decoded(encodeOriginBasicCredentials(basic('http://[::1]:8080:s')))).toBe(
      'http%3A%2F%2F%5B%3A%3A1%5D%3A8080:s',
    )
    // Already encoded, another scheme, a bearer token: left as sent.
    expect(encodeOriginBasicCredentials(basic('http%3A%2F%2F127.0.0.1:s'))).toBeUndefined()
    expect(encodeOriginBasicCredentials(basic('urn:tool:s'))).toBeUndefined()
    expect(encodeOriginBasicCredentials('Bearer abc')).toBeUndefined()
    expect(encodeOriginBasicCredentials('')).toBeUndefined()
  })
})

describe('the sign-in of a generic client', () => {
  it('[AUTH-OIDC-002] rejects cta_group without the cta:membership scope with invalid_request, never a consent page', async () => {
    const { url } = await startSignIn(authority, { redirectUri: REDIRECT_URI })
    const request = new URL(url)
    request.searchParams.set('scope', 'openid profile')
    const back = new URL(await signInAs(request.href, h.members.aroha))
    expect(back.origin + back.pathname).toBe(REDIRECT_URI)
    expect(back.searchParams.get('error')).toBe('invalid_request')
  })

  it('[AUTH-OIDC-002] accepts a plain OpenID sign-in (no cta_group, no cta:membership): an ID token without groups', async () => {
    const { url, pending } = await startSignIn(authority, { redirectUri: REDIRECT_URI })
    const request = new URL(url)
    request.searchParams.set('scope', 'openid')
    request.searchParams.delete('cta_group')
    const code = new URL(await signInAs(request.href, h.members.aroha)).searchParams.get('code')
    const answer = await token(
      {
        grant_type: 'authorization_code',
        code: code ?? '',
        redirect_uri: REDIRECT_URI,
        code_verifier: pending.codeVerifier,
      },
      { form: { client_id: TOOL, client_secret: TOOL_SECRET } },
    )
    expect(answer.status).toBe(200)
    const idToken = String(answer.body['id_token'])
    const jwks = createLocalJWKSet(await keySet())
    const { payload } = await jwtVerify(idToken, jwks, { issuer: h.issuer, audience: TOOL })
    expect(payload.sub).toBe(h.members.aroha)
    expect(payload['groups']).toBeUndefined()
  })

  it('[AUTH-OIDC-003] accepts a generic client: RS256 ID tokens it verifies with the JWKS, RS256 listed in discovery', async () => {
    expect(discovery['id_token_signing_alg_values_supported']).toEqual(
      expect.arrayContaining(['RS256', 'EdDSA']),
    )
    const { url, pending } = await startSignIn(authority, { redirectUri: REDIRECT_URI })
    const code = new URL(await signInAs(url, h.members.aroha)).searchParams.get('code')
    const answer = await token(
      {
        grant_type: 'authorization_code',
        code: code ?? '',
        redirect_uri: REDIRECT_URI,
        code_verifier: pending.codeVerifier,
      },
      { header: basic(`${TOOL}:${TOOL_SECRET}`) },
    )
    const idToken = String(answer.body['id_token'])
    expect(decodeProtectedHeader(idToken).alg).toBe('RS256')
    const jwks = createLocalJWKSet(await keySet())
    const { payload } = await jwtVerify(idToken, jwks, {
      issuer: h.issuer,
      audience: TOOL,
      algorithms: ['RS256'],
    })
    expect(payload['groups']).toEqual([h.group.id])
  })

  it('[AUTH-OIDC-003] rejects signing membership assertions with the RSA key: they stay EdDSA', async () => {
    const { url, pending } = await startSignIn(authority, { redirectUri: REDIRECT_URI })
    const code = new URL(await signInAs(url, h.members.aroha)).searchParams.get('code')
    const client = { form: { client_id: TOOL, client_secret: TOOL_SECRET } }
    const signedIn = await token(
      {
        grant_type: 'authorization_code',
        code: code ?? '',
        redirect_uri: REDIRECT_URI,
        code_verifier: pending.codeVerifier,
      },
      client,
    )
    const exchanged = await token(
      {
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        subject_token: String(signedIn.body['access_token']),
        subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        resource: h.group.id,
      },
      client,
    )
    expect(decodeProtectedHeader(String(exchanged.body['access_token']))).toMatchObject({
      alg: 'EdDSA',
      kid: h.providerKey.kid,
    })
  })
})

describe('the client credentials grant', () => {
  it('[AUTH-OIDC-004] rejects member scopes with invalid_scope: they come only from a member’s sign-in', async () => {
    const client = { form: { client_id: TOOL, client_secret: TOOL_SECRET } }
    for (const scope of ['openid profile cta:membership', 'openid', 'cta:membership cta:roster']) {
      const answer = await token({ grant_type: 'client_credentials', scope }, client)
      expect(answer).toMatchObject({ status: 400, body: { error: 'invalid_scope' } })
    }
  })

  it('[AUTH-OIDC-004] accepts cta:roster from the client credentials grant, which reads the roster', async () => {
    const answer = await token(roster, { header: basic(`${TOOL}:${TOOL_SECRET}`) })
    const read = await fetch(h.group.memberships, {
      headers: { authorization: `Bearer ${String(answer.body['access_token'])}` },
    })
    expect(read.status).toBe(200)
  })
})
