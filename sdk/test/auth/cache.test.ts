import { describe, expect, it } from 'vitest'
import {
  createGroupRegistry,
  createMembershipCache,
  createMemoryMembershipStore,
  generateSigningKey,
  type Event,
  type Group,
  type MembershipAssertionClaims,
} from '../../src/index.js'

const AUTHORITY = 'https://decisions.example'
const TOOL = 'https://budgeting.example'
const START = Date.parse('2026-08-20T09:00:00Z')

const groupOf = (slug: string): Group => ({
  '@context': ['https://www.w3.org/ns/activitystreams', 'https://w3id.org/cta/v1'],
  id: `${AUTHORITY}/g/${slug}`,
  type: 'Group',
  name: slug,
  authority: AUTHORITY,
  joinPolicy: 'open',
  visibility: 'public',
  rosterVisibility: 'members',
  memberships: `${AUTHORITY}/g/${slug}/memberships`,
  tools: `${AUTHORITY}/g/${slug}/tools`,
})
const GROUP = groupOf('harbour-commons')
const OTHER = groupOf('night-market')
const AROHA = { id: `${AUTHORITY}/u/aroha`, type: 'Person' as const, name: 'Aroha' }
const MERE = { id: `${AUTHORITY}/u/mere`, type: 'Person' as const, name: 'Mere' }

/** An authority's registry, a tool's cache, and one clock for both. */
async function setup() {
  let now = START
  const store = createMemoryMembershipStore()
  await store.putGroup(GROUP)
  await store.putGroup(OTHER)
  const events: Event[] = []
  const registry = createGroupRegistry({
    store,
    source: AUTHORITY,
    key: await generateSigningKey({ origin: AUTHORITY }),
    emit: (_jws, event) => {
      events.push(event)
    },
    now: () => new Date(now),
  })
  const cache = createMembershipCache({ tool: TOOL, now: () => now })
  const claims = (
    group: Group,
    member = AROHA.id,
    iat = Math.floor(now / 1000),
  ): MembershipAssertionClaims => ({
    iss: AUTHORITY,
    sub: member,
    aud: TOOL,
    client_id: TOOL,
    cta_status: 'active',
    iat,
    exp: iat + 300,
    jti: `jti-${iat}-${member}`,
    cta_ver: '1',
    groups: [group.id],
    roles: ['member'],
    entitlements: ['read', 'participate'],
  })
  const member = { role: [`${GROUP.id}/roles/member`], coreRole: 'member' as const }
  await registry.join(GROUP.id, AROHA, member)
  await registry.join(GROUP.id, MERE, member)
  await registry.join(OTHER.id, AROHA, { ...member, role: [`${OTHER.id}/roles/member`] })
  await registry.connectTool({
    id: `${GROUP.id}/tools/b`,
    organization: GROUP.id,
    tool: TOOL,
    scopes: [],
  })
  const last = (): Event => events[events.length - 1] as Event
  return {
    registry,
    cache,
    claims,
    last,
    tick: (seconds: number) => {
      now += seconds * 1000
    },
  }
}

/** Asserts that `fn` throws the protocol error ERR_MEMBERSHIP_ENDED. */
function expectEnded(fn: () => unknown, message?: string): void {
  expect(fn, message).toThrow(expect.objectContaining({ code: 'ERR_MEMBERSHIP_ENDED' }))
}

