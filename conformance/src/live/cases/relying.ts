/**
 * Group-Auth Relying Tool: the suite is the group's authority (a real oidc-provider with the SDK's
 * plugin). Members sign in to the tool through it; the suite hands out valid and mutated
 * assertions at its token endpoint, announces removals, and asks the tool who has access.
 */
import { createEvent, generateSigningKey, signEvent } from '@cta-interop/sdk'
import { CompactSign } from 'jose'
import type { LiveCase, LiveContext } from '../case.js'
import { check, Untested } from '../case.js'
import { RELYING_ENDING_CASES } from './relying-ending.js'
import { decode, now, resign, signInThroughTool } from './relying-sign-in.js'
import { signJwt } from './sign-jwt.js'
import { postToInbox } from './suite-events.js'

type Mutate = (
  ctx: LiveContext,
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
) => Promise<string>

/** A case offering the tool a mutated assertion: it must let the member in, or not. */
const offered =
  (access: boolean) =>
  (id: string, title: string, requirements: string[], mutate: Mutate): LiveCase => ({
    id: `live.group-auth-relying-tool.${id}`,
    title,
    requirements,
    profile: 'group-auth-relying-tool',
    level: 'MUST',
    actions: ['start-sign-in', 'access'],
    async run(ctx) {
      let length = 0
      const result = await signInThroughTool(ctx, {
        mutate: async (assertion) => {
          const { header, claims } = decode(assertion)
          const mutated = await mutate(ctx, header, claims)
          length = mutated.length
          return mutated
        },
      })
      const expected = { access }
      const actual = { access: result.access, assertionLength: length }
      check(
        result.access === access,
        access
          ? 'the tool refused the member on a good assertion'
          : 'the tool let the member in on a bad assertion',
        expected,
        actual,
      )
      return { expected, actual }
    },
  })
const refused = offered(false)
const accepted = offered(true)

/**
 * Re-signs the claims with an unknown claim of padding, so that the assertion is as long as
 * possible within `limit` characters (`over: false`), or as short as possible beyond it.
 */
async function padded(
  ctx: LiveContext,
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  over: boolean,
  limit = 8192,
): Promise<string> {
  // An EdDSA signature is 64 bytes: 86 base64url characters.
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url').length
  const with_ = (pad: number) => ({ ...claims, cta_conformance_padding: 'x'.repeat(pad) })
  const length = (pad: number) => b64(header) + 1 + b64(with_(pad)) + 1 + 86
  let pad = Math.max(0, Math.floor(((limit - length(0)) * 3) / 4) - 4)
  while (length(pad + 1) <= limit) pad++
  if (over) while (length(pad) <= limit) pad++
  const jwt = await resign(ctx, header, with_(pad))
  if (over ? jwt.length <= limit : jwt.length > limit || jwt.length < limit - 2) {
    throw new Error(`the padded assertion is ${jwt.length} characters long`)
  }
  return jwt
}

/**
 * Signs claims serialized as `json` (text that JSON.stringify would never write) with the
 * authority's own key.
 */
async function signRawClaims(
  ctx: LiveContext,
  header: Record<string, unknown>,
  json: string,
): Promise<string> {
  const key = ctx.authority?.providerKey
  if (key === undefined) throw new Untested('needs the suite as authority')
  return new CompactSign(new TextEncoder().encode(json))
    .setProtectedHeader(header as { alg: string })
    .sign(key.privateKey)
}

/** A sign-in whose ID token carries mutated claims: the tool must refuse it. */
const idTokenRefused = (
  id: string,
  title: string,
  mutate: (ctx: LiveContext, claims: Record<string, unknown>) => Record<string, unknown>,
): LiveCase => ({
  id: `live.group-auth-relying-tool.${id}`,
  title,
  requirements: ['AUTH-SIN-004'],
  profile: 'group-auth-relying-tool',
  level: 'MUST',
  actions: ['start-sign-in', 'access'],
  async run(ctx) {
    const result = await signInThroughTool(ctx, {
      mutateIdToken: async (idToken) => {
        const { header, claims } = decode(idToken)
        return resign(ctx, header, mutate(ctx, claims))
      },
    })
    const expected = { access: false }
    const actual = { access: result.access }
    check(
      !result.access,
      "the tool let the member in although the ID token's groups claim is not exactly its group",
      expected,
      actual,
    )
    return { expected, actual }
  },
})

