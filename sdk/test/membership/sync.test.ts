import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  ProtocolError,
  createGroupHandler,
  createGroupRegistry,
  createMemoryMembershipStore,
  generateSigningKey,
  syncRoster,
  type CoreRole,
  type EmbeddedMembership,
  type Group,
  type MembershipStore,
  type RosterState,
  type SyncRosterOptions,
} from '../../src/index.js'
import { codeOf } from '../helpers/code-of.js'

const AUTHORITY = 'https://decisions.example'
const TOOL = 'https://budgeting.example'
const GROUP: Group = {
  '@context': ['https://www.w3.org/ns/activitystreams', 'https://w3id.org/cta/v1'],
  id: `${AUTHORITY}/g/harbour-commons`,
  type: 'Group',
  name: 'Harbour Commons',
  authority: AUTHORITY,
  joinPolicy: 'approval',
  visibility: 'public',
  rosterVisibility: 'members',
  memberships: `${AUTHORITY}/g/harbour-commons/memberships`,
  tools: `${AUTHORITY}/g/harbour-commons/tools`,
}
const key = await generateSigningKey({ origin: AUTHORITY })

/** An authority in memory: store, registry, and its group endpoints as the tool's `fetch`. */
async function authority(pageSize = 2, wrap: (s: MembershipStore) => MembershipStore = (s) => s) {
  const store = createMemoryMembershipStore()
  await store.putGroup(GROUP)
  const registry = createGroupRegistry({ store, source: AUTHORITY, key, emit: () => undefined })
  await registry.connectTool({
    id: `${GROUP.id}/tools/b`,
    organization: GROUP.id,
    tool: TOOL,
    scopes: [],
  })
  const handler = createGroupHandler({ store: wrap(store), authenticate: () => TOOL, pageSize })
  const options: SyncRosterOptions = {
    fetch: (url, init) => handler(new Request(url, init)),
    accessToken: 'tool-token',
  }
  return { store, registry, options }
}

const person = (n: number) => ({
  id: `${AUTHORITY}/u/${n}`,
  type: 'Person' as const,
  name: `Member ${n}`,
})
const role = (name: string): string => `${GROUP.id}/roles/${name}`

/** The roster as the tool holds it, by member, in a comparable form. */
function held(state: RosterState): Record<string, string> {
  return Object.fromEntries(
    [...state.members.values()].map((m) => [
      m.member.id,
      `${m.membershipStatus}/${m.coreRole}/${m.role.join(',')}`,
    ]),
  )
}

