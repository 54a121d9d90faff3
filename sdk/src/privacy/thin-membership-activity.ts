import type { ActorRef, Group } from '../schemas/index.js'
import { MEMBERSHIP_EVENT_PREFIX } from './check-event-privacy.js'

/** What a membership event says when the roster is not public: no one is named. */
const NEUTRAL: Readonly<Record<string, (group: string) => string>> = {
  joined: (group) => `A member joined ${group}`,
  updated: (group) => `A membership of ${group} changed`,
  left: (group) => `A member left ${group}`,
  removed: (group) => `A member was removed from ${group}`,
}

type Activity = Record<string, unknown> & { summary: string }

const withoutName = (value: unknown): unknown => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value
  const { name: _name, ...rest } = value as Record<string, unknown>
  if ((value as Record<string, unknown>)['type'] === 'Person') return rest
  const member = (value as Record<string, unknown>)['member']
  return member === undefined ? value : { ...value, member: withoutName(member) }
}

/**
 * The activity of a membership event as a group whose `rosterVisibility` is not `public` must
 * announce it (PRV-EVT-001): the member by IRI only, the authority as the actor in place of a
 * person, and a summary that names no one. Other events, and public rosters, are returned as is.
 * @internal
 */
export function thinMembershipActivity<A extends Activity>(
  type: string,
  group: Pick<Group, 'name' | 'rosterVisibility'>,
  activity: A,
  authority: ActorRef,
): A {
  if (!type.startsWith(MEMBERSHIP_EVENT_PREFIX) || group.rosterVisibility === 'public') {
    return activity
  }
  const neutral = NEUTRAL[type.slice(MEMBERSHIP_EVENT_PREFIX.length)]
  const actor = activity['actor'] as ActorRef | undefined
  return {
    ...activity,
    ...(actor?.type === 'Person' ? { actor: authority } : {}),
    ...('object' in activity ? { object: withoutName(activity['object']) } : {}),
    ...('result' in activity ? { result: withoutName(activity['result']) } : {}),
    ...(neutral === undefined ? {} : { summary: neutral(group.name) }),
  }
}
