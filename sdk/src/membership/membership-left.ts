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

/**
 * Creates the `tech.collaborative.membership.left` event of a membership the member ended: a
 * `Leave` of the group whose `result` is the membership. Tools end the member's access. Unless the
 * group's roster is `public`, the event names no one (PRV-EVT-001).
 *
 * @param membership The membership as it now is (`membershipStatus` `left`, with its `endTime`).
 * @param options `source` and `group` (required); `authority`, `sequence` and optional overrides.
 * @returns The frozen, schema-valid event; its `subject` is the membership.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when the event would not validate.
 * @throws {ProtocolError} `ERR_EVENT_INCONSISTENT` when the membership is of another group or
 *   not `left`.
 * @throws {ProtocolError} `ERR_EVENT_PRIVACY` when it would name a member of a roster that is not
 *   public, or carry contact details.
 * @throws {TypeError} When `membership` or `options` (with `source` and `group`) is missing.
 * @example
 * ```ts
 * import { membershipLeft } from '@cta-interop/sdk'
 * const event = membershipLeft(
 *   { ...membership, membershipStatus: 'left', endTime: '2026-10-01T08:00:00Z' },
 *   { source: 'https://decisions.example', group },
 * )
 * ```
 * @see {@link https://w3id.org/cta/spec/membership#MEM-EVT-001 Spec: MEM-EVT-001}
 * @see {@link https://w3id.org/cta/spec/privacy#PRV-EVT-001 Spec: PRV-EVT-001}
 */
export function membershipLeft(
  membership: EmbeddedMembership | Membership,
  options: MembershipEventOptions,
): EventOf<'tech.collaborative.membership.left'> {
  checkGroupOptions(options)
  const result = embedMembership(membership)
  const { group } = options
  checkMembership(result, group, ['left'])
  const { member } = result
  return membershipEvent(
    'tech.collaborative.membership.left',
    {
      type: 'Leave',
      actor: asActor(member),
      object: group.id,
      result,
      summary: `${nameOf(member)} left ${group.name}`,
    },
    member,
    result.id,
    options,
  )
}
