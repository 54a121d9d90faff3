// spec/privacy.md: who may see a roster (checkRosterViewer), membership events that name no one
// when the roster is not public and events without contact details (the group registry,
// checkEventPrivacy), and what a tool keeps
// once a membership ends or the group disconnects it (syncRoster, the membership cache).
import { describe, expect, it } from 'vitest'
import {
  createGroupHandler,
  createGroupRegistry,
  createMembershipCache,
  createMemoryMembershipStore,
  checkEventPrivacy,
  checkRosterViewer,
  generateSigningKey,
  isProtocolError,
  syncRoster,
  toMurmurationsOpportunity,
  type Event,
  type Group,
  type SyncRosterOptions,
} from '../../src/index.js'
import { codeOf } from '../helpers/code-of.js'
import { offer } from '../intents/fixtures.js'

const AUTHORITY = 'https://decisions.example'
const TOOL = 'https://budgeting.example'
const NOW = new Date('2026-08-20T09:12:44Z')
const groupOf = (rosterVisibility: Group['rosterVisibility']): Group => ({
  '@context': ['https://www.w3.org/ns/activitystreams', 'https://w3id.org/cta/v1'],
  id: `${AUTHORITY}/g/harbour-commons`,
  type: 'Group',
  name: 'Harbour Commons',
  authority: AUTHORITY,
  joinPolicy: 'approval',
  visibility: 'public',
  rosterVisibility,
  memberships: `${AUTHORITY}/g/harbour-commons/memberships`,
  tools: `${AUTHORITY}/g/harbour-commons/tools`,
})
const AROHA = { id: `${AUTHORITY}/u/aroha`, type: 'Person' as const, name: 'Aroha' }
const TOMAS = { id: `${AUTHORITY}/u/tomas`, type: 'Person' as const, name: 'Tomás' }
const member = (group: Group) => ({
  role: [`${group.id}/roles/member`],
  coreRole: 'member' as const,
})
const key = await generateSigningKey({ origin: AUTHORITY })

/** Every membership change once, in a group of the given roster visibility. */
async function announced(rosterVisibility: Group['rosterVisibility']): Promise<Event[]> {
  const group = groupOf(rosterVisibility)
  const store = createMemoryMembershipStore()
  await store.putGroup(group)
  const events: Event[] = []
  const registry = createGroupRegistry({
    store,
    source: AUTHORITY,
    key,
    emit: (_jws, event) => {
      events.push(event)
    },
    now: () => NOW,
  })
  await registry.join(group.id, TOMAS, member(group))
  await registry.join(group.id, AROHA, { ...member(group), actor: { ...TOMAS } })
  await registry.update(group.id, AROHA.id, { coreRole: 'admin' }, { actor: { ...TOMAS } })
  await registry.remove(group.id, AROHA.id, { actor: { ...TOMAS } })
  await registry.leave(group.id, TOMAS.id)
  // The roster itself keeps the names: only the events leave them out.
  expect((await store.getMembership(group.id, AROHA.id))?.member.name).toBe('Aroha')
  return events
}

const codeOfSync = (run: () => void): string => {
  try {
    run()
  } catch (err) {
    if (isProtocolError(err)) return err.code
    throw err
  }
  return 'accepted'
}

