/**
 * Group Authority: the suite is a relying tool of the tool under test. It discovers the authority
 * from the session's group, signs a member in (the control API arms the login), exchanges the
 * access token for a membership assertion, and sends requests the authority must refuse.
 */
import {
  discoverAuthority,
  exchangeForAssertion,
  finishSignIn,
  startSignIn,
  type DiscoveredAuthority,
} from '@cta-interop/sdk'
import type { LiveCase, LiveContext } from '../case.js'
import { check, Untested } from '../case.js'

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange'
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token'

const discovered = new WeakMap<LiveContext, Promise<DiscoveredAuthority>>()
const signedIn = new WeakMap<
  LiveContext,
  Map<string, Promise<{ accessToken: string; groups: unknown }>>
>()

function client(ctx: LiveContext) {
  const c = ctx.session?.client
  if (ctx.session === undefined || c === undefined) {
    throw new Untested('the control API registered no OAuth client for the suite')
  }
  return { session: ctx.session, client: c }
}

function discover(ctx: LiveContext): Promise<DiscoveredAuthority> {
  let pending = discovered.get(ctx)
  if (pending === undefined) {
    const { session, client: c } = client(ctx)
    pending = discoverAuthority(session.group, {
      clientId: c.client_id,
      clientSecret: c.client_secret,
      allowHttp: true,
      allowPrivateNetwork: true,
      fetch: ctx.wire.fetch,
    })
    discovered.set(ctx, pending)
  }
  return pending
}

const redirectUri = (ctx: LiveContext) => `${ctx.peer.origin}/cta/callback`

/** Signs the session's `index`-th member in (once per run) and returns their access token. */
function signIn(ctx: LiveContext, index: number) {
  let byMember = signedIn.get(ctx)
  if (byMember === undefined) {
    byMember = new Map()
    signedIn.set(ctx, byMember)
  }
  const { session } = client(ctx)
  const member = session.members[index]
  if (member === undefined) throw new Untested(`the session has no member ${index + 1}`)
  let pending = byMember.get(member.id)
  if (pending === undefined) {
    pending = (async () => {
      const authority = await discover(ctx)
      if (ctx.control === undefined) throw new Untested('needs the control API')
      await ctx.control.act(session, 'arm-sign-in', { member: member.id })
      const { url, pending: started } = await startSignIn(authority, {
        redirectUri: redirectUri(ctx),
      })
      const visit = await ctx.newBrowser().visit(url, { stopAt: redirectUri(ctx) })
      check(
        visit.stopped,
        'the authority did not redirect back to the suite',
        { redirect: redirectUri(ctx) },
        { url: visit.url, status: visit.response?.status },
      )
      const result = await finishSignIn(authority, visit.url, started)
      check(
        result.sub === member.id,
        'the authority signed in someone other than the member the control API armed',
        { sub: member.id },
        { sub: result.sub },
      )
      return { accessToken: result.accessToken, groups: result.claims['groups'] }
    })()
    byMember.set(member.id, pending)
  }
  return pending
}

