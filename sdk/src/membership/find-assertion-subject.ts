import type { GroupAssertionSubject } from '../auth/issue-group-assertion.js'
import type { CoreRole, Permission } from '../schemas/index.js'
import type { MembershipStore } from './membership-store.js'

/**
 * What each core role permits when the group defines no role of its own for a membership: the
 * fallback of {@link findAssertionSubject}.
 */
export const DEFAULT_PERMISSIONS: Readonly<Record<CoreRole, readonly Permission[]>> = Object.freeze(
  {
    guest: Object.freeze(['read'] as const),
    member: Object.freeze(['read', 'participate', 'propose'] as const),
    moderator: Object.freeze(['read', 'participate', 'propose', 'manageMembers'] as const),
    admin: Object.freeze([
      'read',
      'participate',
      'propose',
      'manageMembers',
      'manageTools',
      'administer',
    ] as const),
  },
)

const ORDER: readonly Permission[] = DEFAULT_PERMISSIONS.admin

/**
 * Finds what an authority may assert about a member of a group: nothing unless the membership is
 * `active`. `roles` is the membership's core role; `entitlements` are the permissions of the
 * group's roles the membership holds, or {@link DEFAULT_PERMISSIONS} of its core role where the
 * group defines none of them.
 *
 * @param store The authority's membership store.
 * @param group The group's IRI.
 * @param member The member's IRI.
 * @returns The subject of an assertion, or `undefined` when the member is not active in the group.
 * @example
 * ```ts
 * declare const accountId: string // the signed-in member's IRI
 * const subject = await findAssertionSubject(store, group.id, accountId)
 * const assertion = subject && (await issueGroupAssertion(subject, key, { issuer, audience: clientId }))
 * ```
 * @see {@link https://w3id.org/cta/spec/group-auth#the-assertion Spec: the assertion}
 */
export async function findAssertionSubject(
  store: MembershipStore,
  group: string,
  member: string,
): Promise<GroupAssertionSubject | undefined> {
  const membership = await store.getMembership(group, member)
  if (membership?.membershipStatus !== 'active') return undefined
  const held = new Set(membership.role)
  const roles = (await store.listRoles(group)).filter((role) => held.has(role.id))
  const granted = new Set<Permission>(
    roles.length === 0
      ? DEFAULT_PERMISSIONS[membership.coreRole]
      : roles.flatMap((role) => role.permission),
  )
  return {
    sub: member,
    group,
    roles: [membership.coreRole],
    entitlements: ORDER.filter((permission) => granted.has(permission)),
    membership: membership.id,
    ...(membership.member.name === undefined ? {} : { name: membership.member.name }),
  }
}