describe('membership events of a roster that is not public', () => {
  it('[PRV-EVT-001] names no one: the member by IRI only, the authority as actor, a summary without names', async () => {
    for (const visibility of ['members', 'admins'] as const) {
      const events = await announced(visibility)
      expect(events.map((e) => e.type.split('.').at(-1))).toEqual([
        'joined',
        'joined',
        'updated',
        'removed',
        'left',
      ])
      for (const event of events) {
        const text = JSON.stringify(event)
        expect(text).not.toContain('Aroha')
        expect(text).not.toContain('Tomás')
        expect(event.data.actor).toMatchObject({ id: AUTHORITY, type: 'Application' })
        const group = groupOf(visibility)
        expect(() => {
          checkEventPrivacy(event, { group, names: ['Aroha', 'Tomás'] })
        }).not.toThrow()
      }
      const removed = events[3]?.data as unknown as {
        object: unknown
        result: { member: unknown }
        summary: string
      }
      expect(removed.object).toEqual({ id: AROHA.id, type: 'Person' })
      expect(removed.result.member).toEqual({ id: AROHA.id, type: 'Person' })
      expect(removed.summary).toBe('A member was removed from Harbour Commons')
    }
  })

  it('[PRV-EVT-001] accepts names in the events of a public roster', async () => {
    const events = await announced('public')
    expect(events[1]?.data.summary).toBe('Tomás added Aroha to Harbour Commons')
    expect(events[1]?.data.actor).toEqual({ ...TOMAS })
    for (const event of events) {
      expect(() => {
        checkEventPrivacy(event, { group: groupOf('public'), names: ['Aroha'] })
      }).not.toThrow()
    }
  })

  it('[PRV-EVT-001] rejects a membership event of a members roster that names a person, with ERR_EVENT_PRIVACY', async () => {
    const [joined] = await announced('public')
    if (joined === undefined) throw new Error('nothing announced')
    const group = groupOf('members')
    // As announced for a public roster: the member's name, a person as actor, a named summary.
    expect(
      codeOfSync(() => {
        checkEventPrivacy(joined, { group })
      }),
    ).toBe('ERR_EVENT_PRIVACY')
    const data = joined.data as unknown as Record<string, unknown>
    const thin = {
      ...joined,
      data: {
        ...data,
        actor: { id: AUTHORITY, type: 'Application', name: 'decisions.example' },
        result: { ...(data['result'] as object), member: { id: TOMAS.id, type: 'Person' } },
        summary: 'A member joined Harbour Commons',
      },
    }
    expect(
      codeOfSync(() => {
        checkEventPrivacy(thin, { group, names: ['Tomás'] })
      }),
    ).toBe('accepted')
    const named = { ...thin, data: { ...thin.data, summary: 'Tomás joined Harbour Commons' } }
    expect(
      codeOfSync(() => {
        checkEventPrivacy(named, { group, names: ['Tomás'] })
      }),
    ).toBe('ERR_EVENT_PRIVACY')
    const withName = {
      ...thin,
      data: { ...thin.data, result: { ...(data['result'] as object), member: { ...TOMAS } } },
    }
    expect(
      codeOfSync(() => {
        checkEventPrivacy(withName, { group })
      }),
    ).toBe('ERR_EVENT_PRIVACY')
    // Other event types are not membership events; another group is a bug in the caller.
    expect(
      codeOfSync(() => {
        checkEventPrivacy({ ...joined, type: 'x.y.z' }, { group })
      }),
    ).toBe('accepted')
    expect(() => {
      checkEventPrivacy({ ...joined, group: `${AUTHORITY}/g/other` }, { group })
    }).toThrow(TypeError)
  })
})

describe('contact details in events', () => {
  const event = (data: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    type: 'tech.collaborative.proposal.published',
    group: `${AUTHORITY}/g/harbour-commons`,
    subject: 'https://intents.example/p/1',
    data: {
      type: 'Create',
      actor: { ...AROHA },
      summary: 'Aroha offers bike repairs',
      published: '2026-08-20T09:12:44Z',
      url: 'https://intents.example/p/1',
      ...data,
    },
    ...extra,
  })

  it('[PRV-MIN-001] accepts an event that names people by IRI and name, and an author’s own text', () => {
    expect(
      codeOfSync(() => {
        checkEventPrivacy(event({}))
      }),
    ).toBe('accepted')
    // What the author wrote is theirs, and a profile URL with @ is not an email address.
    const own = event({
      object: { content: 'Write to aroha@example.org', url: 'https://social.example/@aroha' },
    })
    expect(
      codeOfSync(() => {
        checkEventPrivacy(own)
      }),
    ).toBe('accepted')
  })

  it('[PRV-MIN-001] rejects an email address, or a mailto: or tel: IRI, anywhere outside authored text', () => {
    const leaks = [
      event({ summary: 'Aroha (aroha@example.org) offers bike repairs' }),
      event({ actor: { ...AROHA, name: 'aroha@example.org' } }),
      event({ object: { attributedTo: 'mailto:aroha@example.org' } }),
      event({ object: { id: 'https://intents.example/p/1', url: 'tel:+6421000000' } }),
      event({}, { subject: 'aroha@example.org' }),
    ]
    for (const e of leaks)
      expect(
        codeOfSync(() => {
          checkEventPrivacy(e)
        }),
      ).toBe('ERR_EVENT_PRIVACY')
  })

  it('[PRV-COR-001] accepts an opaque member IRI, and rejects one made from an email address or an acct: handle', () => {
    const withMember = (id: string) => event({ actor: { id, type: 'Person', name: 'Aroha' } })
    expect(
      codeOfSync(() => {
        checkEventPrivacy(withMember(`${AUTHORITY}/u/7f3a2c`))
      }),
    ).toBe('accepted')
    for (const id of [
      `${AUTHORITY}/u/aroha@example.org`,
      'acct:aroha@decisions.example',
      'mailto:aroha@example.org',
    ]) {
      expect(
        codeOfSync(() => {
          checkEventPrivacy(withMember(id))
        }),
      ).toBe('ERR_EVENT_PRIVACY')
    }
  })
})

