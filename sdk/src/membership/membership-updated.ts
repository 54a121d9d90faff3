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
 * Creates the `tech.collaborative.membership.updated` event of a membership whose roles or status
 * changed: an `Update` whose `object` is the membership as it now is (`suspended` pauses access).
 * Unless the group's roster is `public`, the event names no one (PRV-EVT-001).
 *
 * @param membership The membership as it now is (`active` or `suspended`, with `updated`).
 * @param options `source` and `group` (required); `actor` who made the change (default the
 *   `authority`, itself by default `source` as an `Application`), `sequence` and optional
 *   overrides.
 * @returns The frozen, schema-valid event; its `subject` is the membership.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when the event would not validate.
 * @throws {ProtocolError} `ERR_EVENT_INCONSISTENT` when the membership is of another group, or
 *   has ended (`left`, `removed`: announce those with {@link membershipLeft} or
 *   {@link membershipRemoved}).
 * @throws {ProtocolError} `ERR_EVENT_PRIVACY` when it would name a member of a roster that is not
 *   public, or carry contact details.
 * @throws {TypeError} When `membership` or `options` (with `source` and `group`) is missing.
 * @example
 * ```ts
 * import { membershipUpdated } from '@cta-interop/sdk'
 * const event = membershipUpdated(
 *   { ...membership, coreRole: 'moderator', updated: '2026-09-28T11:05:00Z' },
 *   { source: 'https://decisions.example', group },
 * )
 * ```
 * @see {@link https://w3id.org/cta/spec/membership#MEM-EVT-001 Spec: MEM-EVT-001}
 * @see {@link https://w3id.org/cta/spec/privacy#PRV-EVT-001 Spec: PRV-EVT-001}
 */
export function membershipUpdated(
  membership: EmbeddedMembership | Membership,
  options: MembershipEventOptions,
): EventOf<'tech.collaborative.membership.updated'> {
  checkGroupOptions(options)
  const object = embedMembership(membership)
  const { group } = options
  checkMembership(object, group, ['requested', 'invited', 'active', 'suspended'])
  const actor = options.actor ?? options.authority ?? toolActor(options.source)
  return membershipEvent(
    'tech.collaborative.membership.updated',
    {
      type: 'Update',
      actor,
      object,
      summary: `${actor.name} changed the membership of ${nameOf(object.member)} in ${group.name}`,
    },
    object.member,
    object.id,
    options,
  )
}
