import type { EmbeddedMembership, EventOf, Membership } from '../schemas/index.js'
import {
  asActor,
  checkGroupOptions,
  checkMembership,
  embedMembership,
  membershipEvent,
  nameOf,
  type MembershipEventOptions,
} from './internal/membership-event.js'

export type {
  EmbeddedInstallation,
  EventGroup,
  MembershipEventOptions,
} from './internal/membership-event.js'

/**
 * Creates the `tech.collaborative.membership.joined` event of an active membership: a `Join` by
 * the member, or, with `options.actor` (an admin, a tool), an `Add` of the member. Unless the
 * group's roster is `public`, the event names no one (PRV-EVT-001): the member by IRI only, the
 * authority as the actor, "A member joined Harbour Commons".
 *
 * @param membership The membership as it now is (`membershipStatus` `active`).
 * @param options `source` and `group` (required); `actor` who added the member; `authority`,
 *   `sequence` (the group's change number, MEM-EVT-001) and optional overrides. `url` defaults to
 *   the group's `url`, else its `id`.
 * @returns The frozen, schema-valid event; its `subject` is the membership.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when the event would not validate.
 * @throws {ProtocolError} `ERR_EVENT_INCONSISTENT` when the membership is of another group or
 *   not `active`.
 * @throws {ProtocolError} `ERR_EVENT_PRIVACY` when it would name a member of a roster that is not
 *   public (a `summary` with the member's name) or carry contact details.
 * @throws {TypeError} When `membership` or `options` (with `source` and `group`) is missing.
 * @example
 * ```ts
 * import { membershipJoined } from '@cta-interop/sdk'
 * const event = membershipJoined(membership, { source: 'https://decisions.example', group, sequence: 12 })
 * ```
 * @see {@link https://w3id.org/cta/spec/membership#MEM-EVT-001 Spec: MEM-EVT-001}
 * @see {@link https://w3id.org/cta/spec/privacy#PRV-EVT-001 Spec: PRV-EVT-001}
 */
export function membershipJoined(
  membership: EmbeddedMembership | Membership,
  options: MembershipEventOptions,
): EventOf<'tech.collaborative.membership.joined'> {
  checkGroupOptions(options)
  const result = embedMembership(membership)
  const { group, actor } = options
  checkMembership(result, group, ['active'])
  const { member } = result
  return membershipEvent(
    'tech.collaborative.membership.joined',
    actor === undefined
      ? {
          type: 'Join',
          actor: asActor(member),
          object: group.id,
          result,
          summary: `${nameOf(member)} joined ${group.name}`,
        }
      : {
          type: 'Add',
          actor,
          object: member,
          result,
          summary: `${actor.name} added ${nameOf(member)} to ${group.name}`,
        },
    member,
    result.id,
    options,
  )
}