/** The authority announces that a member was removed; returns the signed event. */
async function removalFrom(
  ctx: LiveContext,
  member: string,
  fromStranger: boolean,
): Promise<string> {
  const authority = ctx.authority
  if (authority === undefined) throw new Untested('needs the suite as authority')
  if (!fromStranger) {
    const before = authority.emitted.length
    await authority.authority.registry.remove(authority.group.id, member)
    const event = authority.emitted
      .slice(before)
      .find((e) => e.event.type === 'tech.collaborative.membership.removed')
    if (event === undefined) throw new Error('the suite authority emitted no removal')
    return event.jws
  }
  const joined = authority.emitted.find(
    (e) =>
      (e.event.data as { result?: { member?: { id?: string } } }).result?.member?.id === member,
  )
  const result = (joined?.event.data as { result?: Record<string, unknown> } | undefined)?.result
  if (result === undefined) throw new Error('the member never joined')
  const published = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')
  const stranger = ctx.stranger
  return signEvent(
    createEvent(
      'tech.collaborative.membership.removed',
      {
        id: `${stranger.origin}/activities/${Date.now()}`,
        type: 'Remove',
        actor: { id: stranger.origin, type: 'Application', name: 'Not the authority' },
        object: result['member'] as { id: string; type: 'Person' },
        target: authority.group.id,
        result: { ...result, membershipStatus: 'removed', endTime: published },
        summary: 'A removal announced by a tool that is not the authority',
        published,
        url: authority.group.id,
        audience: authority.group.id,
      } as never,
      { source: stranger.origin },
    ),
    stranger.key,
  )
}

/** Signs a member in, has the authority (or a stranger) announce their removal, asks for access. */
async function signInThenRemove(ctx: LiveContext, fromStranger: boolean) {
  const { member, access } = await signInThroughTool(ctx)
  check(
    access,
    'the member has no access after signing in',
    { accessBefore: true },
    { accessBefore: access },
  )
  if (ctx.control === undefined || ctx.session === undefined)
    throw new Untested('needs the control API')
  const answer = await postToInbox(ctx, await removalFrom(ctx, member, fromStranger))
  const after = (await ctx.control.act(ctx.session, 'access', { member }))['access']
  return { answer, after }
}

