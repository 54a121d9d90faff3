import { toolActor } from '../events/internal/core-event.js'
import type { EmbeddedMembership, EventOf, Membership } from '../schemas/index.js'
import {
  checkGroupOptions,
  checkMembership,
  embedMembership,
  membershipEvent,
  nameOf,
  type MembershipEventOptions,
} from './internal/membership-event.js'

/**
 * Creates the `tech.collaborative.membership.removed` event of a membership someone ended: a
 * `Remove` of the member from the group, whose `result` is the membership. Tools end the member's
 * access. Unless the group's roster is `public`, the event names no one (PRV-EVT-001).
 *
 * @param membership The membership as it now is (`membershipStatus` `removed`).
 * @param options `source` and `group` (required); `actor` who removed the member (default the
 *   `authority`, itself by default `source` as an `Application`), `sequence` and optional
 *   overrides.
 * @returns The frozen, schema-valid event; its `subject` is the membership.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when the event would not validate.
 * @throws {ProtocolError} `ERR_EVENT_INCONSISTENT` when the membership is of another group or
 *   not `removed`.
 * @throws {ProtocolError} `ERR_EVENT_PRIVACY` when it would name a member of a roster that is not
 *   public, or carry contact details.
 * @throws {TypeError} When `membership` or `options` (with `source` and `group`) is missing.
 * @example
 * ```ts
 * import { membershipRemoved } from '@cta-interop/sdk'
 * const event = membershipRemoved(
 *   { ...membership, membershipStatus: 'removed', endTime: '2026-10-01T08:00:00Z' },
 *   { source: 'https://decisions.example', group },
 * )
 * ```
 * @see {@link https://w3id.org/cta/spec/membership#MEM-EVT-001 Spec: MEM-EVT-001}
 * @see {@link https://w3id.org/cta/spec/privacy#PRV-EVT-001 Spec: PRV-EVT-001}
 */
export function membershipRemoved(
  membership: EmbeddedMembership | Membership,
  options: MembershipEventOptions,
): EventOf<'tech.collaborative.membership.removed'> {
  checkGroupOptions(options)
  const result = embedMembership(membership)
  const { group } = options
  checkMembership(result, group, ['removed'])
  const { member } = result
  const actor = options.actor ?? options.authority ?? toolActor(options.source)
  return membershipEvent(
    'tech.collaborative.membership.removed',
    {
      type: 'Remove',
      actor,
      object: member,
      target: group.id,
      result,
      summary: `${actor.name} removed ${nameOf(member)} from ${group.name}`,
    },
    member,
    result.id,
    options,
  )
}
