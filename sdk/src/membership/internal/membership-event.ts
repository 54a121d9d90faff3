import {
  checkOptions,
  coreEvent,
  inconsistent,
  toolActor,
  type CoreEventOptions,
} from '../../events/internal/core-event.js'
import { isRecord } from '../../intents/internal/activity.js'
import { checkEventPrivacy } from '../../privacy/check-event-privacy.js'
import { thinMembershipActivity } from '../../privacy/thin-membership-activity.js'
import type {
  ActorRef,
  CoreEventType,
  EmbeddedMembership,
  EventOf,
  Group,
  MemberRef,
  Membership,
  ToolInstallation,
} from '../../schemas/index.js'

/** The group an event is about: its `id` and `name`, and its `url` and `rosterVisibility`. */
export type EventGroup = Pick<Group, 'id' | 'name'> &
  Partial<Pick<Group, 'url' | 'rosterVisibility'>>

/** Options of the membership and tool installation event builders ({@link membershipJoined} …). */
export interface MembershipEventOptions extends CoreEventOptions {
  /**
   * The group. Unless its `rosterVisibility` is `public` (a group without one counts as not
   * public), the event names no one (PRV-EVT-001): the member by IRI only, the authority as the
   * actor in place of a person, a summary without names.
   */
  readonly group: EventGroup
  /** The authority (or tool) that made the change. Default: `source` as an `Application`. */
  readonly authority?: ActorRef
}

/** The membership as an event carries it: without its `@context`. @internal */
export function embedMembership(membership: EmbeddedMembership | Membership): EmbeddedMembership {
  if (!isRecord(membership)) throw new TypeError('membership must be a Membership document')
  const { '@context': _context, ...rest } = membership as Membership
  return rest
}

/** A tool installation as an event carries it: without its `@context`. */
export type EmbeddedInstallation = Omit<ToolInstallation, '@context'>

/** The installation as an event carries it: without its `@context`. @internal */
export function embedInstallation(
  installation: ToolInstallation | EmbeddedInstallation,
): EmbeddedInstallation {
  if (!isRecord(installation)) throw new TypeError('installation must be a ToolInstallation')
  const { '@context': _context, ...rest } = installation as ToolInstallation
  return rest
}

/** `Aroha`, or `A member` for a member without a name. @internal */
export const nameOf = (member: MemberRef): string => member.name ?? 'A member'

/** The member as the actor of their own change. @internal */
export const asActor = (member: MemberRef): ActorRef => ({
  id: member.id,
  type: 'Person',
  name: nameOf(member),
})

/** Fails unless `options` has a `source` and a `group`. @internal */
export function checkGroupOptions(options: unknown): asserts options is MembershipEventOptions {
  checkOptions(options)
  if (!isRecord((options as { group?: unknown }).group)) {
    throw new TypeError('options.group (the group document, or its id and name) is required')
  }
}

/**
 * Checks that a membership belongs to the group and has one of the statuses the event announces.
 * @throws {ProtocolError} `ERR_EVENT_INCONSISTENT` when it does not.
 * @internal
 */
export function checkMembership(
  membership: EmbeddedMembership,
  group: EventGroup,
  statuses: readonly string[],
): void {
  if (membership.organization !== group.id) {
    throw inconsistent(`the membership is of ${membership.organization}, not ${group.id}`)
  }
  if (!statuses.includes(membership.membershipStatus)) {
    throw inconsistent(
      `a membership ${membership.membershipStatus} is not announced by this event (${statuses.join(', ')})`,
    )
  }
}

/**
 * Builds a membership event as PRV-EVT-001 wants it, then checks it with `checkEventPrivacy`
 * (contact details, and names given in `summary` for a roster that is not public). @internal
 */
export function membershipEvent<T extends CoreEventType>(
  type: T,
  activity: Record<string, unknown> & { type: string; actor: ActorRef; summary: string },
  member: MemberRef,
  subject: string,
  options: MembershipEventOptions,
): EventOf<T> {
  const { group } = options
  const authority = options.authority ?? toolActor(options.source)
  const { summary, ...announced } = thinMembershipActivity(
    type,
    { name: group.name, rosterVisibility: group.rosterVisibility ?? 'members' },
    activity,
    authority,
  )
  const event = coreEvent(
    type,
    announced as typeof activity,
    { summary, url: group.url ?? group.id, audience: group.id, subject },
    options,
  )
  checkEventPrivacy(event, {
    group: { id: group.id, rosterVisibility: group.rosterVisibility ?? 'members' },
    names: member.name === undefined ? [] : [member.name],
  })
  return event
}