export const RELYING_CASES: readonly LiveCase[] = [
  {
    id: 'live.group-auth-relying-tool.sign-in',
    title: 'A member signs in with the authorization code flow, PKCE, state, nonce and cta_group',
    requirements: ['AUTH-SIN-001', 'AUTH-DSC-001'],
    profile: 'group-auth-relying-tool',
    level: 'MUST',
    actions: ['start-sign-in', 'access'],
    async run(ctx) {
      const result = await signInThroughTool(ctx)
      const p = result.authorizationRequest?.searchParams
      const actual = {
        access: result.access,
        response_type: p?.get('response_type'),
        code_challenge_method: p?.get('code_challenge_method'),
        state: p?.has('state') === true,
        nonce: p?.has('nonce') === true,
        scope: p?.get('scope'),
        cta_group: p?.get('cta_group'),
      }
      const expected = {
        access: true,
        response_type: 'code',
        code_challenge_method: 'S256',
        state: true,
        nonce: true,
        scope: 'openid cta:membership …',
        cta_group: ctx.authority?.group.id,
      }
      check(result.access, 'the member has no access after signing in', expected, actual)
      check(
        actual.response_type === 'code' &&
          actual.code_challenge_method === 'S256' &&
          actual.state &&
          actual.nonce,
        'the authorization request lacks code, S256 PKCE, state or nonce',
        expected,
        actual,
      )
      const scopes = (actual.scope ?? '').split(' ')
      check(
        scopes.includes('openid') &&
          scopes.includes('cta:membership') &&
          actual.cta_group === ctx.authority?.group.id,
        'the authorization request does not ask for openid cta:membership in the group',
        expected,
        actual,
      )
      return { expected, actual }
    },
  },
  {
    id: 'live.group-auth-relying-tool.state-tampered',
    title: 'A callback with a tampered state does not sign the member in',
    requirements: ['AUTH-SIN-001'],
    profile: 'group-auth-relying-tool',
    level: 'MUST',
    actions: ['start-sign-in', 'access'],
    async run(ctx) {
      const result = await signInThroughTool(ctx, {
        rewriteCallback: (url) => {
          const changed = new URL(url)
          changed.searchParams.set('state', `${url.searchParams.get('state') ?? ''}x`)
          return changed
        },
      })
      check(
        !result.access,
        'the tool signed the member in despite a tampered state',
        { access: false },
        { access: result.access },
      )
      return { expected: { access: false }, actual: { access: result.access } }
    },
  },
  refused(
    'assertion-typ-jwt',
    'An assertion with typ JWT is refused',
    ['AUTH-VER-001'],
    (ctx, h, c) => resign(ctx, { ...h, typ: 'JWT' }, c),
  ),
  refused(
    'assertion-header-jwk',
    'An assertion carrying a key in its header is refused',
    ['AUTH-VER-001'],
    (ctx, h, c) => resign(ctx, { ...h, jwk: ctx.authority?.providerKey.publicJwk }, c),
  ),
  refused(
    'assertion-alg-none',
    'An unsigned assertion (alg none) is refused',
    ['AUTH-VER-002'],
    (_ctx, h, c) => signJwt({ ...h, alg: 'none' }, c, undefined),
  ),
  refused(
    'assertion-other-key',
    'An assertion signed by a key the authority does not publish is refused',
    ['AUTH-VER-003'],
    async (_ctx, h, c) => signJwt(h, c, await generateSigningKey({ kid: String(h['kid']) })),
  ),
  refused(
    'assertion-unknown-kid',
    'An assertion whose kid names no key the authority publishes is refused',
    ['AUTH-VER-003'],
    (ctx, h, c) => resign(ctx, { ...h, kid: `${String(h['kid'])}-unknown` }, c),
  ),
  refused(
    'assertion-wrong-issuer',
    'An assertion from another issuer is refused',
    ['AUTH-VER-004'],
    (ctx, h, c) => resign(ctx, h, { ...c, iss: 'https://impostor.example' }),
  ),
  refused(
    'assertion-wrong-audience',
    'An assertion for another tool is refused',
    ['AUTH-VER-005'],
    (ctx, h, c) =>
      resign(ctx, h, { ...c, aud: ctx.stranger.origin, client_id: ctx.stranger.origin }),
  ),
  refused(
    'assertion-wrong-group',
    'An assertion about another group is refused',
    ['AUTH-VER-006'],
    (ctx, h, c) => resign(ctx, h, { ...c, groups: [`${ctx.authority?.group.id ?? ''}-other`] }),
  ),
  refused('assertion-expired', 'An expired assertion is refused', ['AUTH-VER-007'], (ctx, h, c) =>
    resign(ctx, h, { ...c, iat: now() - 400, nbf: now() - 400, exp: now() - 100 }),
  ),
  refused(
    'assertion-too-long',
    'An assertion living longer than 300 seconds is refused',
    ['AUTH-VER-007'],
    (ctx, h, c) => resign(ctx, h, { ...c, exp: (c['iat'] as number) + 3600 }),
  ),
  refused(
    'assertion-not-yet-valid',
    'An assertion valid only from ten minutes ahead is refused',
    ['AUTH-VER-007'],
    (ctx, h, c) => resign(ctx, h, { ...c, iat: now() + 600, nbf: now() + 600, exp: now() + 900 }),
  ),
  refused(
    'assertion-two-groups',
    'An assertion naming two groups is refused',
    ['AUTH-VER-009', 'DOC-ASN-001'],
    (ctx, h, c) =>
      resign(ctx, h, {
        ...c,
        groups: [ctx.authority?.group.id, `${ctx.authority?.group.id ?? ''}-other`],
      }),
  ),
  refused(
    'assertion-duplicate-claim',
    'An assertion whose claims name groups twice, another group first, is refused',
    ['AUTH-VER-009'],
    (ctx, h, c) =>
      signRawClaims(
        ctx,
        h,
        `{"groups":${JSON.stringify([`${ctx.authority?.group.id ?? ''}-other`])},${JSON.stringify(c).slice(1)}`,
      ),
  ),
  refused(
    'assertion-proto-claim',
    'An assertion whose claims carry a __proto__ member is refused',
    ['AUTH-VER-009'],
    (ctx, h, c) =>
      signRawClaims(ctx, h, `{"__proto__":{"cta_status":"active"},${JSON.stringify(c).slice(1)}`),
  ),
  refused(
    'assertion-exp-at-iat',
    'An assertion whose exp is not after its iat is refused',
    ['AUTH-VER-007'],
    (ctx, h, c) => resign(ctx, h, { ...c, exp: c['iat'] }),
  ),
  refused(
    'assertion-two-audiences',
    'An assertion naming two audiences, the tool among them, is refused',
    ['DOC-ASN-001'],
    (ctx, h, c) => resign(ctx, h, { ...c, aud: [c['aud'], ctx.stranger.origin] }),
  ),
  refused(
    'assertion-suspended',
    'An assertion whose cta_status is suspended is refused',
    ['AUTH-VER-010'],
    (ctx, h, c) => resign(ctx, h, { ...c, cta_status: 'suspended' }),
  ),
  accepted(
    'assertion-unknown-claims',
    'The tool accepts an assertion carrying extra claims of unknown meaning',
    ['DOC-ASN-002'],
    (ctx, h, c) =>
      resign(ctx, h, {
        ...c,
        cta_conformance_unknown: { nested: ['a value', 1, true] },
        'https://conformance.example/claim': 'an unregistered claim',
      }),
  ),
  accepted(
    'assertion-8-kib',
    'The tool accepts an assertion of 8,192 characters',
    ['AUTH-VER-011'],
    (ctx, h, c) => padded(ctx, h, c, false),
  ),
  refused(
    'assertion-over-8-kib',
    'An assertion longer than 8,192 characters is refused',
    ['AUTH-VER-011'],
    (ctx, h, c) => padded(ctx, h, c, true),
  ),
  idTokenRefused(
    'id-token-other-group',
    "A sign-in is refused when the ID token's groups claim is about another group",
    (ctx, c) => ({ ...c, groups: [`${ctx.authority?.group.id ?? ''}-other`] }),
  ),
  idTokenRefused(
    'id-token-two-groups',
    "A sign-in is refused when the ID token's groups claim lists another group besides this one",
    (ctx, c) => ({
      ...c,
      groups: [ctx.authority?.group.id, `${ctx.authority?.group.id ?? ''}-other`],
    }),
  ),
  idTokenRefused(
    'id-token-without-groups',
    'A sign-in is refused when the ID token has no groups claim',
    (_ctx, c) => {
      const { groups: _groups, ...rest } = c
      return rest
    },
  ),
  {
    id: 'live.group-auth-relying-tool.removal-ends-access',
    title: "The authority's removal event ends a signed-in member's access at once",
    requirements: ['AUTH-END-001'],
    profile: 'group-auth-relying-tool',
    level: 'MUST',
    actions: ['start-sign-in', 'access'],
    async run(ctx) {
      const { answer, after } = await signInThenRemove(ctx, false)
      const actual = { delivered: answer.status, accessAfter: after }
      const expected = { delivered: '2xx', accessAfter: false }
      check(
        answer.status >= 200 && answer.status < 300,
        `the inbox refused the authority's removal (${answer.status})`,
        expected,
        actual,
      )
      check(after === false, 'the removed member still has access', expected, actual)
      return { expected, actual }
    },
  },
  {
    id: 'live.group-auth-relying-tool.removal-from-other-source',
    title: 'A removal announced by a tool other than the authority is ignored',
    requirements: ['AUTH-END-001'],
    profile: 'group-auth-relying-tool',
    level: 'MUST',
    actions: ['start-sign-in', 'access'],
    async run(ctx) {
      const { answer, after } = await signInThenRemove(ctx, true)
      const actual = { answered: answer.status, accessAfter: after }
      const expected = { accessAfter: true }
      check(
        after === true,
        "the tool ended access on a removal from a tool that is not the group's authority",
        expected,
        actual,
      )
      return { expected, actual }
    },
  },
  ...RELYING_ENDING_CASES,
]
