import type { EmbeddedMembership, Group, Role, ToolInstallation } from '../schemas/index.js'

/** One slice of a group's memberships in change order: what {@link MembershipStore.listMemberships} returns. */
export interface MembershipSlice {
  /** The memberships, each as it is now, in the order of their latest change. */
  readonly items: readonly EmbeddedMembership[]
  /** The change number up to which the store looked; the next slice starts after it. */
  readonly last: number
  /** Whether changes after `last` exist. */
  readonly more: boolean
}

/** Options of {@link MembershipStore.listMemberships}. */
export interface ListMembershipsOptions {
  /** Only memberships whose latest change is numbered after this (0 for all). */
  readonly after: number
  /** Most memberships returned. */
  readonly limit: number
  /**
   * `true`: leave out memberships that ended (`left`, `removed`): a roster listing. `false`:
   * include them with their final status: differences since a cursor.
   */
  readonly current: boolean
}

/**
 * Where an authority keeps its groups, roles, memberships and tool installations: the in-memory
 * store from {@link createMemoryMembershipStore}, or a tool's own database behind the same
 * methods.
 *
 * Every write of a membership gets the group's next change number (1, 2, 3, …); a roster cursor
 * is such a number. A store that forgets ended memberships after a while throws
 * `ProtocolError('ERR_CURSOR_EXPIRED')` from `listMemberships` for an `after` older than what it
 * kept, and a tool then reads the whole roster again.
 */
export interface MembershipStore {
  /** The group with this IRI. */
  getGroup(id: string): Promise<Group | undefined>
  /** Adds or replaces a group. */
  putGroup(group: Group): Promise<void>
  /** The group's own roles (to find what a membership's roles permit). */
  listRoles(group: string): Promise<readonly Role[]>
  /** Adds or replaces a role of its `organization`. */
  putRole(role: Role): Promise<void>
  /** A member's membership of a group, whatever its status. */
  getMembership(group: string, member: string): Promise<EmbeddedMembership | undefined>
  /** Adds or replaces a membership (by `id`) and records the change; returns its change number. */
  putMembership(membership: EmbeddedMembership): Promise<number>
  /** Memberships of a group by change number. */
  listMemberships(group: string, options: ListMembershipsOptions): Promise<MembershipSlice>
  /** The group's latest change number, 0 before the first. */
  lastChange(group: string): Promise<number>
  /** The installation of a tool (by its origin) in a group, whatever its status. */
  getInstallation(group: string, tool: string): Promise<ToolInstallation | undefined>
  /** Every installation of a group, whatever its status. */
  listInstallations(group: string): Promise<readonly ToolInstallation[]>
  /** Adds or replaces the installation of a tool in a group. */
  putInstallation(installation: ToolInstallation): Promise<void>
}