describe('createMembershipCache', () => {
  it('[AUTH-END-001] accepts a member on a verified assertion and keeps them through events that do not end the membership', async () => {
    const { registry, cache, claims, last, tick } = await setup()
    cache.admit(claims(GROUP))
    tick(5)
    await registry.leave(GROUP.id, MERE.id)
    cache.onEvent(last())
    await registry.remove(OTHER.id, AROHA.id)
    cache.onEvent(last())
    await registry.update(GROUP.id, AROHA.id, { role: [`${GROUP.id}/roles/steward`] })
    cache.onEvent(last())
    expect(cache.check(AROHA.id, GROUP.id)).toMatchObject({ sub: AROHA.id, roles: ['member'] })
  })

  it('[AUTH-END-001] rejects the member once membership.left, .removed or an .updated to suspended arrives', async () => {
    for (const end of ['leave', 'remove', 'suspend'] as const) {
      const { registry, cache, claims, last, tick } = await setup()
      cache.admit(claims(GROUP))
      tick(10)
      if (end === 'leave') await registry.leave(GROUP.id, AROHA.id)
      else if (end === 'remove') await registry.remove(GROUP.id, AROHA.id)
      else await registry.update(GROUP.id, AROHA.id, { status: 'suspended' })
      cache.onEvent(last())
      expectEnded(() => cache.check(AROHA.id, GROUP.id), end)
    }
  })

  it('[AUTH-END-001] rejects an ending event from anyone but the group’s authority, and ignores it', async () => {
    const { registry, cache, claims, last } = await setup()
    cache.admit(claims(GROUP))
    await registry.remove(GROUP.id, AROHA.id)
    const forged = { ...last(), source: 'https://intruder.example' } as Event
    cache.onEvent(forged)
    expect(cache.check(AROHA.id, GROUP.id).sub).toBe(AROHA.id)
  })

  it('[AUTH-END-002] rejects an assertion issued before the announced removal, and accepts one issued after the member joined again', async () => {
    const { registry, cache, claims, last, tick } = await setup()
    const old = claims(GROUP)
    tick(30)
    await registry.remove(GROUP.id, AROHA.id)
    cache.onEvent(last())
    expectEnded(() => cache.admit(old))
    tick(30)
    await registry.join(GROUP.id, AROHA, { role: [`${GROUP.id}/roles/member`], coreRole: 'member' })
    cache.onEvent(last())
    tick(1)
    expect(cache.admit(claims(GROUP)).group).toBe(GROUP.id)
  })

  it('[AUTH-END-003] rejects every member of a group that disconnected this tool, and accepts them in other groups', async () => {
    const { registry, cache, claims, last } = await setup()
    cache.admit(claims(GROUP))
    cache.admit(claims(GROUP, MERE.id))
    cache.admit(claims(OTHER))
    await registry.disconnectTool(GROUP.id, TOOL)
    cache.onEvent(last())
    expectEnded(() => cache.check(AROHA.id, GROUP.id))
    expectEnded(() => cache.check(MERE.id, GROUP.id))
    expectEnded(() => cache.admit(claims(GROUP)))
    expect(cache.check(AROHA.id, OTHER.id).group).toBe(OTHER.id)
  })

  it('[AUTH-END-003] accepts the disconnection of another tool as no reason to end anything', async () => {
    const { registry, cache, claims, last } = await setup()
    await registry.connectTool({
      id: `${GROUP.id}/tools/c`,
      organization: GROUP.id,
      tool: 'https://calendar.example',
      scopes: [],
    })
    cache.admit(claims(GROUP))
    await registry.disconnectTool(GROUP.id, 'https://calendar.example')
    cache.onEvent(last())
    expect(cache.check(AROHA.id, GROUP.id).sub).toBe(AROHA.id)
  })

  it('drops an entry whose core role changed, so a fresh assertion brings the new entitlements', async () => {
    const { registry, cache, claims, last } = await setup()
    cache.admit(claims(GROUP))
    await registry.update(GROUP.id, AROHA.id, { coreRole: 'admin' })
    cache.onEvent(last())
    expectEnded(() => cache.check(AROHA.id, GROUP.id))
    expect(cache.admit({ ...claims(GROUP), roles: ['admin'] }).roles).toEqual(['admin'])
  })

  it('ends access when the assertion expires, or after ttl when one is set', async () => {
    const { cache, claims, tick } = await setup()
    cache.admit(claims(GROUP))
    tick(299)
    expect(cache.check(AROHA.id, GROUP.id).sub).toBe(AROHA.id)
    tick(1)
    expectEnded(() => cache.check(AROHA.id, GROUP.id))
    expectEnded(() => cache.check('https://decisions.example/u/nobody', GROUP.id))
    let now = START
    const long = createMembershipCache({ ttl: 3600, now: () => now })
    long.admit(claims(GROUP))
    now += 3599_000
    expect(long.check(AROHA.id, GROUP.id).sub).toBe(AROHA.id)
    expect(() => createMembershipCache({ ttl: 0 })).toThrow(TypeError)
  })
})
