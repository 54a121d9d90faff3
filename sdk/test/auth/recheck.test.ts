// A relying tool re-checks each membership with the authority on the period the authority states
// (AUTH-END-004..006). The "authority" here is the SDK's own: a membership store and registry, and
// a token exchange that asks findAssertionSubject, issues with issueGroupAssertion and is verified
// with verifyGroupAssertion, as the oidc-provider plugin and exchangeForAssertion do.
import { describe, expect, it } from 'vitest'
import {
  DEFAULT_RECHECK_PERIOD,
  ProtocolError,
  assertValid,
  createGroupRegistry,
  createMembershipRecheck,
  createMemoryMembershipStore,
  findAssertionSubject,
  generateSigningKey,
  issueGroupAssertion,
  staticKeyResolver,
  toJwks,
  verifyGroupAssertion,
  type Group,
  type MembershipAssertionClaims,
  type Reestablished,
} from '../../src/index.js'
import { codeOf } from '../helpers/code-of.js'

const AUTHORITY = 'https://decisions.example'
const TOOL = 'https://budgeting.example'
const START = Date.parse('2026-08-20T09:00:00Z')
const GROUP: Group = {
  '@context': ['https://www.w3.org/ns/activitystreams', 'https://w3id.org/cta/v1'],
  id: `${AUTHORITY}/g/harbour-commons`,
  type: 'Group',
  name: 'Harbour Commons',
  authority: AUTHORITY,
  joinPolicy: 'open',
  visibility: 'public',
  rosterVisibility: 'members',
  memberships: `${AUTHORITY}/g/harbour-commons/memberships`,
  tools: `${AUTHORITY}/g/harbour-commons/tools`,
}
const AROHA = { id: `${AUTHORITY}/u/aroha`, type: 'Person' as const, name: 'Aroha' }
const key = await generateSigningKey({ kid: 'decisions-2026' })
const resolveKey = staticKeyResolver([{ source: AUTHORITY, jwks: toJwks([key]) }])

/** What the authority's token endpoint does when the authority cannot be reached. */
class Unreachable extends Error {}

/**
 * An authority (store, registry, token exchange) and a relying tool's re-check, on one clock. The
 * registry announces every change as an event that the tool is never given: removals never arrive.
 */
async function setup(recheck?: number) {
  let now = START
  const store = createMemoryMembershipStore()
  await store.putGroup(GROUP)
  const registry = createGroupRegistry({
    store,
    source: AUTHORITY,
    key: await generateSigningKey({ origin: AUTHORITY }),
    emit: () => undefined,
    now: () => new Date(now),
  })
  await registry.join(GROUP.id, AROHA, { role: [`${GROUP.id}/roles/member`], coreRole: 'member' })
  let down: 'no' | 'unreachable' | 503 | 429 = 'no'
  let exchanges = 0
  /** RFC 8693 token exchange at the authority, verified by the tool. */
  const exchange = async (sub: string, group: string): Promise<MembershipAssertionClaims> => {
    exchanges++
    if (down === 'unreachable') throw new Unreachable('connect ECONNREFUSED')
    if (down === 503) {
      // What openid-client throws for a 5xx: a client error that keeps the response as its cause.
      throw new ProtocolError('ERR_EXCHANGE_REFUSED', 'token exchange refused', {
        cause: {
          code: 'OAUTH_RESPONSE_IS_NOT_CONFORM',
          cause: new Response('{}', { status: 503 }),
        },
      })
    }
    if (down === 429) {
      throw new ProtocolError('ERR_EXCHANGE_REFUSED', 'token exchange refused', {
        cause: { status: 429, error: 'slow_down' },
      })
    }
    const subject = await findAssertionSubject(store, group, sub)
    if (subject === undefined) {
      throw new ProtocolError('ERR_EXCHANGE_REFUSED', 'token exchange refused: invalid_grant', {
        cause: { status: 400, error: 'invalid_grant' },
      })
    }
    const jwt = await issueGroupAssertion(subject, key, {
      issuer: AUTHORITY,
      audience: TOOL,
      currentDate: new Date(now),
      ...(recheck === undefined ? {} : { recheck }),
    })
    const { claims } = await verifyGroupAssertion(jwt, {
      group,
      audience: TOOL,
      authority: AUTHORITY,
      resolveKey,
      currentDate: new Date(now),
    })
    return claims
  }
  let reestablish: (sub: string, group: string) => Promise<Reestablished> = exchange
  const tool = createMembershipRecheck({
    reestablish: (sub, group) => reestablish(sub, group),
    now: () => now,
  })
  return {
    registry,
    tool,
    exchange,
    signIn: async () => tool.established(await exchange(AROHA.id, GROUP.id), now),
    access: () => tool.ensure(AROHA.id, GROUP.id),
    tick: (seconds: number) => {
      now += seconds * 1000
    },
    authority: (state: typeof down) => {
      down = state
    },
    viaRoster: (answer: () => Reestablished) => {
      reestablish = () => {
        exchanges++
        if (down !== 'no') return Promise.reject(new Unreachable('connect ECONNREFUSED'))
        return Promise.resolve().then(answer)
      }
    },
    exchanges: () => exchanges,
  }
}

