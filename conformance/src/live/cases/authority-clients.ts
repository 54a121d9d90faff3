/**
 * Group Authority, as a generic OpenID Connect client meets it: the suite's client secret in HTTP
 * Basic with the origin raw (as Authlib, `requests` and `curl -u` send it), RS256 ID tokens, no
 * `cta_group` without `cta:membership`, and no member scopes from the client credentials grant.
 */
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose'
import { startSignIn } from '@cta-interop/sdk'
import type { LiveCase, LiveContext } from '../case.js'
import { check, Untested } from '../case.js'
import { discover, mainSession, redirectUri } from './authority-session.js'

/** How a token request carries the client's credentials. */
type ClientAuth = 'basic-raw' | 'basic-encoded' | 'post'

const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64')

/** A token request as the suite's client, authenticated one way; the answer's status and body. */
async function post(
  ctx: LiveContext,
  params: Record<string, string>,
  auth: ClientAuth,
  secret = mainSession(ctx).client.client_secret,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const endpoint = (await discover(ctx)).configuration.serverMetadata().token_endpoint
  if (endpoint === undefined) throw new Error('the discovery document has no token_endpoint')
  const id = mainSession(ctx).client.client_id
  const basic =
    auth === 'basic-raw'
      ? `${id}:${secret}`
      : `${encodeURIComponent(id)}:${encodeURIComponent(secret)}`
  const form = auth === 'post' ? { client_id: id, client_secret: secret } : {}
  const response = await ctx.wire.fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(auth === 'post' ? {} : { authorization: `Basic ${base64(basic)}` }),
    },
    body: new URLSearchParams({ ...params, ...form }).toString(),
  })
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>
  return { status: response.status, body }
}

const ROSTER = { grant_type: 'client_credentials', scope: 'cta:roster' }

const metadataOf = async (ctx: LiveContext) =>
  (await discover(ctx)).configuration.serverMetadata() as Record<string, unknown>

export const AUTHORITY_CLIENT_CASES: readonly LiveCase[] = [
  {
    id: 'live.group-authority.client-secret-basic-raw-origin',
    title:
      'Authenticates the suite’s secret in HTTP Basic with its origin raw or form-encoded, and in the form',
    requirements: ['AUTH-OIDC-001'],
    profile: 'group-authority',
    level: 'MUST',
    async run(ctx) {
      const ways: ClientAuth[] = ['basic-raw', 'basic-encoded', 'post']
      const expected = Object.fromEntries(ways.map((w) => [w, 200]))
      const actual: Record<string, number> = {}
      for (const way of ways) actual[way] = (await post(ctx, ROSTER, way)).status
      check(
        ways.every((w) => actual[w] === 200),
        'a client authentication method a generic client sends first was refused',
        expected,
        actual,
      )
      return { expected, actual }
    },
  },
  {
    id: 'live.group-authority.client-wrong-secret',
    title: 'A wrong secret, sent with the origin raw in HTTP Basic, is refused with invalid_client',
    requirements: ['AUTH-OIDC-001'],
    profile: 'group-authority',
    level: 'MUST',
    async run(ctx) {
      const answer = await post(ctx, ROSTER, 'basic-raw', 'not-the-secret')
      const expected = { status: 401, error: 'invalid_client' }
      const actual = { status: answer.status, error: answer.body['error'] }
      check(
        answer.status === 401 && answer.body['error'] === 'invalid_client',
        'a wrong secret was not refused with invalid_client',
        expected,
        actual,
      )
      return { expected, actual }
    },
  },
  {
    id: 'live.group-authority.group-needs-membership-scope',
    title:
      'An authorization request with cta_group but without cta:membership is refused with invalid_request',
    requirements: ['AUTH-OIDC-002'],
    profile: 'group-authority',
    level: 'MUST',
    async run(ctx) {
      const { url } = await startSignIn(await discover(ctx), { redirectUri: redirectUri(ctx) })
      const request = new URL(url)
      request.searchParams.set('scope', 'openid profile')
      const visit = await ctx.newBrowser().visit(request.href, { stopAt: redirectUri(ctx) })
      const error = visit.stopped
        ? new URL(visit.url).searchParams.get('error')
        : `no redirect (${visit.response?.status})`
      const expected = { error: 'invalid_request' }
      check(
        error === 'invalid_request',
        `expected invalid_request, got ${String(error)}`,
        expected,
        {
          error,
        },
      )
      return { expected, actual: { error } }
    },
  },
  {
    id: 'live.group-authority.rs256-id-tokens',
    title: 'Discovery lists RS256, and the suite’s ID token is RS256, verified with the JWKS',
    requirements: ['AUTH-OIDC-003'],
    profile: 'group-authority',
    level: 'MUST',
    actions: ['arm-sign-in'],
    async run(ctx) {
      const metadata = await metadataOf(ctx)
      const algs = metadata['id_token_signing_alg_values_supported']
      const session = mainSession(ctx)
      const member = session.members[0]
      if (member === undefined) throw new Untested('the session has no member')
      if (ctx.control === undefined) throw new Untested('needs the control API')
      await ctx.control.act(session, 'arm-sign-in', { member: member.id })
      const { url, pending } = await startSignIn(await discover(ctx), {
        redirectUri: redirectUri(ctx),
      })
      const visit = await ctx.newBrowser().visit(url, { stopAt: redirectUri(ctx) })
      const code = visit.stopped ? new URL(visit.url).searchParams.get('code') : null
      const answer = await post(
        ctx,
        {
          grant_type: 'authorization_code',
          code: code ?? '',
          redirect_uri: redirectUri(ctx),
          code_verifier: pending.codeVerifier,
        },
        'basic-encoded',
      )
      const idToken = typeof answer.body['id_token'] === 'string' ? answer.body['id_token'] : ''
      const alg = idToken === '' ? undefined : decodeProtectedHeader(idToken).alg
      const jwksUri = typeof metadata['jwks_uri'] === 'string' ? metadata['jwks_uri'] : ''
      const jwks = (await (await ctx.wire.fetch(jwksUri)).json()) as JSONWebKeySet
      const verified = await jwtVerify(idToken, createLocalJWKSet(jwks), {
        issuer: (await discover(ctx)).issuer,
        audience: session.client.client_id,
        algorithms: ['RS256'],
      }).then(
        () => true,
        () => false,
      )
      const expected = { listed: true, alg: 'RS256', verified: true }
      const actual = { listed: Array.isArray(algs) && algs.includes('RS256'), alg, verified }
      check(
        actual.listed && alg === 'RS256' && verified,
        'no RS256 ID token a generic client can verify',
        expected,
        actual,
      )
      return { expected, actual }
    },
  },
  {
    id: 'live.group-authority.client-credentials-member-scopes',
    title:
      'A client credentials request for openid or cta:membership is refused with invalid_scope',
    requirements: ['AUTH-OIDC-004'],
    profile: 'group-authority',
    level: 'MUST',
    async run(ctx) {
      const scopes = ['openid profile cta:membership', 'cta:membership cta:roster']
      const expected = Object.fromEntries(scopes.map((s) => [s, 'invalid_scope']))
      const actual: Record<string, unknown> = {}
      for (const scope of scopes) {
        const answer = await post(ctx, { grant_type: 'client_credentials', scope }, 'post')
        actual[scope] = answer.body['access_token'] === undefined ? answer.body['error'] : 'issued'
      }
      check(
        scopes.every((s) => actual[s] === 'invalid_scope'),
        'member scopes were not refused in the client credentials grant',
        expected,
        actual,
      )
      return { expected, actual }
    },
  },
]
