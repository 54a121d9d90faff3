import { ProtocolError, isProtocolError } from '../errors.js'
import type { MembershipAssertionClaims } from '../schemas/index.js'

/** The re-check period when an assertion states none (`cta_recheck` absent), in seconds. */
export const DEFAULT_RECHECK_PERIOD = 900
/** The longest re-check period an authority may state (`cta_recheck`), in seconds. */
export const MAX_RECHECK_PERIOD = 3600

/**
 * What {@link MembershipRecheckOptions.reestablish} found at the group's authority: the claims of
 * a fresh, verified assertion about the member (from `exchangeForAssertion`), `'active'` when a
 * completed roster read or `differences` sync lists the membership as active, or `'ended'` when it
 * lists it as ended or not at all.
 */
export type Reestablished = MembershipAssertionClaims | 'active' | 'ended'

/** Options of {@link createMembershipRecheck}. */
export interface MembershipRecheckOptions {
  /**
   * Asks the group's authority again about a member: typically `exchangeForAssertion` with the
   * member's access token. A rejection with a coded {@link ProtocolError} is the authority's
   * refusal (it answered, and said no), unless its code is `ERR_FETCH_FAILED` or the answer was a
   * `429` or `5xx`; any other rejection means the authority could not be reached.
   */
  readonly reestablish: (sub: string, group: string) => Promise<Reestablished>
  /** "Now" in milliseconds, for tests. Default `Date.now`. */
  readonly now?: () => number
}

/** A member's membership as {@link MembershipRecheck} keeps it. */
export interface EstablishedMembership {
  readonly sub: string
  readonly group: string
  /** When the membership was last re-established, in milliseconds since the epoch. */
  readonly at: number
  /** The re-check period the authority stated (`cta_recheck`, or the default), in seconds. */
  readonly period: number
  /** The last accepted claims: a roster read keeps the claims it re-established. */
  readonly claims: MembershipAssertionClaims
}

/**
 * A relying tool's record of when it last re-established each member's membership with the
 * group's authority, and the bound that follows from it.
 */
export interface MembershipRecheck {
  /**
   * Records that the membership was established by a verified assertion fresh from the authority
   * (at sign-in): from the earlier of its `iat` and `at`.
   * @throws {TypeError} When `claims.cta_recheck` is present and not an integer from 1 to 3600.
   */
  established(claims: MembershipAssertionClaims, at?: number): EstablishedMembership
  /**
   * Lets the member act now, or not: re-establishes the membership first once half its period
   * has passed. Resolves with the membership as now established.
   * @throws {ProtocolError} `ERR_MEMBERSHIP_ENDED` when it was never established, or the
   *   authority refused to re-establish it;
   *   `ERR_MEMBERSHIP_UNCONFIRMED` when the period has passed since it was last re-established
   *   and the authority cannot be reached.
   */
  ensure(sub: string, group: string): Promise<EstablishedMembership>
  /** Forgets a membership (signed out, or ended by the authority's event). */
  forget(sub: string, group: string): void
}

const key = (sub: string, group: string): string => `${sub}\u0000${group}`

/** The period an assertion states, checked, in seconds. */
function periodOf(claims: MembershipAssertionClaims): number {
  const stated = claims.cta_recheck
  if (stated === undefined) return DEFAULT_RECHECK_PERIOD
  if (!Number.isInteger(stated) || stated < 1 || stated > MAX_RECHECK_PERIOD) {
    throw new TypeError(`cta_recheck must be an integer from 1 to ${MAX_RECHECK_PERIOD}`)
  }
  return stated
}

/**
 * The HTTP status behind an error, if any: an OAuth error body's (`status`), or the `Response` a
 * client error keeps as its `cause`.
 */
function statusOf(err: unknown): number | undefined {
  let e = (err as { cause?: unknown }).cause
  for (let depth = 0; depth < 4 && typeof e === 'object' && e !== null; depth++) {
    const status = (e as { status?: unknown }).status
    if (typeof status === 'number') return status
    e = (e as { cause?: unknown }).cause
  }
  return undefined
}

/** Whether a failure to re-establish is the authority's refusal, not its absence. */
function isRefusal(err: unknown): boolean {
  if (!isProtocolError(err) || err.code === 'ERR_FETCH_FAILED') return false
  const status = statusOf(err)
  return !(status !== undefined && (status === 429 || status >= 500))
}

