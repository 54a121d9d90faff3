// A relying tool and an authority that is down, slow or refusing: the authority's key resolver
// keeps the bounds of an event receiver's key cache (AUTH-VER-003 with EVT-KEY-006..008), and a
// token exchange tells "no answer now" (ERR_FETCH_FAILED) from "the authority said no"
// (ERR_EXCHANGE_REFUSED), so that the membership re-check ends access only on a refusal
// (AUTH-END-005, AUTH-END-006). The authority is a real HTTP server on the loopback interface.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { authorityKeys } from '../../src/auth/internal/authority-keys.js'
import {
  TOKEN_EXCHANGE_GRANT_TYPE,
  createMembershipRecheck,
  discoverAuthority,
  exchangeForAssertion,
  generateSigningKey,
  toJwks,
  type DiscoveredAuthority,
  type Group,
  type MembershipAssertionClaims,
  type PublicJwk,
} from '../../src/index.js'
import { codeOf } from '../helpers/code-of.js'

const TOOL = 'https://budgeting.example'
const loopback = { allowHttp: true, allowPrivateNetwork: true } as const

type TokenMode = 'refuse' | 'unauthorized' | '503-oauth' | '503-empty' | '429' | 'reset'
type KeysMode = 'ok' | 'down'

let issuer = ''
let tokenMode: TokenMode = 'refuse'
let keysMode: KeysMode = 'ok'
let cacheControl: string | undefined
let jwksFetches = 0
let published: PublicJwk[] = []
const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  const json = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers })
    res.end(JSON.stringify(body))
  }
  if (req.url === '/.well-known/openid-configuration') {
    json(200, {
      issuer,
      authorization_endpoint: `${issuer}/auth`,
      token_endpoint: `${issuer}/token`,
      jwks_uri: `${issuer}/jwks`,
      grant_types_supported: [TOKEN_EXCHANGE_GRANT_TYPE],
    })
  } else if (req.url === '/jwks') {
    jwksFetches++
    if (keysMode === 'down') json(500, {})
    else
      json(
        200,
        { keys: published },
        cacheControl === undefined ? {} : { 'cache-control': cacheControl },
      )
  } else if (req.url === '/token') {
    req.resume()
    if (tokenMode === 'reset') req.socket.destroy()
    else if (tokenMode === 'refuse') json(400, { error: 'invalid_grant' })
    else if (tokenMode === 'unauthorized') json(401, { error: 'invalid_client' })
    else if (tokenMode === '503-oauth') json(503, { error: 'temporarily_unavailable' })
    else if (tokenMode === '429') json(429, { error: 'slow_down' }, { 'retry-after': '5' })
    else {
      res.writeHead(503)
      res.end()
    }
  } else json(404, {})
})

let group: Group
let authority: DiscoveredAuthority

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  group = {
    '@context': ['https://www.w3.org/ns/activitystreams', 'https://w3id.org/cta/v1'],
    id: `${issuer}/g/harbour-commons`,
    type: 'Group',
    name: 'Harbour Commons',
    authority: issuer,
    joinPolicy: 'open',
    visibility: 'public',
    rosterVisibility: 'members',
    memberships: `${issuer}/g/harbour-commons/memberships`,
    tools: `${issuer}/g/harbour-commons/tools`,
  }
  authority = await discoverAuthority(group, {
    clientId: TOOL,
    clientSecret: 'secret',
    ...loopback,
  })
})
afterAll(async () => {
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve()
    })
  })
})

