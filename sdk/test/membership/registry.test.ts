import { describe, expect, it } from 'vitest'
import {
  createGroupRegistry,
  createMemoryMembershipStore,
  generateSigningKey,
  isProtocolError,
  staticKeyResolver,
  toJwks,
  verifyEvent,
  type Event,
  type Group,
} from '../../src/index.js'

const AUTHORITY = 'https://decisions.example'
const TOOL = 'https://budgeting.example'
const NOW = new Date('2026-08-20T09:12:44Z')
const GROUP: Group = {
  '@context': ['https://www.w3.org/ns/activitystreams', 'https://w3id.org/cta/v1'],
  id: `${AUTHORITY}/g/harbour-commons`,
  type: 'Group',
  name: 'Harbour Commons',
  url: 'https://decisions.example/harbour-commons',
  authority: AUTHORITY,
  joinPolicy: 'approval',
  visibility: 'public',
  // Public, so events name people; test/privacy/privacy.test.ts covers the other rosters.
  rosterVisibility: 'public',
  memberships: `${AUTHORITY}/g/harbour-commons/memberships`,
  tools: `${AUTHORITY}/g/harbour-commons/tools`,
}
const AROHA = { id: `${AUTHORITY}/u/aroha`, type: 'Person' as const, name: 'Aroha' }
const TOMAS = { id: `${AUTHORITY}/u/tomas`, type: 'Person' as const, name: 'Tomás' }
const key = await generateSigningKey({ origin: AUTHORITY })
const resolveKey = staticKeyResolver([{ source: AUTHORITY, jwks: toJwks([key]) }])

async function setup() {
  const store = createMemoryMembershipStore()
  await store.putGroup(GROUP)
  const emitted: { jws: string; event: Event }[] = []
  const registry = createGroupRegistry({
    store,
    source: AUTHORITY,
    key,
    emit: (jws, event) => {
      emitted.push({ jws, event })
    },
    now: () => NOW,
  })
  return { store, registry, emitted }
}

const member = { role: [`${GROUP.id}/roles/member`], coreRole: 'member' as const }

describe('membership events', () => {
  it('[MEM-EVT-001] accepts every stored change and announces it as a signed event with the membership as it now is', async () => {
    const { store, registry, emitted } = await setup()
    await registry.join(GROUP.id, AROHA, member)
    await registry.join(GROUP.id, TOMAS, {
      ...member,
      actor: { id: AROHA.id, type: 'Person', name: 'Aroha' },
    })
    await registry.update(GROUP.id, AROHA.id, {
      coreRole: 'admin',
      role: [`${GROUP.id}/roles/coordinator`],
    })
    await registry.leave(GROUP.id, TOMAS.id)
    await registry.remove(GROUP.id, AROHA.id)
    expect(emitted.map((e) => [e.event.type, e.event.data.type, e.event.sequence])).toEqual([
      ['tech.collaborative.membership.joined', 'Join', '00000000000000000001'],
      ['tech.collaborative.membership.joined', 'Add', '00000000000000000002'],
      ['tech.collaborative.membership.updated', 'Update', '00000000000000000003'],
      ['tech.collaborative.membership.left', 'Leave', '00000000000000000004'],
      ['tech.collaborative.membership.removed', 'Remove', '00000000000000000005'],
    ])
    for (const { jws, event } of emitted) {
      const { event: verified } = await verifyEvent(jws, { resolveKey, currentDate: NOW })
      expect(verified).toEqual(event)
      expect(event.source).toBe(AUTHORITY)
      expect(event.group).toBe(GROUP.id)
    }
    const removed = emitted[4]?.event.data as unknown as {
      result: { membershipStatus: string; endTime?: string }
    }
    expect(removed.result).toEqual(await store.getMembership(GROUP.id, AROHA.id))
    expect(removed.result.membershipStatus).toBe('removed')
    expect(removed.result.endTime).toBe('2026-08-20T09:12:44Z')
    const updated = emitted[2]?.event.data as unknown as { object: { coreRole: string } }
    expect(updated.object.coreRole).toBe('admin')
  })

  it('[MEM-EVT-001] rejects a change it cannot store, and announces nothing', async () => {
    const { store, registry, emitted } = await setup()
    const bad = registry.join(GROUP.id, AROHA, { role: ['not an IRI'], coreRole: 'member' })
    await expect(bad).rejects.toSatisfy(
      (err) => isProtocolError(err) && err.code === 'ERR_SCHEMA_INVALID',
    )
    await expect(registry.remove(GROUP.id, AROHA.id)).rejects.toThrow(TypeError)
    await expect(
      registry.join('https://decisions.example/g/nowhere', AROHA, member),
    ).rejects.toThrow(TypeError)
    await registry.join(GROUP.id, AROHA, member)
    await expect(registry.join(GROUP.id, AROHA, member)).rejects.toThrow(TypeError)
    expect(emitted).toHaveLength(1)
    expect(await store.lastChange(GROUP.id)).toBe(1)
  })

  it('[MEM-EVT-002] accepts a tool connected and disconnected, and announces both with the installation', async () => {
    const { store, registry, emitted } = await setup()
    await registry.connectTool({
      id: `${GROUP.id}/tools/budgeting`,
      organization: GROUP.id,
      tool: TOOL,
      scopes: ['cta:membership'],
    })
    await registry.disconnectTool(GROUP.id, TOOL)
    expect(emitted.map((e) => e.event.type)).toEqual([
      'tech.collaborative.group.tool.connected',
      'tech.collaborative.group.tool.disconnected',
    ])
    const objects = emitted.map(
      (e) => (e.event.data as unknown as { object: Record<string, unknown> }).object,
    )
    expect(objects.map((o) => o['installationStatus'])).toEqual(['active', 'removed'])
    expect(objects[0]).not.toHaveProperty('@context')
    expect((await store.getInstallation(GROUP.id, TOOL))?.installationStatus).toBe('removed')
    for (const { jws } of emitted) await verifyEvent(jws, { resolveKey, currentDate: NOW })
  })

  it('[MEM-EVT-002] rejects disconnecting a tool that is not installed, or an invalid installation, and announces nothing', async () => {
    const { registry, emitted } = await setup()
    await expect(registry.disconnectTool(GROUP.id, TOOL)).rejects.toThrow(TypeError)
    await expect(
      registry.connectTool({
        id: `${GROUP.id}/tools/x`,
        organization: GROUP.id,
        tool: TOOL,
        scopes: ['not a token!'],
      }),
    ).rejects.toSatisfy((err) => isProtocolError(err) && err.code === 'ERR_SCHEMA_INVALID')
    expect(emitted).toHaveLength(0)
  })

  it('keeps summaries within 280 characters and names someone whose name is withheld', async () => {
    const { store, registry, emitted } = await setup()
    await store.putGroup({ ...GROUP, name: 'G'.repeat(256) })
    await registry.join(GROUP.id, { id: `${AUTHORITY}/u/anon`, type: 'Person' }, member)
    const data = emitted[0]?.event.data as unknown as { summary: string; actor: { name: string } }
    expect(data.summary.length).toBeLessThanOrEqual(280)
    expect(data.actor.name).toBe('A member')
  })
})
