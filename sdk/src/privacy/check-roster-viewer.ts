import { ProtocolError } from '../errors.js'
import type { CoreRole, Group } from '../schemas/index.js'

/**
 * Who is looking at a roster or at membership events, as the tool has verified them: the access a
 * verified membership assertion gave (`MembershipCache.check(sub, group)` returns one), or
 * `undefined` for someone the tool has not verified (signed out, or signed in to another group).
 */
export interface RosterViewer {
  /** The group the viewer's verified membership is in. */
  readonly group: string
  /** The viewer's core roles in that group, from the assertion. */
  readonly roles: readonly CoreRole[]
}

/**
 * Decides whether a tool may show a group's roster entries and membership events to a viewer,
 * by the group's `rosterVisibility`: `public` to anyone, `members` only to a viewer verified as an
 * active member of the group, `admins` only to a viewer verified as one of its admins (core role
 * `admin`). Call it before rendering a roster, a member list or a membership event, with the
 * viewer's access from `MembershipCache.check`, which throws for a membership that has ended.
 *
 * @param group The group's document (its `id` and `rosterVisibility`).
 * @param viewer The viewer's verified access, or `undefined` when the tool has verified no one.
 * @throws {ProtocolError} `ERR_ROSTER_HIDDEN` when the viewer may not see the roster.
 * @example
 * ```ts
 * declare const session: { member: string } | undefined // the signed-in member, if any
 * const viewer = session === undefined ? undefined : members.check(session.member, group.id)
 * checkRosterViewer(group, viewer) // throws ERR_ROSTER_HIDDEN for a members-only roster and no viewer
 * ```
 * @see {@link https://w3id.org/cta/spec/privacy#PRV-SHOW-001 Spec: PRV-SHOW-001}
 */
export function checkRosterViewer(
  group: Pick<Group, 'id' | 'rosterVisibility'>,
  viewer: RosterViewer | undefined,
): void {
  // Widened: a document from a peer may carry a value the schema did not foresee.
  const visibility: string = group.rosterVisibility
  if (visibility === 'public') return
  if (visibility !== 'members' && visibility !== 'admins') {
    // An unknown visibility is not public: nothing is shown.
    throw new ProtocolError('ERR_ROSTER_HIDDEN', `unknown rosterVisibility: ${visibility}`)
  }
  if (viewer === undefined) {
    throw new ProtocolError(
      'ERR_ROSTER_HIDDEN',
      `the roster is shown only to verified ${visibility} of the group`,
    )
  }
  if (viewer.group !== group.id) {
    throw new ProtocolError('ERR_ROSTER_HIDDEN', 'the viewer is verified for another group')
  }
  if (visibility === 'admins' && !viewer.roles.includes('admin')) {
    throw new ProtocolError('ERR_ROSTER_HIDDEN', 'the roster is shown only to the group’s admins')
  }
}