describe("the authority's keys, with the bounds of an event receiver's key cache", () => {
  const setup = async () => {
    const key = await generateSigningKey({ origin: issuer })
    published = [...toJwks([key]).keys] as PublicJwk[]
    keysMode = 'ok'
    cacheControl = undefined
    jwksFetches = 0
    let now = Date.parse('2026-08-20T09:00:00Z')
    const resolver = authorityKeys(`${issuer}/jwks`, issuer, { ...loopback, now: () => now })
    const resolve = async (kid: string) => resolver(kid)
    return {
      kid: key.kid,
      resolve,
      advance: (seconds: number) => {
        now += seconds * 1000
      },
    }
  }

  it('[AUTH-VER-003] [EVT-KEY-008] answers a kid missing from a set fetched before it was asked for with ERR_FETCH_FAILED and a retryAfter, and as unresolved only after a new fetch lacks it', async () => {
    const t = await setup()
    await expect(t.resolve(t.kid)).resolves.toMatchObject({ source: issuer })
    // A bogus kid right after the fetch: "retry", not a refusal, and no request.
    const bogus = t.resolve(`${issuer}#bogus`)
    await expect(codeOf(bogus)).resolves.toBe('ERR_FETCH_FAILED')
    await expect(bogus).rejects.toMatchObject({ retryAfter: 10 })
    expect(jwksFetches).toBe(1)
    // The real key still resolves from the copy.
    await expect(t.resolve(t.kid)).resolves.toMatchObject({ source: issuer })
    t.advance(10)
    await expect(t.resolve(`${issuer}#bogus`)).resolves.toBeUndefined()
    expect(jwksFetches).toBe(2)
  })

  it('[AUTH-VER-003] [EVT-KEY-006] [EVT-KEY-008] answers an authority whose JWKS is down with ERR_FETCH_FAILED, and asks it again only after 10 s', async () => {
    const t = await setup()
    keysMode = 'down'
    await expect(codeOf(t.resolve(t.kid))).resolves.toBe('ERR_FETCH_FAILED')
    await expect(codeOf(t.resolve(t.kid))).resolves.toBe('ERR_FETCH_FAILED')
    t.advance(9)
    await expect(codeOf(t.resolve(t.kid))).resolves.toBe('ERR_FETCH_FAILED')
    expect(jwksFetches).toBe(1)
    keysMode = 'ok'
    t.advance(1)
    await expect(codeOf(t.resolve(t.kid))).resolves.toBe('accepted')
    expect(jwksFetches).toBe(2)
  })

  it('[AUTH-VER-003] [EVT-KEY-007] uses the set no longer than its max-age (at least 10 s), and 300 s without one', async () => {
    const t = await setup()
    cacheControl = 'max-age=2'
    await t.resolve(t.kid)
    t.advance(9)
    await t.resolve(t.kid)
    expect(jwksFetches).toBe(1)
    t.advance(1)
    await t.resolve(t.kid)
    expect(jwksFetches).toBe(2)
    cacheControl = undefined
    t.advance(10)
    await t.resolve(t.kid)
    expect(jwksFetches).toBe(3)
    t.advance(299)
    await t.resolve(t.kid)
    expect(jwksFetches).toBe(3)
    t.advance(1)
    await t.resolve(t.kid)
    expect(jwksFetches).toBe(4)
  })

  it('[AUTH-VER-003] refuses a keys lifetime outside 10 to 3,600 seconds', () => {
    expect(() => authorityKeys(`${issuer}/jwks`, issuer, { ...loopback, ttl: 5 })).toThrow(
      TypeError,
    )
    expect(() => authorityKeys(`${issuer}/jwks`, issuer, { ...loopback, ttl: 3601 })).toThrow(
      TypeError,
    )
    expect(() =>
      authorityKeys(`${issuer}/jwks`, issuer, { ...loopback, refetchInterval: 1 }),
    ).toThrow(TypeError)
  })
})

describe('a token exchange at an authority that cannot answer now', () => {
  it('[AUTH-END-006] reports an OAuth error answer (400, 401) as ERR_EXCHANGE_REFUSED', async () => {
    tokenMode = 'refuse'
    await expect(codeOf(exchangeForAssertion(authority, 'token'))).resolves.toBe(
      'ERR_EXCHANGE_REFUSED',
    )
    tokenMode = 'unauthorized'
    await expect(codeOf(exchangeForAssertion(authority, 'token'))).resolves.toBe(
      'ERR_EXCHANGE_REFUSED',
    )
  })

  it('[AUTH-END-005] reports a 503 (with or without an OAuth error), a 429 and a reset connection as ERR_FETCH_FAILED, never as a refusal', async () => {
    for (const mode of ['503-oauth', '503-empty', '429', 'reset'] as const) {
      tokenMode = mode
      await expect(codeOf(exchangeForAssertion(authority, 'token')), mode).resolves.toBe(
        'ERR_FETCH_FAILED',
      )
    }
  })

  it('[AUTH-END-005] [AUTH-END-006] keeps a member through an outage of the real exchange until the bound, and ends access at once on its refusal', async () => {
    let now = Date.parse('2026-08-20T09:00:00Z')
    const recheck = createMembershipRecheck({
      now: () => now,
      reestablish: async () => (await exchangeForAssertion(authority, 'token')).claims,
    })
    const claims: MembershipAssertionClaims = {
      iss: issuer,
      sub: `${issuer}/u/aroha`,
      aud: TOOL,
      client_id: TOOL,
      cta_status: 'active',
      iat: Math.floor(now / 1000),
      exp: Math.floor(now / 1000) + 300,
      jti: 'a',
      groups: [group.id],
      roles: { [group.id]: ['member'] },
      cta_recheck: 600,
    } as unknown as MembershipAssertionClaims
    recheck.established(claims, now)
    now += 400_000
    for (const mode of ['503-empty', '429', 'reset'] as const) {
      tokenMode = mode
      await expect(codeOf(recheck.ensure(claims.sub, group.id)), mode).resolves.toBe('accepted')
    }
    tokenMode = 'refuse'
    await expect(codeOf(recheck.ensure(claims.sub, group.id))).resolves.toBe('ERR_MEMBERSHIP_ENDED')

    recheck.established(claims, Date.parse('2026-08-20T09:00:00Z'))
    tokenMode = '503-oauth'
    now = Date.parse('2026-08-20T09:10:00Z')
    await expect(codeOf(recheck.ensure(claims.sub, group.id))).resolves.toBe(
      'ERR_MEMBERSHIP_UNCONFIRMED',
    )
  })
})
