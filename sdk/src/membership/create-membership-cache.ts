import { MAX_ASSERTION_LIFETIME } from '../auth/constants.js'
import { ProtocolError } from '../errors.js'
import { DEFAULT_CLOCK_TOLERANCE, EVENT_WINDOW } from '../events/constants.js'
import { readInstant } from '../internal/parse-instant.js'
import type {
  CoreRole,
  EmbeddedMembership,
  Event,
  MembershipAssertionClaims,
  Permission,
} from '../schemas/index.js'

/** A member's access to a group in a relying tool, as {@link MembershipCache} holds it. */
export interface MemberAccess {
  /** The member's IRI at the authority. */
  readonly sub: string
  /** The group's IRI. */
  readonly group: string
  /** The authority that asserted the membership (`iss`). */
  readonly authority: string
  readonly roles: readonly CoreRole[]
  readonly entitlements: readonly Permission[]
  /** When this access ends unless a fresh assertion renews it, in milliseconds since the epoch. */
  readonly expiresAt: number
}

/** Options of {@link createMembershipCache}. */
export interface MembershipCacheOptions {
  /**
   * How long access lasts after an assertion is admitted, in seconds. Default: until the
   * assertion's `exp`; a longer session relies on the authority's membership events to end it.
   */
  readonly ttl?: number
  /**
   * This tool's origin: a `group.tool.disconnected` event for it ends every member's access to
   * that group.
   */
  readonly tool?: string
  /** Clock skew tolerated, in seconds. Default 60. */
  readonly clockTolerance?: number
  /** "Now" in milliseconds, for tests. */
  readonly now?: () => number
}

/**
 * A relying tool's record of who may currently act in which group. Fed verified assertions
 * ({@link MembershipCache.admit}) and verified events ({@link MembershipCache.onEvent}); asked on
 * every request ({@link MembershipCache.check}).
 */
export interface MembershipCache {
  /**
   * Records a member's access from a verified assertion, unless the authority has announced since
   * the assertion was issued that the membership ended.
   * @throws {ProtocolError} `ERR_MEMBERSHIP_ENDED`.
   */
  admit(claims: MembershipAssertionClaims): MemberAccess
  /**
   * The member's current access to the group.
   * @throws {ProtocolError} `ERR_MEMBERSHIP_ENDED` when there is none: never admitted, expired,
   *   or ended by an event.
   */
  check(sub: string, group: string): MemberAccess
  /**
   * Acts on a verified event: `membership.left` and `.removed`, `.updated` to a status other than
   * `active`, and `group.tool.disconnected` for this tool end access; `.updated` with another core
   * role drops the entry so that a fresh assertion brings the new entitlements. Events about a
   * group from any source but its authority, and all other types, are ignored. So is a membership
   * event whose `sequence` is not greater than that of the last one applied for the same member
   * ([MEM-EVT-003](https://w3id.org/cta/spec/membership#MEM-EVT-003)): a late `membership.left`
   * does not end the access of a member who joined again.
   * @returns `false` when it ignored the event as older than one it already applied; `true`
   *   otherwise.
   * @throws {ProtocolError} `ERR_SCHEMA_INVALID` when the event's `time` is not a date-time that
   *   can be compared ([EVT-TIME-001](https://w3id.org/cta/spec/events#EVT-TIME-001)), or its
   *   `sequence` is not 20 digits ([DOC-SEQ-001](https://w3id.org/cta/spec/documents#DOC-SEQ-001)).
   */
  onEvent(event: Event): boolean
}

const key = (sub: string, group: string): string => `${sub}\u0000${group}`
const originOf = (iri: string): string => (URL.canParse(iri) ? new URL(iri).origin : iri)
const ended = (): never => {
  throw new ProtocolError('ERR_MEMBERSHIP_ENDED', 'the member has no access to this group')
}
const SEQUENCE = /^[0-9]{20}$/

/**
 * Creates a relying tool's membership cache, in memory. Access comes from verified membership
 * assertions and ends at its expiry or as soon as the group's authority announces, by a verified
 * event, that the membership ended, even while the assertion that granted it is still within its
 * lifetime. An ending is remembered for as long as an assertion issued before it could still be
 * valid, so such an assertion cannot be admitted again.
 *
 * @param options `ttl`, `tool`, `clockTolerance`, `now`.
 * @returns The {@link MembershipCache}.
 * @throws {TypeError} When `ttl` is not a positive number.
 * @example
 * ```ts
 * const members = createMembershipCache({ tool: 'https://budgeting.example' })
 * const inbox = createInbox({
 *   resolveKey, dedupe, speaksFor: installations.speaksFor,
 *   onEvent: (event) => { members.onEvent(event) },
 * })
 * members.admit((await exchangeForAssertion(authority, accessToken)).claims)
 * members.check(sub, group.id) // throws ERR_MEMBERSHIP_ENDED once the member is removed
 * ```
 * @see {@link https://w3id.org/cta/spec/group-auth#ending-access Spec: ending access}
 */