describe('syncRoster', () => {
  it('[MEM-SYNC-002] accepts valid pages: reads the whole roster, then only differences', async () => {
    const { registry, options } = await authority()
    for (let n = 0; n < 5; n++)
      await registry.join(GROUP.id, person(n), { role: [role('member')], coreRole: 'member' })
    const first = await syncRoster(GROUP, options)
    expect(first.full).toBe(true)
    expect(first.received).toBe(5)
    expect(first.state.members.size).toBe(5)
    await registry.remove(GROUP.id, person(1).id)
    await registry.update(GROUP.id, person(2).id, {
      coreRole: 'admin',
      role: [role('coordinator')],
    })
    const second = await syncRoster(first.state, options)
    expect(second.full).toBe(false)
    expect(second.received).toBe(2)
    expect(second.state.members).toBe(first.state.members)
    expect(second.state.members.size).toBe(4)
    expect(held(second.state)[person(2).id]).toBe(`active/admin/${role('coordinator')}`)
    const third = await syncRoster(second.state, options)
    expect(third.received).toBe(0)
  })

  it('[MEM-SYNC-001] accepts any sequence of joins, leaves, role changes, suspensions and removals, also while a sync is reading: the synced roster converges to the authority’s', async () => {
    // `lands`: 0 for a change made between syncs; n > 0 for one made while the next sync is
    // reading, just before its page n + 1 is served.
    const lands = fc.oneof(
      { arbitrary: fc.constant(0), weight: 1 },
      { arbitrary: fc.integer({ min: 1, max: 4 }), weight: 2 },
    )
    const member = fc.nat(7)
    const change = fc.oneof(
      {
        arbitrary: fc.record({
          kind: fc.constant('join' as const),
          member,
          core: fc.constantFrom<CoreRole>('guest', 'member', 'admin'),
          lands,
        }),
        weight: 4,
      },
      {
        arbitrary: fc.record({
          kind: fc.constantFrom(
            'leave' as const,
            'remove' as const,
            'suspend' as const,
            'resume' as const,
          ),
          member,
          lands,
        }),
        weight: 3,
      },
      {
        arbitrary: fc.record({
          kind: fc.constant('role' as const),
          member,
          core: fc.constantFrom<CoreRole>('member', 'moderator', 'admin'),
          lands,
        }),
        weight: 2,
      },
    )
    type Change = typeof change extends fc.Arbitrary<infer C> ? C : never
    // A sync is incremental, or (`full`) a tool that reads the whole roster afresh.
    const sync = fc.record({ kind: fc.constant('sync' as const), full: fc.boolean() })
    const op = fc.oneof({ arbitrary: change, weight: 4 }, { arbitrary: sync, weight: 1 })

    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { minLength: 5, maxLength: 40 }),
        fc.integer({ min: 1, max: 3 }),
        async (ops, pageSize) => {
          const { registry, options } = await authority(pageSize)
          // The model: what the authority's roster must be.
          const model = new Map<string, { status: string; core: CoreRole; role: string }>()
          const apply = async (o: Change): Promise<void> => {
            const who = person(o.member)
            const current = model.get(who.id)
            if (o.kind === 'join') {
              if (current !== undefined) return
              await registry.join(GROUP.id, who, { role: [role(o.core)], coreRole: o.core })
              model.set(who.id, { status: 'active', core: o.core, role: role(o.core) })
            } else if (current === undefined) {
              return
            } else if (o.kind === 'leave' || o.kind === 'remove') {
              await (o.kind === 'leave'
                ? registry.leave(GROUP.id, who.id)
                : registry.remove(GROUP.id, who.id))
              model.delete(who.id)
            } else if (o.kind === 'role') {
              await registry.update(GROUP.id, who.id, { coreRole: o.core, role: [role(o.core)] })
              model.set(who.id, { ...current, core: o.core, role: role(o.core) })
            } else {
              const status = o.kind === 'suspend' ? 'suspended' : 'active'
              await registry.update(GROUP.id, who.id, { status })
              model.set(who.id, { ...current, status })
            }
          }
          let pending: Change[] = []
          let served = 0
          const during: SyncRosterOptions = {
            ...options,
            fetch: async (url, init) => {
              const now = pending.filter((o) => o.lands <= served)
              pending = pending.filter((o) => o.lands > served)
              for (const o of now) await apply(o)
              served++
              return (options.fetch ?? fetch)(url, init)
            },
          }
          let state: RosterState | undefined
          const converge = async (full: boolean): Promise<void> => {
            // A sync with changes landing between its pages, then one with none: nothing is lost.
            served = 0
            state = (await syncRoster(full || state === undefined ? GROUP : state, during)).state
            for (const o of pending) await apply(o)
            pending = []
            state = (await syncRoster(state, options)).state
            const expected = Object.fromEntries(
              [...model].map(([id, m]) => [id, `${m.status}/${m.core}/${m.role}`]),
            )
            expect(held(state)).toEqual(expected)
          }
          for (const o of ops) {
            if (o.kind === 'sync') await converge(o.full)
            else if (o.lands > 0) pending.push(o)
            else await apply(o)
          }
          await converge(false)
        },
      ),
      { numRuns: 150 },
    )
  })

  it('[MEM-SYNC-001] accepts a membership that ends between the pages of a full read: the next differences remove it', async () => {
    const { registry, options } = await authority(1)
    for (let n = 0; n < 3; n++) {
      await registry.join(GROUP.id, person(n), { role: [role('member')], coreRole: 'member' })
    }
    let pages = 0
    const { state } = await syncRoster(GROUP, {
      ...options,
      fetch: async (url, init) => {
        // Member 0 was on the first page; they leave before the second is served.
        if (pages++ === 1) await registry.leave(GROUP.id, person(0).id)
        return (options.fetch ?? fetch)(url, init)
      },
    })
    expect(held(state)).toHaveProperty([person(0).id])
    const next = await syncRoster(state, options)
    expect(held(next.state)).not.toHaveProperty([person(0).id])
    expect(Object.keys(held(next.state))).toHaveLength(2)
  })

  it('[MEM-SYNC-003] accepts an expired cursor by reading the whole roster again', async () => {
    let forget = false
    const { registry, options } = await authority(2, (store) => ({
      ...store,
      listMemberships: (group, o) => {
        if (forget && !o.current) throw new ProtocolError('ERR_CURSOR_EXPIRED', 'forgotten')
        return store.listMemberships(group, o)
      },
    }))
    for (let n = 0; n < 3; n++)
      await registry.join(GROUP.id, person(n), { role: [role('member')], coreRole: 'member' })
    const { state } = await syncRoster(GROUP, options)
    await registry.leave(GROUP.id, person(0).id)
    forget = true
    const again = await syncRoster(state, options)
    expect(again.full).toBe(true)
    expect(again.state.members.size).toBe(2)
    expect(again.state.members).not.toBe(state.members)
  })
})

