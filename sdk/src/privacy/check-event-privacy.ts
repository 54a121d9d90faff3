import { ProtocolError } from '../errors.js'
import type { Group } from '../schemas/index.js'

/** The type prefix of the four membership events (`joined`, `updated`, `left`, `removed`). */
export const MEMBERSHIP_EVENT_PREFIX = 'tech.collaborative.membership.'

/** Options of {@link checkEventPrivacy}. */
export interface CheckEventPrivacyOptions {
  /**
   * The event's group (`id`, `rosterVisibility`), when known: a membership event of a group whose
   * roster is not public must name no one (PRV-EVT-001). It must be the event's `group`.
   */
  readonly group?: Pick<Group, 'id' | 'rosterVisibility'>
  /**
   * Names of the group's members that the `summary` of such a membership event must not contain
   * (an event that rightly carries no name cannot tell them). Compared as exact substrings.
   */
  readonly names?: readonly string[]
}

/** An email address inside a text: local part, `@`, a host with a dot. */
const EMAIL = /[^\s@<>()[\]"',;:/]+@[^\s@<>()[\]"',;:/]+\.[^\s@<>()[\]"',;:/]{2,}/u
/** IRI schemes that are a person's contact details or a handle at another service. */
const CONTACT_SCHEME = /^(mailto|tel|sms|acct):/iu
/** Members whose text the author wrote themselves: what they chose to say is theirs. */
const AUTHORED = new Set(['content', 'contentMap'])

const record = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined

const leak = (message: string): ProtocolError => new ProtocolError('ERR_EVENT_PRIVACY', message)

/** The first string (outside authored text) that is or holds contact details, with its path. */
function contactDetails(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') {
    return CONTACT_SCHEME.test(value) || EMAIL.test(value) ? path : undefined
  }
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = contactDetails(item, `${path}/${i}`)
      if (found !== undefined) return found
    }
    return undefined
  }
  const object = record(value)
  if (object === undefined) return undefined
  for (const [name, member] of Object.entries(object)) {
    if (AUTHORED.has(name)) continue
    const found = contactDetails(member, `${path}/${name}`)
    if (found !== undefined) return found
  }
  return undefined
}

/** Fails when a person reference (a `MemberRef`, or a membership's `member`) carries a name. */
function checkPerson(value: unknown, where: string): void {
  const ref = record(value)
  if (ref === undefined) return
  if (ref['type'] === 'Person' && 'name' in ref) throw leak(`${where} names the member`)
  const member = record(ref['member'])
  if (member !== undefined && 'name' in member) throw leak(`${where}.member names the member`)
}

/**
 * Checks what an event discloses about people, before a producer signs it or after a receiver
 * verified it:
 *
 * - no string in it, outside text the author wrote (`content`, `contentMap`), is or contains an
 *   email address, or is a `mailto:`, `tel:`, `sms:` or `acct:` IRI: not in an attribute, a
 *   name, a summary, nor a member's IRI (PRV-MIN-001, PRV-COR-001);
 * - given the event's `group`, a membership event (`tech.collaborative.membership.*`) of a group
 *   whose `rosterVisibility` is not `public` carries the member by IRI only: no `name` on the
 *   member (in `result`, `object` or the membership's `member`), an `actor` that is not a `Person`
 *   (the authority or the tool that made the change), and a `summary` without any of `names`
 *   (PRV-EVT-001).
 *
 * @param event The event (unsigned, as `verifyEvent` returns it, or as built before signing).
 * @param options `group` (the event's group document) and `names` (member names).
 * @throws {ProtocolError} `ERR_EVENT_PRIVACY` when the event discloses more than it may.
 * @throws {TypeError} When `group` is not the event's group: a bug in the caller.
 * @example
 * ```ts
 * checkEventPrivacy(event, { group, names: ['Aroha'] }) // throws ERR_EVENT_PRIVACY on a leak
 * ```
 * @see {@link https://w3id.org/cta/spec/privacy#PRV-EVT-001 Spec: PRV-EVT-001}
 * @see {@link https://w3id.org/cta/spec/privacy#PRV-MIN-001 Spec: PRV-MIN-001}
 */
export function checkEventPrivacy(
  event: { readonly type: string; readonly group?: string; readonly data: unknown },
  options: CheckEventPrivacyOptions = {},
): void {
  const { group } = options
  if (group !== undefined && event.group !== undefined && event.group !== group.id) {
    throw new TypeError(`the event is about ${event.group}, not ${group.id}`)
  }
  const found = contactDetails(event, '')
  if (found !== undefined) throw leak(`${found} holds contact details`)
  if (
    group === undefined ||
    !event.type.startsWith(MEMBERSHIP_EVENT_PREFIX) ||
    group.rosterVisibility === 'public'
  ) {
    return
  }
  const data = record(event.data) ?? {}
  if (record(data['actor'])?.['type'] === 'Person') {
    throw leak('a person is the actor of a membership event')
  }
  checkPerson(data['result'], 'result')
  checkPerson(data['object'], 'object')
  const summary = typeof data['summary'] === 'string' ? data['summary'] : ''
  const named = (options.names ?? []).find((name) => name !== '' && summary.includes(name))
  if (named !== undefined) throw leak('the summary names a member')
}