export function createMembershipCache(options: MembershipCacheOptions = {}): MembershipCache {
  if (options.ttl !== undefined && !(options.ttl > 0)) {
    throw new TypeError('ttl must be a positive number of seconds')
  }
  const now = options.now ?? Date.now
  const tolerance = (options.clockTolerance ?? DEFAULT_CLOCK_TOLERANCE) * 1000
  const entries = new Map<string, MemberAccess>()
  // Endings by member and group (or by group alone, for a disconnected tool): the authority's
  // origin, when the ending happened, and until when it matters.
  const endings = new Map<string, { authority: string; at: number; until: number }>()
  // The `sequence` of the last membership event applied, by member, group and authority, until
  // an older event can no longer be accepted (MEM-EVT-003): its window and the skew.
  const applied = new Map<string, { sequence: string; until: number }>()

  const sweep = (t: number): void => {
    for (const [k, e] of endings) if (e.until <= t) endings.delete(k)
    for (const [k, e] of applied) if (e.until <= t) applied.delete(k)
    for (const [k, a] of entries) if (a.expiresAt <= t) entries.delete(k)
  }
  const endedBefore = (k: string, authority: string, iat: number): boolean => {
    const ending = endings.get(k)
    return ending !== undefined && ending.authority === authority && iat <= ending.at
  }
  const end = (k: string, authority: string, at: number): void => {
    endings.set(k, { authority, at, until: at + (MAX_ASSERTION_LIFETIME * 1000 + tolerance) * 2 })
  }

  return {
    admit(claims) {
      const t = now()
      if (endings.size + entries.size + applied.size > 10_000) sweep(t)
      const group = claims.groups[0] as string
      const authority = originOf(claims.iss)
      const iat = claims.iat * 1000
      if (
        endedBefore(key(claims.sub, group), authority, iat) ||
        endedBefore(group, authority, iat)
      ) {
        return ended()
      }
      const access: MemberAccess = Object.freeze({
        sub: claims.sub,
        group,
        authority,
        roles: Object.freeze([...claims.roles]),
        entitlements: Object.freeze([...claims.entitlements]),
        expiresAt: options.ttl === undefined ? claims.exp * 1000 : t + options.ttl * 1000,
      })
      entries.set(key(claims.sub, group), access)
      return access
    },

    check(sub, group) {
      const access = entries.get(key(sub, group))
      if (access === undefined) return ended()
      if (access.expiresAt <= now()) {
        entries.delete(key(sub, group))
        return ended()
      }
      return access
    },

    onEvent(event) {
      const authority = originOf(event.source)
      // A leap second reads as :59.999, so a removal stamped `:60` still ends every assertion
      // issued before it; a time that cannot be compared is refused, never skipped.
      const at = readInstant(event.time)
      const type = event.type
      if (type === 'tech.collaborative.group.tool.disconnected') {
        const installation = event.data.object as { tool?: unknown }
        if (options.tool === undefined || installation.tool !== options.tool) return true
        end(event.group, authority, at)
        for (const [k, access] of entries) {
          if (access.group === event.group && access.authority === authority) entries.delete(k)
        }
        return true
      }
      const data = event.data as { result?: unknown; object?: unknown }
      const membership = (
        type === 'tech.collaborative.membership.updated' ? data.object : data.result
      ) as EmbeddedMembership | undefined
      if (membership?.organization !== event.group) return true
      const k = key(membership.member.id, event.group)
      const access = entries.get(k)
      if (access !== undefined && access.authority !== authority) return true
      const sequence = event.sequence
      if (sequence !== undefined && type.startsWith('tech.collaborative.membership.')) {
        if (typeof sequence !== 'string' || !SEQUENCE.test(sequence)) {
          throw new ProtocolError('ERR_SCHEMA_INVALID', 'the sequence is not 20 digits')
        }
        const order = `${k}\u0000${authority}`
        const last = applied.get(order)
        // Equal widths: string order is number order (DOC-SEQ-001).
        if (last !== undefined && last.until > now() && sequence <= last.sequence) return false
        applied.set(order, { sequence, until: at + EVENT_WINDOW * 1000 + tolerance })
      }
      switch (type) {
        case 'tech.collaborative.membership.left':
        case 'tech.collaborative.membership.removed':
          end(k, authority, at)
          entries.delete(k)
          return true
        case 'tech.collaborative.membership.updated':
          if (membership.membershipStatus !== 'active') {
            end(k, authority, at)
            entries.delete(k)
          } else if (access !== undefined && !access.roles.includes(membership.coreRole)) {
            entries.delete(k)
          }
          return true
        default:
          return true
      }
    },
  }
}
