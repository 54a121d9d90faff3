import type { EmbeddedMembership, Group, Role, ToolInstallation } from '../schemas/index.js'
import type { MembershipSlice, MembershipStore } from './membership-store.js'

interface Entry {
  membership: EmbeddedMembership
  change: number
}

interface GroupState {
  group: Group | undefined
  readonly roles: Map<string, Role>
  readonly memberships: Map<string, Entry>
  readonly byMember: Map<string, string>
  // The change log: change numbers (ascending) and the membership each changed. An entry is stale
  // once its membership changed again; stale entries are compacted away when they outnumber live.
  changes: number[]
  ids: string[]
  stale: number
  last: number
  readonly installations: Map<string, ToolInstallation>
}

const ENDED = new Set(['left', 'removed'])

/** Index of the first change numbered after `after` (binary search). */
function firstAfter(changes: readonly number[], after: number): number {
  let lo = 0
  let hi = changes.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if ((changes[mid] ?? 0) <= after) lo = mid + 1
    else hi = mid
  }
  return lo
}

/**
 * A membership store in memory: for tests, demos and small authorities that can rebuild their
 * state on restart. It keeps every ended membership, so no roster cursor ever expires.
 *
 * @returns A {@link MembershipStore}.
 * @example
 * ```ts
 * declare const emit: (jws: string, event: import('@cta-interop/sdk').Event) => Promise<void> // to the outbox: publishEvent
 * const store = createMemoryMembershipStore()
 * await store.putGroup(group)
 * const registry = createGroupRegistry({ store, source, key, emit })
 * ```
 * @see {@link https://w3id.org/cta/spec/membership#the-roster Spec: the roster}
 */
export function createMemoryMembershipStore(): MembershipStore {
  const groups = new Map<string, GroupState>()
  const stateOf = (group: string): GroupState => {
    let state = groups.get(group)
    if (state === undefined) {
      state = {
        group: undefined,
        roles: new Map(),
        memberships: new Map(),
        byMember: new Map(),
        changes: [],
        ids: [],
        stale: 0,
        last: 0,
        installations: new Map(),
      }
      groups.set(group, state)
    }
    return state
  }
  const compact = (state: GroupState): void => {
    const changes: number[] = []
    const ids: string[] = []
    for (let i = 0; i < state.changes.length; i++) {
      const id = state.ids[i] as string
      if (state.memberships.get(id)?.change === state.changes[i]) {
        changes.push(state.changes[i] as number)
        ids.push(id)
      }
    }
    state.changes = changes
    state.ids = ids
    state.stale = 0
  }
  return {
    getGroup: (id) => Promise.resolve(groups.get(id)?.group),
    putGroup(group) {
      stateOf(group.id).group = group
      return Promise.resolve()
    },
    listRoles: (group) => Promise.resolve([...(groups.get(group)?.roles.values() ?? [])]),
    putRole(role) {
      stateOf(role.organization).roles.set(role.id, role)
      return Promise.resolve()
    },
    getMembership(group, member) {
      const state = groups.get(group)
      const id = state?.byMember.get(member)
      return Promise.resolve(id === undefined ? undefined : state?.memberships.get(id)?.membership)
    },
    putMembership(membership) {
      const state = stateOf(membership.organization)
      const change = ++state.last
      const previous = state.memberships.get(membership.id)
      if (previous !== undefined) {
        state.stale++
        if (previous.membership.member.id !== membership.member.id) {
          state.byMember.delete(previous.membership.member.id)
        }
      }
      state.memberships.set(membership.id, { membership, change })
      state.byMember.set(membership.member.id, membership.id)
      state.changes.push(change)
      state.ids.push(membership.id)
      if (state.stale > 1024 && state.stale > state.memberships.size) compact(state)
      return Promise.resolve(change)
    },
    listMemberships(group, { after, limit, current }) {
      const state = groups.get(group)
      if (state === undefined) return Promise.resolve({ items: [], last: after, more: false })
      const items: EmbeddedMembership[] = []
      let last = after
      let i = firstAfter(state.changes, after)
      for (; i < state.changes.length && items.length < limit; i++) {
        const change = state.changes[i] as number
        const entry = state.memberships.get(state.ids[i] as string)
        last = change
        if (entry?.change !== change) continue
        if (current && ENDED.has(entry.membership.membershipStatus)) continue
        items.push(entry.membership)
      }
      const slice: MembershipSlice = { items, last, more: i < state.changes.length }
      return Promise.resolve(slice)
    },
    lastChange: (group) => Promise.resolve(groups.get(group)?.last ?? 0),
    getInstallation: (group, tool) => Promise.resolve(groups.get(group)?.installations.get(tool)),
    listInstallations: (group) =>
      Promise.resolve([...(groups.get(group)?.installations.values() ?? [])]),
    putInstallation(installation) {
      stateOf(installation.organization).installations.set(installation.tool, installation)
      return Promise.resolve()
    },
  }
}