const refusedWith = (promise: Promise<unknown>): Promise<string> => codeOf(promise)

describe('createMembershipRecheck', () => {
  it('[AUTH-END-004] [AUTH-END-005] accepts and keeps a member whose membership is re-established in time, for hours, asking the authority only once half the period has passed', async () => {
    const t = await setup(60)
    expect((await t.signIn()).period).toBe(60)
    t.tick(29)
    await t.access()
    expect(t.exchanges()).toBe(1)
    for (let i = 0; i < 240; i++) {
      t.tick(31)
      const held = await t.access()
      expect(held.sub).toBe(AROHA.id)
    }
    expect(t.exchanges()).toBe(241)
  })

  it('[AUTH-END-004] rejects a member the authority could not confirm for the whole period with ERR_MEMBERSHIP_UNCONFIRMED, and keeps them until then (AUTH-END-005)', async () => {
    const t = await setup(60)
    await t.signIn()
    t.authority('unreachable')
    t.tick(31)
    await t.access()
    t.tick(28.999)
    await t.access()
    t.tick(0.001)
    expect(await refusedWith(t.access())).toBe('ERR_MEMBERSHIP_UNCONFIRMED')
    // Once ended, the member signs in again: the authority back does not bring the session back.
    t.authority('no')
    expect(await refusedWith(t.access())).toBe('ERR_MEMBERSHIP_ENDED')
  })

  it('[AUTH-END-004] [AUTH-END-005] keeps a member through a 503 and a 429 of the authority shorter than half the period, and rejects them at the bound when it lasts', async () => {
    const t = await setup(60)
    await t.signIn()
    t.authority(503)
    t.tick(40)
    await t.access()
    t.authority(429)
    t.tick(5)
    await t.access()
    t.authority('no')
    t.tick(1)
    await t.access()
    t.authority(503)
    t.tick(59)
    await t.access()
    t.tick(1)
    expect(await refusedWith(t.access())).toBe('ERR_MEMBERSHIP_UNCONFIRMED')
  })

  it('[AUTH-END-004] [AUTH-END-006] rejects a removed member whose removal event never arrives within the period: at the first re-check', async () => {
    const t = await setup(120)
    await t.signIn()
    t.tick(10)
    await t.registry.remove(GROUP.id, AROHA.id)
    // The event was emitted and never delivered: the tool still lets the member act on its word…
    await t.access()
    // …until half the period has passed, when the authority refuses the exchange.
    t.tick(50)
    expect(await refusedWith(t.access())).toBe('ERR_MEMBERSHIP_ENDED')
    t.tick(1)
    expect(await refusedWith(t.access())).toBe('ERR_MEMBERSHIP_ENDED')
  })

  it('[AUTH-END-004] rejects a removed member within the default period when the assertion states none', async () => {
    const t = await setup()
    expect((await t.signIn()).period).toBe(DEFAULT_RECHECK_PERIOD)
    await t.registry.remove(GROUP.id, AROHA.id)
    t.tick(DEFAULT_RECHECK_PERIOD / 2 - 1)
    await t.access()
    t.tick(1)
    expect(await refusedWith(t.access())).toBe('ERR_MEMBERSHIP_ENDED')
  })

  it('[AUTH-END-006] rejects a member at once, long before the bound, when a roster read lists the membership as ended', async () => {
    const t = await setup(3600)
    await t.signIn()
    t.tick(1800)
    t.viaRoster(() => 'ended')
    expect(await refusedWith(t.access())).toBe('ERR_MEMBERSHIP_ENDED')
  })

  it('[AUTH-END-006] accepts and keeps a member when re-establishing fails with ERR_FETCH_FAILED, which is no refusal', async () => {
    const t = await setup(60)
    await t.signIn()
    t.tick(31)
    t.viaRoster(() => {
      throw new ProtocolError('ERR_FETCH_FAILED', 'the authority keys could not be fetched')
    })
    expect((await t.access()).sub).toBe(AROHA.id)
  })

  it('[AUTH-END-004] accepts a completed roster read that lists the membership as active as re-establishing it, keeping the period', async () => {
    const t = await setup(60)
    await t.signIn()
    t.viaRoster(() => 'active')
    t.tick(40)
    expect((await t.access()).period).toBe(60)
    t.authority('unreachable')
    t.tick(59)
    await t.access()
    t.tick(1)
    expect(await refusedWith(t.access())).toBe('ERR_MEMBERSHIP_UNCONFIRMED')
  })

  it('rejects a member never established, and one forgotten after an ending event', async () => {
    const t = await setup(60)
    expect(await refusedWith(t.access())).toBe('ERR_MEMBERSHIP_ENDED')
    await t.signIn()
    t.tool.forget(AROHA.id, GROUP.id)
    expect(await refusedWith(t.access())).toBe('ERR_MEMBERSHIP_ENDED')
  })

  it('asks the authority once for concurrent requests of the same member', async () => {
    const t = await setup(60)
    await t.signIn()
    t.tick(31)
    await Promise.all([t.access(), t.access(), t.access()])
    expect(t.exchanges()).toBe(2)
  })

  it('rejects an assertion about another member or group as a refusal', async () => {
    const t = await setup(60)
    await t.signIn()
    const other = await t.exchange(AROHA.id, GROUP.id)
    const mere: MembershipAssertionClaims = { ...other }
    mere.sub = `${AUTHORITY}/u/mere`
    t.viaRoster(() => mere)
    t.tick(31)
    expect(await refusedWith(t.access())).toBe('ERR_MEMBERSHIP_ENDED')
  })

  it('counts from the assertion’s iat when it is earlier than when the tool received it', async () => {
    const t = await setup(60)
    const claims = await t.exchange(AROHA.id, GROUP.id)
    const held = t.tool.established(claims, START + 20_000)
    expect(held.at).toBe(START)
  })
})