/**
 * Creates a relying tool's re-check of memberships ([AUTH-END-004]): a member may act only while
 * the tool re-established their membership with the group's authority (a fresh assertion, or a
 * roster read that lists it as active) within the period the authority states in the assertion's
 * `cta_recheck` (default 900 s, at most 3600 s). Once half the period has passed,
 * {@link MembershipRecheck.ensure} asks the authority again before letting the member act: a
 * refusal ends access at once; while the authority cannot be reached the member keeps access
 * until the period has passed since the last success, and then loses it. Membership events end
 * access sooner (`createMembershipCache`); this bound holds when they never arrive.
 *
 * @param options `reestablish`, `now`.
 * @returns The {@link MembershipRecheck}.
 * @throws {TypeError} When `reestablish` is not a function.
 * @example
 * ```ts
 * declare const accessTokenOf: (sub: string, group: string) => string // from the member's session
 * const recheck = createMembershipRecheck({
 *   reestablish: async (sub, group) =>
 *     (await exchangeForAssertion(authority, accessTokenOf(sub, group), { replay })).claims,
 * })
 * recheck.established(claims) // at sign-in
 * await recheck.ensure(sub, group.id) // on each request: throws once the bound has passed
 * ```
 * @see {@link https://w3id.org/cta/spec/group-auth#AUTH-END-004 Spec: AUTH-END-004}
 * @see {@link https://w3id.org/cta/spec/group-auth#AUTH-END-005 Spec: AUTH-END-005}
 * @see {@link https://w3id.org/cta/spec/group-auth#AUTH-END-006 Spec: AUTH-END-006}
 */
export function createMembershipRecheck(options: MembershipRecheckOptions): MembershipRecheck {
  if (typeof options.reestablish !== 'function') {
    throw new TypeError('reestablish must be a function')
  }
  const now = options.now ?? Date.now
  const held = new Map<string, EstablishedMembership>()
  const inFlight = new Map<string, Promise<EstablishedMembership>>()

  const record = (claims: MembershipAssertionClaims, at: number): EstablishedMembership => {
    const group = claims.groups[0] as string
    const entry = Object.freeze({
      sub: claims.sub,
      group,
      at: Math.min(at, claims.iat * 1000),
      period: periodOf(claims),
      claims,
    })
    held.set(key(claims.sub, group), entry)
    return entry
  }

  const ended = (k: string, reason: string): never => {
    held.delete(k)
    throw new ProtocolError('ERR_MEMBERSHIP_ENDED', reason)
  }

  const recheck = async (
    k: string,
    entry: EstablishedMembership,
  ): Promise<EstablishedMembership> => {
    const started = now()
    let found: Reestablished
    try {
      found = await options.reestablish(entry.sub, entry.group)
    } catch (err) {
      const current = held.get(k)
      // Forgotten (ended by an event) or established anew (signed in again) meanwhile.
      if (current !== entry) return current ?? ended(k, 'the membership ended meanwhile')
      if (isRefusal(err)) return ended(k, 'the authority refused to re-establish the membership')
      if (now() - entry.at < entry.period * 1000) return entry
      held.delete(k)
      throw new ProtocolError(
        'ERR_MEMBERSHIP_UNCONFIRMED',
        'the membership could not be re-established with the authority in time',
        { cause: err },
      )
    }
    const current = held.get(k)
    if (current !== entry) return current ?? ended(k, 'the membership ended meanwhile')
    if (found === 'ended') return ended(k, 'the roster no longer lists the membership as active')
    if (found === 'active') {
      const renewed = Object.freeze({ ...entry, at: started })
      held.set(k, renewed)
      return renewed
    }
    if (found.sub !== entry.sub || found.groups[0] !== entry.group) {
      return ended(k, 'the authority asserted another membership')
    }
    return record(found, started)
  }

  return {
    established(claims, at = now()) {
      return record(claims, at)
    },

    async ensure(sub, group) {
      const k = key(sub, group)
      const entry = held.get(k)
      if (entry === undefined) return ended(k, 'the membership was never established')
      const age = now() - entry.at
      if (age < (entry.period * 1000) / 2) return entry
      let pending = inFlight.get(k)
      if (pending === undefined) {
        pending = recheck(k, entry).finally(() => inFlight.delete(k))
        inFlight.set(k, pending)
      }
      return pending
    },

    forget(sub, group) {
      held.delete(key(sub, group))
    },
  }
}
