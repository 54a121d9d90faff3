/**
 * Group Authority: the suite is a relying tool of the tool under test. It discovers the authority
 * from the session's group, signs a member in (the control API arms the login), exchanges the
 * access token for a membership assertion, and sends requests the authority must refuse.
 */
import { exchangeForAssertion, startSignIn } from '@cta-interop/sdk'
import type { LiveCase, LiveContext } from '../case.js'
import { check, Untested } from '../case.js'
import { AUTHORITY_EVENT_CASES } from './authority-events.js'
import { AUTHORITY_ROSTER_CASES } from './authority-roster.js'
import {
  discover,
  exchange,
  expectOAuthError,
  mainSession,
  redirectUri,
  signIn,
  withSession,
} from './authority-session.js'

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
    return expectOAuthError(answer, error, `expected the OAuth error ${error}`)
  },
})

/** The claims of a JWT, as sent (the JSON of its payload). */
function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >
}

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
      const expected = { groups: [mainSession(ctx).group] }
      check(
        Array.isArray(groups) && groups.length === 1 && groups[0] === mainSession(ctx).group,
        'the ID token does not name exactly the group',
        expected,
        { groups },
      )
      return { expected, actual: { groups } }
    },
  },
  {
    id: 'live.group-authority.token-exchange',
    title: 'Token exchange issues a valid membership assertion for the suite, about one group',
    requirements: ['AUTH-TX-001', 'AUTH-ASN-001', 'DOC-ASN-001'],
    profile: 'group-authority',
    level: 'MUST',
    actions: ['arm-sign-in'],
    async run(ctx) {
      const { accessToken } = await signIn(ctx, 0)
      const result = await exchangeForAssertion(await discover(ctx), accessToken)
      const raw = claimsOf(result.assertion)
      const expected = {
        aud: ctx.peer.origin,
        groups: [mainSession(ctx).group],
        lifetime: '<= 300',
      }
      const actual = {
        aud: raw['aud'],
        groups: raw['groups'],
        lifetime: result.claims.exp - result.claims.iat,
      }
      // verifyGroupAssertion checked the claims; the raw JSON shows an `aud` or `groups` array too.
      check(
        raw['aud'] === ctx.peer.origin,
        '`aud` is not exactly the suite’s client_id, as one string',
        expected,
        actual,
      )
      check(
        Array.isArray(raw['groups']) &&
          raw['groups'].length === 1 &&
          raw['groups'][0] === mainSession(ctx).group,
        '`groups` does not name exactly the session’s group',
        expected,
        actual,
      )
      return { expected, actual }
    },
  },
  {
    id: 'live.group-authority.sub-fits-openid-connect',
    title:
      'The ID token and the assertion name the member by a sub of at most 255 ASCII characters (OpenID Connect Core §2), the member IRI in URI form',
    requirements: ['AUTH-SUB-001'],
    profile: 'group-authority',
    level: 'MUST',
    actions: ['arm-sign-in'],
    async run(ctx) {
      // signIn checked that the ID token's sub is the member's IRI the control API gave.
      const member = mainSession(ctx).members[0]?.id ?? ''
      const { accessToken } = await signIn(ctx, 0)
      const result = await exchangeForAssertion(await discover(ctx), accessToken)
      const assertionSub = claimsOf(result.assertion)['sub']
      const fits = (sub: unknown): boolean =>
        typeof sub === 'string' && sub.length >= 1 && sub.length <= 255 && /^[!-~]+$/.test(sub)
      const expected = { idToken: 'at most 255 ASCII characters', assertion: member }
      const actual = { idToken: member, idTokenLength: member.length, assertion: assertionSub }
      check(
        fits(member),
        'the ID token’s sub is not at most 255 ASCII characters',
        expected,
        actual,
      )
      check(
        assertionSub === member,
        'the assertion’s sub is not the member IRI the ID token names',
        expected,
        actual,
      )
      return { expected, actual }
    },
  },
  {
    id: 'live.group-authority.assertion-discloses-only-consented',
    title:
      'An assertion never carries the member’s name when the profile scope was not consented, and names only its group',
    requirements: ['AUTH-ASN-002'],
    profile: 'group-authority',
    level: 'MUST',
    actions: ['arm-sign-in'],
    async run(ctx) {
      // The suite signs in with `openid cta:membership` only: no `profile`, so no name.
      const { accessToken } = await signIn(ctx, 0)
      const result = await exchangeForAssertion(await discover(ctx), accessToken)
      const raw = claimsOf(result.assertion)
      const session = mainSession(ctx)
      const expected = { name: 'absent', groups: [session.group] }
      const actual = { name: raw['name'], groups: raw['groups'] }
      check(
        !('name' in raw),
        'the assertion carries the member’s name without the profile scope',
        expected,
        actual,
      )
      const text = JSON.stringify(raw)
      const groupsBase = session.group.slice(0, session.group.lastIndexOf('/') + 1)
      const others = [...text.matchAll(/"(https?:[^"]+)"/g)]
        .map((m) => m[1] ?? '')
        .filter((iri) => iri.startsWith(groupsBase) && !iri.startsWith(session.group))
      check(
        others.length === 0,
        'the assertion mentions another group of the authority',
        expected,
        { ...actual, others },
      )
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
  {
    id: 'live.group-authority.export-assertion-for-authority',
    title:
      'Token exchange with scope cta:export issues the signed-in member an assertion whose audience is the authority itself',
    requirements: ['EXP-AUTH-003'],
    profile: 'group-authority',
    level: 'MUST',
    actions: ['arm-sign-in'],
    async run(ctx) {
      const { accessToken } = await signIn(ctx, 0)
      const { issuer } = await discover(ctx)
      const answer = await exchange(ctx, {
        subject_token: accessToken,
        resource: ctx.session?.group ?? '',
        audience: issuer,
        scope: 'cta:export',
      })
      const raw = answer.accessToken === undefined ? {} : claimsOf(answer.accessToken)
      const expected = { status: 200, aud: issuer, scope: 'cta:export' }
      const actual = {
        status: answer.status,
        error: answer.error,
        aud: raw['aud'],
        scope: raw['scope'],
      }
      check(
        answer.issued,
        'no assertion was issued for the authority with cta:export',
        expected,
        actual,
      )
      check(raw['aud'] === issuer, '`aud` is not the authority’s issuer', expected, actual)
      check(
        typeof raw['scope'] === 'string' && raw['scope'].split(' ').includes('cta:export'),
        'the assertion does not carry the cta:export scope',
        expected,
        actual,
      )
      return { expected, actual }
    },
  },
  refusal(
    'export-assertion-for-uninstalled-tool',
    'Token exchange with scope cta:export for a tool not installed in the group is refused with invalid_target',
    ['EXP-AUTH-003'],
    'invalid_target',
    (ctx, token) => ({
      subject_token: token,
      resource: ctx.session?.group ?? '',
      audience: ctx.stranger.origin,
      scope: 'cta:export',
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
    id: 'live.group-authority.exchange-undisclosed-group',
    title:
      'Token exchange for another group of the authority, one the grant did not disclose, is refused with invalid_target',
    requirements: ['AUTH-TX-002'],
    profile: 'group-authority',
    level: 'MUST',
    actions: ['arm-sign-in'],
    async run(ctx) {
      return withSession(ctx, {}, async (other) => {
        // The run's group, through the client the latest session handed out: a member signs in
        // there; the suite's tool is installed in both groups.
        const here = { ...mainSession(ctx), client: other.client }
        const { accessToken } = await signIn(ctx, 0, here)
        const refused = await exchange(
          ctx,
          { subject_token: accessToken, resource: other.group },
          other,
        )
        // invalid_grant would tell the suite whether the member belongs to the other group.
        const result = expectOAuthError(
          refused,
          'invalid_target',
          'an exchange for a group the grant did not disclose was not refused with invalid_target',
        )
        const granted = await exchange(
          ctx,
          { subject_token: accessToken, resource: here.group },
          here,
        )
        check(
          granted.issued,
          'the same access token was not exchanged for the group it disclosed',
          { disclosedGroup: 'issued' },
          { status: granted.status, error: granted.error },
        )
        return result
      })
    },
  },
  {
    id: 'live.group-authority.exchange-not-installed',
    title: 'Token exchange for a group that stopped using the requesting tool is refused',
    requirements: ['AUTH-TX-002'],
    profile: 'group-authority',
    level: 'MUST',
    actions: ['arm-sign-in', 'disconnect-tool'],
    async run(ctx) {
      return withSession(ctx, { members: ['Ana'] }, async (session) => {
        const { accessToken } = await signIn(ctx, 0, session)
        const params = { subject_token: accessToken, resource: session.group }
        const before = await exchange(ctx, params, session)
        check(
          before.issued,
          'no assertion was issued while the tool was installed',
          { beforeDisconnect: 'issued' },
          { status: before.status, error: before.error },
        )
        if (ctx.control === undefined) throw new Untested('needs the control API')
        await ctx.control.act(session, 'disconnect-tool', {})
        return expectOAuthError(
          await exchange(ctx, params, session),
          'invalid_target',
          'an assertion was issued to a tool the group no longer uses',
        )
      })
    },
  },
  {
    id: 'live.group-authority.sign-in-not-installed',
    title: 'Sign-in from a tool the group has not installed is refused with access_denied',
    requirements: ['AUTH-SIN-003'],
    profile: 'group-authority',
    level: 'MUST',
    actions: ['arm-sign-in'],
    async run(ctx) {
      return withSession(ctx, { install: false, members: ['Ana'] }, async (session) => {
        const member = session.members[0]
        if (ctx.control === undefined || member === undefined) {
          throw new Untested('needs the control API and a member')
        }
        await ctx.control.act(session, 'arm-sign-in', { member: member.id })
        const { url } = await startSignIn(await discover(ctx, session), {
          redirectUri: redirectUri(ctx),
        })
        const visit = await ctx.newBrowser().visit(url, { stopAt: redirectUri(ctx) })
        const params = visit.stopped ? new URL(visit.url).searchParams : undefined
        const expected = { error: 'access_denied', code: 'absent' }
        const actual = {
          error: params?.get('error') ?? `no redirect (${visit.response?.status})`,
          code: params?.has('code') === true ? 'present' : 'absent',
        }
        check(
          actual.error === 'access_denied' && actual.code === 'absent',
          'the authority did not deny a sign-in from a tool the group has not installed',
          expected,
          actual,
        )
        return { expected, actual }
      })
    },
  },
  {
    id: 'live.group-authority.exchange-after-removal',
    title: 'Token exchange for a member removed from the group is refused',
    requirements: ['AUTH-TX-002'],
    profile: 'group-authority',
    level: 'MUST',
    actions: ['arm-sign-in', 'remove-member'],
    async run(ctx) {
      const { accessToken } = await signIn(ctx, 1)
      const session = mainSession(ctx)
      const member = session.members[1]
      if (ctx.control === undefined || member === undefined)
        throw new Untested('needs the control API and two members')
      await ctx.control.act(session, 'remove-member', { member: member.id })
      return expectOAuthError(
        await exchange(ctx, { subject_token: accessToken, resource: session.group }),
        'invalid_grant',
        'an assertion was issued for a removed member',
      )
    },
  },
  ...AUTHORITY_ROSTER_CASES,
  ...AUTHORITY_EVENT_CASES,
]
