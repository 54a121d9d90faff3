import { ProtocolError } from '../errors.js'
import type { Event } from '../schemas/index.js'

/**
 * Tells whether a tool may speak for a group: it is the group's authority, or it holds an
 * `active` installation in the group, as the group's authority says (its `tools` collection and
 * its `group.tool.connected` / `.disconnected` events). `createInstallationCache` answers it.
 *
 * Resolve `true` or `false` when the answer is known; throw (or reject) when it cannot be learnt
 * now, and the inbox answers `503` with `ERR_FETCH_FAILED` and `Retry-After`.
 *
 * @param group The event's `group`.
 * @param source The event's `source`, the origin of the tool that signed it.
 */
export type SpeaksFor = (group: string, source: string) => boolean | Promise<boolean>

/**
 * DEVELOPMENT AND TESTS ONLY: the `speaksFor` of an inbox that takes correctly signed events about
 * any group from any tool, as if every tool were installed everywhere. Never in production: any
 * tool could then tell the receiver what happened in a group that does not use it.
 */
export const ANY_SOURCE = 'any-source'

/** What an inbox's `speaksFor` option takes: a {@link SpeaksFor}, or {@link ANY_SOURCE}. */
export type SourceCheck = SpeaksFor | typeof ANY_SOURCE

/**
 * Checks that a `speaksFor` option was given: an inbox never takes any source by default.
 *
 * @param speaksFor The option as given.
 * @returns It, typed.
 * @throws {TypeError} When it is neither a function nor {@link ANY_SOURCE}.
 * @see {@link https://w3id.org/cta/spec/events#EVT-AUTHZ-001 Spec: EVT-AUTHZ-001}
 */
export function requireSourceCheck(speaksFor: unknown): SourceCheck {
  if (typeof speaksFor === 'function' || speaksFor === ANY_SOURCE) return speaksFor as SourceCheck
  throw new TypeError(
    "an inbox needs speaksFor: who may speak for a group (createInstallationCache().speaksFor), or 'any-source' for development",
  )
}

/**
 * Refuses a verified event whose `source` may not speak for its `group`: neither the group's
 * authority nor a tool with an active installation in it. Runs after `verifyEvent`, before the
 * event is recorded, so a refused event is not remembered.
 *
 * @param event The verified event.
 * @param speaksFor Who may speak for a group, or {@link ANY_SOURCE}.
 * @throws {ProtocolError} `ERR_NOT_INSTALLED` (403) when `speaksFor` answers `false`;
 *   `ERR_FETCH_FAILED` (503, to be retried) when it throws or rejects, with its error as `cause`.
 * @example
 * ```ts
 * const { event } = await verifyEvent(jws, { resolveKey })
 * await checkSourceInstalled(event, installations.speaksFor)
 * ```
 * @see {@link https://w3id.org/cta/spec/events#EVT-AUTHZ-001 Spec: EVT-AUTHZ-001}
 * @see {@link https://w3id.org/cta/spec/events#EVT-AUTHZ-004 Spec: EVT-AUTHZ-004}
 */
export async function checkSourceInstalled(event: Event, speaksFor: SourceCheck): Promise<void> {
  if (speaksFor === ANY_SOURCE) return
  // Anything but `true` refuses, also from a callback that breaks its type.
  let allowed: unknown
  try {
    allowed = await speaksFor(event.group, event.source)
  } catch (err) {
    // A fixed detail: what the resolver knows of the authority's failure stays here (SEC-ERR-001).
    throw new ProtocolError(
      'ERR_FETCH_FAILED',
      'whether the source may speak for the group cannot be learnt now; retry later',
      { cause: err },
    )
  }
  if (allowed !== true) {
    throw new ProtocolError(
      'ERR_NOT_INSTALLED',
      'the source is neither the group’s authority nor installed in the group',
    )
  }
}