describe('cta_recheck', () => {
  it('[AUTH-VER-009] accepts a period from 1 to 3600 seconds in the claims, and rejects 0, 3601 and a fraction', async () => {
    const t = await setup(3600)
    const claims = await t.exchange(AROHA.id, GROUP.id)
    expect(claims.cta_recheck).toBe(3600)
    for (const bad of [0, 3601, 1.5]) {
      const check = () =>
        Promise.resolve().then(() =>
          assertValid({ ...claims, cta_recheck: bad }, { kind: 'MembershipAssertionClaims' }),
        )
      expect(await codeOf(check())).toBe('ERR_SCHEMA_INVALID')
    }
  })

  it('refuses to issue or record a period outside 1 to 3600 seconds (a caller bug)', async () => {
    const t = await setup(60)
    const subject = { sub: AROHA.id, group: GROUP.id, roles: ['member' as const], entitlements: [] }
    for (const recheck of [0, 3601, 2.5]) {
      await expect(
        issueGroupAssertion(subject, key, { issuer: AUTHORITY, audience: TOOL, recheck }),
      ).rejects.toThrow(TypeError)
    }
    const claims = await t.exchange(AROHA.id, GROUP.id)
    expect(() => t.tool.established({ ...claims, cta_recheck: 7200 })).toThrow(TypeError)
    expect(() => createMembershipRecheck({} as never)).toThrow(TypeError)
  })
})