/** A raw token exchange request, for the refusals. */
async function exchange(ctx: LiveContext, params: Record<string, string>) {
  const authority = await discover(ctx)
  const { client: c } = client(ctx)
  const endpoint = authority.configuration.serverMetadata().token_endpoint
  if (endpoint === undefined) throw new Error('the discovery document has no token_endpoint')
  const basic = Buffer.from(
    `${encodeURIComponent(c.client_id)}:${encodeURIComponent(c.client_secret)}`,
  ).toString('base64')
  const response = await ctx.wire.fetch(endpoint, {
    method: 'POST',
    headers: {
      authorization: `Basic ${basic}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      grant_type: TOKEN_EXCHANGE,
      subject_token_type: ACCESS_TOKEN_TYPE,
      ...params,
    }).toString(),
  })
  const body = (await response.json().catch(() => ({}))) as {
    error?: string
    access_token?: string
  }
  return {
    status: response.status,
    error: body.error,
    issued: typeof body.access_token === 'string',
  }
}

const refusal = (
  id: string,
  title: string,
  requirements: string[],
  error: string,
  params: (ctx: LiveContext, accessToken: string) => Record<string, string>,
): LiveCase => ({
  id: `live.group-authority.${id}`,
  title,
  requirements,
  profile: 'group-authority',
  level: 'MUST',
  actions: ['arm-sign-in'],
  async run(ctx) {
    const { accessToken } = await signIn(ctx, 0)
    const answer = await exchange(ctx, params(ctx, accessToken))
    const expected = { status: 400, error }
    check(
      answer.status === 400 && answer.error === error && !answer.issued,
      `expected the OAuth error ${error}`,
      expected,
      answer,
    )
    return { expected, actual: answer }
  },
})

/** An authorization request with `drop` removed must end in `invalid_request` (AUTH-SIN-002). */
const invalidRequest = (id: string, title: string, drop: readonly string[]): LiveCase => ({
  id: `live.group-authority.${id}`,
  title,
  requirements: ['AUTH-SIN-002'],
  profile: 'group-authority',
  level: 'MUST',
  async run(ctx) {
    const { url } = await startSignIn(await discover(ctx), { redirectUri: redirectUri(ctx) })
    const bare = new URL(url)
    for (const name of drop) bare.searchParams.delete(name)
    const visit = await ctx.newBrowser().visit(bare.href, { stopAt: redirectUri(ctx) })
    const error = visit.stopped
      ? new URL(visit.url).searchParams.get('error')
      : `no redirect (${visit.response?.status})`
    const expected = { error: 'invalid_request' }
    check(
      error === 'invalid_request' || (!visit.stopped && visit.response?.status === 400),
      `expected invalid_request, got ${String(error)}`,
      expected,
      { error },
    )
    return { expected, actual: { error } }
  },
})

export const AUTHORITY_CASES: readonly LiveCase[] = [
  {
    id: 'live.group-authority.discovery',
    title: 'The group document names the authority, whose discovery document names it as issuer',
    requirements: ['MEM-GRP-001'],
    profile: 'group-authority',
    level: 'MUST',
    async run(ctx) {
      const authority = await discover(ctx)
      const metadata = authority.configuration.serverMetadata()
      const expected = {
        issuer: authority.group.authority,
        tokenExchange: true,
        scopes: ['cta:membership', 'cta:roster'],
      }
      const actual = {
        issuer: authority.issuer,
        tokenExchange: authority.tokenExchange,
        scopes: metadata.scopes_supported,
      }
      check(
        authority.tokenExchange,
        'token exchange is not in grant_types_supported',
        expected,
        actual,
      )
      check(
        ['cta:membership', 'cta:roster'].every(
          (s) => metadata.scopes_supported?.includes(s) === true,
        ),
        'scopes_supported lacks cta:membership or cta:roster',
        expected,
        actual,
      )
      return { expected, actual }
    },
  },
  invalidRequest(
    'requires-pkce',
    'An authorization request without PKCE is refused with invalid_request',
    ['code_challenge', 'code_challenge_method'],
  ),
  invalidRequest(
    'requires-group',
    'A cta:membership request without cta_group is refused with invalid_request',
    ['cta_group'],
  ),
  {
    id: 'live.group-authority.sign-in-one-group',
    title: 'Sign-in discloses exactly the requested group in the ID token',
    requirements: ['AUTH-SIN-003'],
    profile: 'group-authority',
    level: 'MUST',
    actions: ['arm-sign-in'],
    async run(ctx) {
      const { groups } = await signIn(ctx, 0)
      const expected = { groups: [ctx.session?.group] }
      check(
        Array.isArray(groups) && groups.length === 1 && groups[0] === ctx.session?.group,
        'the ID token does not name exactly the group',
        expected,
        { groups },
      )
      return { expected, actual: { groups } }
    },
  },
  {
    id: 'live.group-authority.token-exchange',
    title: 'Token exchange issues a valid membership assertion for the suite',
    requirements: ['AUTH-TX-001', 'AUTH-ASN-001'],
    profile: 'group-authority',
    level: 'MUST',
    actions: ['arm-sign-in'],
    async run(ctx) {
      const { accessToken } = await signIn(ctx, 0)
      const result = await exchangeForAssertion(await discover(ctx), accessToken)
      const expected = { aud: ctx.peer.origin, groups: [ctx.session?.group], lifetime: '<= 300' }
      const actual = {
        aud: result.claims.aud,
        groups: result.claims.groups,
        lifetime: result.claims.exp - result.claims.iat,
      }
      return { expected, actual }
    },
  },
  refusal(
    'exchange-wrong-audience',
    'Token exchange for another audience is refused',
    ['AUTH-TX-001'],
    'invalid_target',
    (ctx, token) => ({
      subject_token: token,
      resource: ctx.session?.group ?? '',
      audience: ctx.stranger.origin,
    }),
  ),
  refusal(
    'exchange-unknown-token',
    'Token exchange of an unknown subject token is refused',
    ['AUTH-TX-001'],
    'invalid_grant',
    (ctx) => ({
      subject_token: 'not-a-token-this-authority-issued',
      resource: ctx.session?.group ?? '',
    }),
  ),
  refusal(
    'exchange-other-group',
    'Token exchange for a group the grant did not disclose is refused',
    ['AUTH-TX-002'],
    'invalid_target',
    (ctx, token) => ({
      subject_token: token,
      resource: `${ctx.session?.group ?? ''}-other`,
    }),
  ),
  {
    id: 'live.group-authority.exchange-after-removal',
    title: 'Token exchange for a member removed from the group is refused',
    requirements: ['AUTH-TX-002'],
    profile: 'group-authority',
    level: 'MUST',
    actions: ['arm-sign-in', 'remove-member'],
    async run(ctx) {
      const { accessToken } = await signIn(ctx, 1)
      const { session } = client(ctx)
      const member = session.members[1]
      if (ctx.control === undefined || member === undefined)
        throw new Untested('needs the control API and two members')
      await ctx.control.act(session, 'remove-member', { member: member.id })
      const answer = await exchange(ctx, { subject_token: accessToken, resource: session.group })
      const expected = { status: 400, error: 'invalid_grant' }
      check(
        answer.status === 400 && answer.error === 'invalid_grant' && !answer.issued,
        'an assertion was issued for a removed member',
        expected,
        answer,
      )
      return { expected, actual: answer }
    },
  },
]
