// MEM-EVT-003 and DOC-SEQ-001: membership events apply in the order of the group's change
// numbers, not in the order they arrive, and the numbers compare correctly as 20-digit strings.
import { describe, expect, it } from 'vitest'
import {
  createGroupRegistry,
  createMembershipCache,
  createMemoryMembershipStore,
  generateSigningKey,
  validateDocument,
  type Event,
  type Group,
  type MembershipAssertionClaims,
} from '../../src/index.js'

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
const MEMBER = { role: [`${GROUP.id}/roles/member`], coreRole: 'member' as const }
const HOUR = 3_600_000

async function setup() {
  let now = START
  const store = createMemoryMembershipStore()
  await store.putGroup(GROUP)
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
  const claims = (iat = Math.floor(now / 1000)): MembershipAssertionClaims => ({
    iss: AUTHORITY,
    sub: AROHA.id,
    aud: TOOL,
    client_id: TOOL,
    iat,
    exp: iat + 300,
    jti: `jti-${iat}`,
    cta_ver: '1',
    cta_status: 'active',
    groups: [GROUP.id],
    roles: ['member'],
    entitlements: ['read', 'participate'],
  })
  return {
    registry,
    cache,
    claims,
    last: (): Event => events[events.length - 1] as Event,
    tick: (seconds: number) => {
      now += seconds * 1000
    },
  }
}

/** Aroha joins, leaves and joins again; returns the three events, the tool having seen none. */
async function leftAndBack(s: Awaited<ReturnType<typeof setup>>) {
  await s.registry.join(GROUP.id, AROHA, MEMBER)
  const joined = s.last()
  s.tick(5)
  await s.registry.leave(GROUP.id, AROHA.id)
  const left = s.last()
  s.tick(5)
  await s.registry.join(GROUP.id, AROHA, MEMBER)
  return { joined, left, rejoined: s.last() }
}

describe('membership events in the order of the change numbers', () => {
  it('[DOC-SEQ-001] an authority issues a group’s change numbers in 20 digits, so that string order is number order', async () => {
    const s = await setup()
    for (let i = 0; i < 10; i++) {
      await s.registry.join(GROUP.id, { ...AROHA, id: `${AROHA.id}-${i}` }, MEMBER)
    }
    await s.registry.join(GROUP.id, AROHA, MEMBER)
    const ninth = '00000000000000000009'
    expect(s.last().sequence).toBe('00000000000000000011')
    expect((s.last().sequence as string) > ninth).toBe(true)
  })

  it('[MEM-EVT-003] rejects a late membership.left after the member’s joining again was applied: access stays', async () => {
    const s = await setup()
    const { left, rejoined } = await leftAndBack(s)
    expect(s.cache.onEvent(rejoined)).toBe(true)
    s.tick(1)
    s.cache.admit(s.claims())
    expect(s.cache.onEvent(left)).toBe(false)
    expect(s.cache.check(AROHA.id, GROUP.id).sub).toBe(AROHA.id)
  })

  it('[MEM-EVT-003] accepts a membership.left newer than what it applied, and rejects a redelivered one', async () => {
    const s = await setup()
    await s.registry.join(GROUP.id, AROHA, MEMBER)
    expect(s.cache.onEvent(s.last())).toBe(true)
    s.cache.admit(s.claims())
    s.tick(5)
    await s.registry.leave(GROUP.id, AROHA.id)
    const left = s.last()
    expect(s.cache.onEvent(left)).toBe(true)
    expect(() => s.cache.check(AROHA.id, GROUP.id)).toThrow(
      expect.objectContaining({ code: 'ERR_MEMBERSHIP_ENDED' }),
    )
    expect(s.cache.onEvent(left)).toBe(false)
  })

  it('[MEM-EVT-003] acts on the tenth change after the ninth: "…10" sorts after "…9"', async () => {
    const s = await setup()
    await s.registry.join(GROUP.id, AROHA, MEMBER)
    const ninth = { ...s.last(), sequence: '00000000000000000009' } as Event
    const tenth = { ...s.last(), sequence: '00000000000000000010' } as Event
    expect(s.cache.onEvent(ninth)).toBe(true)
    expect(s.cache.onEvent(tenth)).toBe(true)
    expect(s.cache.onEvent(ninth)).toBe(false)
  })

  it('[MEM-EVT-003] forgets the order once an older event could no longer be accepted', async () => {
    const s = await setup()
    const { left, rejoined } = await leftAndBack(s)
    s.cache.onEvent(rejoined)
    s.tick((72 * HOUR + 61_000) / 1000)
    // By now the late left is refused as stale before it reaches the cache (EVT-AGE-001).
    expect(s.cache.onEvent(left)).toBe(true)
  })

  it('[DOC-SEQ-001] refuses a membership event whose sequence is not 20 digits', async () => {
    const s = await setup()
    await s.registry.join(GROUP.id, AROHA, MEMBER)
    for (const sequence of ['9', '010', '0000000000000000000a', '000000000000000000010']) {
      const event = { ...s.last(), sequence } as Event
      expect(() => s.cache.onEvent(event), sequence).toThrow(
        expect.objectContaining({ code: 'ERR_SCHEMA_INVALID' }),
      )
      expect(validateDocument(event).valid, sequence).toBe(false)
    }
    expect(validateDocument(s.last()).valid).toBe(true)
  })
})