describe('checkRosterViewer', () => {
  const members = groupOf('members')
  const admins = groupOf('admins')
  it('[PRV-SHOW-001] allows a public roster to anyone, a members roster to a verified member, an admins roster to a verified admin', () => {
    expect(
      codeOfSync(() => {
        checkRosterViewer(groupOf('public'), undefined)
      }),
    ).toBe('accepted')
    const viewer = { group: members.id, roles: ['member' as const] }
    expect(
      codeOfSync(() => {
        checkRosterViewer(members, viewer)
      }),
    ).toBe('accepted')
    const admin = { group: admins.id, roles: ['admin' as const] }
    expect(
      codeOfSync(() => {
        checkRosterViewer(admins, admin)
      }),
    ).toBe('accepted')
  })

  it('[PRV-SHOW-001] refuses anyone not verified, a member of another group, and a non-admin of an admins roster', () => {
    expect(
      codeOfSync(() => {
        checkRosterViewer(members, undefined)
      }),
    ).toBe('ERR_ROSTER_HIDDEN')
    expect(
      codeOfSync(() => {
        checkRosterViewer(admins, undefined)
      }),
    ).toBe('ERR_ROSTER_HIDDEN')
    const elsewhere = { group: `${AUTHORITY}/g/other`, roles: ['admin' as const] }
    expect(
      codeOfSync(() => {
        checkRosterViewer(members, elsewhere)
      }),
    ).toBe('ERR_ROSTER_HIDDEN')
    const moderator = { group: admins.id, roles: ['member' as const, 'moderator' as const] }
    expect(
      codeOfSync(() => {
        checkRosterViewer(admins, moderator)
      }),
    ).toBe('ERR_ROSTER_HIDDEN')
    const unknown = { ...members, rosterVisibility: 'friends' } as unknown as Group
    const viewer = { group: members.id, roles: ['admin' as const] }
    expect(
      codeOfSync(() => {
        checkRosterViewer(unknown, viewer)
      }),
    ).toBe('ERR_ROSTER_HIDDEN')
  })
})

describe('what a tool keeps', () => {
  /** An authority in memory, and a tool installed in its group that syncs the roster. */
  async function installed() {
    const group = groupOf('members')
    const store = createMemoryMembershipStore()
    await store.putGroup(group)
    const events: Event[] = []
    const registry = createGroupRegistry({
      store,
      source: AUTHORITY,
      key,
      emit: (_jws, event) => {
        events.push(event)
      },
    })
    await registry.connectTool({
      id: `${group.id}/tools/b`,
      organization: group.id,
      tool: TOOL,
      scopes: ['cta:roster'],
    })
    await registry.join(group.id, AROHA, member(group))
    await registry.join(group.id, TOMAS, member(group))
    const handler = createGroupHandler({ store, authenticate: () => TOOL })
    const options: SyncRosterOptions = {
      fetch: (url, init) => handler(new Request(url, init)),
    }
    return { group, registry, events, options }
  }

  it('[PRV-RET-001] keeps the current members, and forgets an ended member’s name and roles as the end is synced', async () => {
    const { group, registry, options } = await installed()
    const { state } = await syncRoster(group, options)
    expect([...state.members.values()].map((m) => m.member.name).sort()).toEqual(['Aroha', 'Tomás'])
    await registry.remove(group.id, AROHA.id)
    await syncRoster(state, options)
    const kept = JSON.stringify([...state.members.values()])
    expect(kept).not.toContain('Aroha')
    expect(kept).not.toContain(AROHA.id)
    expect(kept).toContain('Tomás')
  })

  it('[PRV-RET-001] forgets a member’s access as the removal arrives, keeping only that it ended', async () => {
    const { group, registry, events } = await installed()
    let now = Date.now()
    const cache = createMembershipCache({ tool: TOOL, now: () => now })
    const iat = Math.floor(now / 1000)
    const claims = {
      iss: AUTHORITY,
      sub: AROHA.id,
      aud: TOOL,
      iat,
      exp: iat + 300,
      jti: `jti-${iat}`,
      cta_ver: '1',
      groups: [group.id],
      roles: ['member' as const],
      entitlements: ['read' as const],
    }
    cache.admit(claims as never)
    expect(cache.check(AROHA.id, group.id).roles).toEqual(['member'])
    await registry.remove(group.id, AROHA.id)
    const removal = events.at(-1)
    if (removal === undefined) throw new Error('no removal announced')
    cache.onEvent(removal)
    now += 1000
    expect(codeOfSync(() => cache.check(AROHA.id, group.id))).toBe('ERR_MEMBERSHIP_ENDED')
  })

  it('[PRV-RET-002] keeps nothing of the roster once the group no longer has the tool installed', async () => {
    const { group, registry, options } = await installed()
    const { state } = await syncRoster(group, options)
    expect(state.members.size).toBe(2)
    await registry.disconnectTool(group.id, TOOL)
    expect(await codeOf(syncRoster(state, options))).toBe('ERR_NOT_INSTALLED')
    expect(state.members.size).toBe(0)
  })
})

describe('directory exports', () => {
  const PUBLIC = 'https://www.w3.org/ns/activitystreams#Public'
  it('[PRV-DIR-001] gives a contact email only when the tool passes one the author gave, never one of its own finding', () => {
    const proposal = offer('o', { to: [PUBLIC], content: 'Write to aroha@example.org' })
    expect(toMurmurationsOpportunity(proposal).contact_details).not.toHaveProperty('email')
    const given = toMurmurationsOpportunity(proposal, { contactEmail: 'bikes@example.org' })
    expect(given.contact_details.email).toBe('bikes@example.org')
  })
})
