import { deepFreeze } from '../internal/freeze.js'
import { parseInstant } from '../internal/parse-instant.js'
import type { EmbeddedPoll, EmbeddedStance, Poll, Stance } from '../schemas/index.js'

/** Options of {@link redactStance}. */
export interface RedactStanceOptions {
  /** The time the stance is shown at. Defaults to now. */
  readonly currentDate?: Date
}

/**
 * Tells whether a poll's results are hidden at a time: it hides them until it closes
 * (`hideResults: 'untilClosed'`) and it has not closed (no `closed`, and `endTime` not reached).
 *
 * @param poll The poll.
 * @param currentDate The time to judge at. Defaults to now.
 * @returns `true` while nothing of the results may travel (DEC-PRIV-002).
 * @throws {TypeError} When `currentDate` is not a valid Date.
 * @see {@link https://w3id.org/cta/spec/decisions#DEC-PRIV-002 Spec: DEC-PRIV-002}
 */
export function resultsHidden(poll: Poll | EmbeddedPoll, currentDate: Date = new Date()): boolean {
  if (!(currentDate instanceof Date) || Number.isNaN(currentDate.getTime())) {
    throw new TypeError('currentDate must be a valid Date')
  }
  if (poll.hideResults !== 'untilClosed') return false
  if (poll.closed !== undefined) return false
  return !(parseInstant(poll.endTime) <= currentDate.getTime())
}

/**
 * The stance as an event may carry it, by the privacy rules: without who cast it
 * (`attributedTo`) in an anonymous poll (DEC-PRIV-001), and without what was chosen (`choice`)
 * or why (`content`) while the poll hides its results (DEC-PRIV-002).
 *
 * @param stance The stance as the tool holds it.
 * @param poll Its poll.
 * @param options `currentDate`: when it is shown (defaults to now).
 * @returns The frozen stance without `@context` and without what the poll keeps private.
 * @throws {TypeError} When `currentDate` is not a valid Date.
 * @example
 * ```ts
 * import { redactStance } from '@cta-interop/sdk'
 * const shown = redactStance(stance, poll) // no attributedTo when poll.anonymous
 * ```
 * @see {@link https://w3id.org/cta/spec/decisions#DEC-PRIV-001 Spec: DEC-PRIV-001}
 */
export function redactStance(
  stance: Stance | EmbeddedStance,
  poll: Poll | EmbeddedPoll,
  options: RedactStanceOptions = {},
): EmbeddedStance {
  const {
    '@context': _context,
    attributedTo,
    choice,
    content,
    ...rest
  } = stance as EmbeddedStance & { '@context'?: unknown }
  const hidden = resultsHidden(poll, options.currentDate)
  return deepFreeze({
    ...rest,
    ...(poll.anonymous === true || attributedTo === undefined ? {} : { attributedTo }),
    ...(hidden || choice === undefined ? {} : { choice }),
    ...(hidden || content === undefined ? {} : { content }),
  })
}