describe('syncRoster rejects hostile pages, applying nothing of them', () => {
  const membership = (group = GROUP.id): EmbeddedMembership => ({
    id: `${group}/memberships/1`,
    type: 'Membership',
    member: { id: `${AUTHORITY}/u/1`, type: 'Person' },
    organization: group,
    role: [`${group}/roles/member`],
    coreRole: 'member',
    membershipStatus: 'active',
  })
  const page = (extra: Record<string, unknown> = {}) => ({
    '@context': ['https://www.w3.org/ns/activitystreams', 'https://w3id.org/cta/v1'],
    id: GROUP.memberships,
    type: 'RosterPage',
    organization: GROUP.id,
    members: [membership()],
    differences: `${GROUP.memberships}?since=1`,
    ...extra,
  })
  const serving = (body: unknown, status = 200): SyncRosterOptions => ({
    fetch: () =>
      Promise.resolve(
        new Response(typeof body === 'string' ? body : JSON.stringify(body), {
          status,
          headers: {
            'content-type': status === 200 ? 'application/json' : 'application/problem+json',
          },
        }),
      ),
  })
  const cases: [string, SyncRosterOptions, string][] = [
    [
      '[MEM-SYNC-002] rejects a next link to another origin',
      serving(page({ next: 'https://intruder.example/roster' })),
      'ERR_ADDRESS_NOT_ALLOWED',
    ],
    [
      '[MEM-SYNC-002] rejects a differences cursor on another origin',
      serving(page({ differences: 'http://169.254.169.254/latest' })),
      'ERR_ADDRESS_NOT_ALLOWED',
    ],
    [
      '[MEM-SYNC-002] rejects a page about another group',
      serving(page({ organization: `${AUTHORITY}/g/other` })),
      'ERR_GROUP_MISMATCH',
    ],
    [
      '[MEM-SYNC-002] rejects a membership of another group',
      serving(page({ members: [membership(), membership(`${AUTHORITY}/g/other`)] })),
      'ERR_GROUP_MISMATCH',
    ],
    [
      '[MEM-SYNC-002] rejects a page that is not a RosterPage',
      serving(page({ type: 'OrderedCollection' })),
      'ERR_SCHEMA_INVALID',
    ],
    [
      '[MEM-SYNC-002] rejects more than 1,000 memberships on a page',
      serving(page({ members: Array.from({ length: 1001 }, membership) })),
      'ERR_SCHEMA_INVALID',
    ],
    [
      '[MEM-SYNC-002] rejects a last page without a differences cursor',
      serving(page({ differences: undefined })),
      'ERR_SCHEMA_INVALID',
    ],
    [
      '[MEM-SYNC-002] rejects duplicate member names',
      serving(JSON.stringify(page()).replace('{', '{"type":"RosterPage",')),
      'ERR_JSON_INVALID',
    ],
    [
      'rejects a page larger than allowed',
      { ...serving(page()), maxPageBytes: 100 },
      'ERR_TOO_LARGE',
    ],
    [
      'reports an authority’s refusal by its code',
      serving({ code: 'ERR_NOT_INSTALLED', status: 403 }, 403),
      'ERR_NOT_INSTALLED',
    ],
    [
      'reports an authority that does not answer JSON as unavailable',
      serving('<html>', 502),
      'ERR_FETCH_FAILED',
    ],
  ]
  for (const [title, options, code] of cases) {
    it(title, async () => {
      await expect(codeOf(syncRoster(GROUP, options))).resolves.toBe(code)
    })
  }

  it('[MEM-SYNC-002] rejects a hostile differences page and leaves the held roster as it was', async () => {
    const members = new Map([[membership().id, membership()]])
    const state: RosterState = {
      group: GROUP.id,
      memberships: GROUP.memberships,
      members,
      differences: `${GROUP.memberships}?since=1`,
    }
    const hostile = page({
      members: [
        { ...membership(), membershipStatus: 'removed' },
        membership(`${AUTHORITY}/g/other`),
      ],
    })
    await expect(codeOf(syncRoster(state, serving(hostile)))).resolves.toBe('ERR_GROUP_MISMATCH')
    expect(members.size).toBe(1)
  })

  it('refuses plain http and private addresses unless allowed, and bad targets', async () => {
    const local = { ...GROUP, memberships: 'http://127.0.0.1:9/roster' }
    await expect(codeOf(syncRoster(local, {}))).resolves.toBe('ERR_ADDRESS_NOT_ALLOWED')
    await expect(syncRoster({ id: GROUP.id } as never)).rejects.toThrow(TypeError)
  })
})
