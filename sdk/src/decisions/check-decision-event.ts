import { ProtocolError } from '../errors.js'
import type { EmbeddedPoll, EmbeddedStance, PollRef, Tally } from '../schemas/index.js'
import { assertValid } from '../validate/validate-document.js'
import { resultsHidden } from './redact-stance.js'

/** The decision event types and the activity members this check reads. */
type DecisionData = {
  readonly actor: { readonly type: string }
  readonly object: EmbeddedPoll | EmbeddedStance
  readonly target?: PollRef
  readonly result?: Tally
}

const VOTER_TYPES: ReadonlySet<string> = new Set(['Person'])

function leak(message: string): ProtocolError {
  return new ProtocolError('ERR_DECISION_PRIVACY', message)
}

/**
 * Checks a decision event against the privacy rules, as a receiver (or a relay, or the emitter
 * before it signs) must: in an anonymous poll a `stance.cast` names no voter, neither as its
 * `actor` nor as the stance's `attributedTo` (DEC-PRIV-001); while a poll hides its results, no
 * event carries a tally, a stance's `choice` or its reason (DEC-PRIV-002). Other event types pass
 * unchanged.
 *
 * @param event The event envelope (unsigned JSON, e.g. the payload `verifyEvent` returned).
 * @param options `currentDate`: the time the event is judged at (defaults to now); a poll whose
 *   `endTime` has passed no longer hides its results.
 * @returns The event, validated.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when the event does not match its schema.
 * @throws {ProtocolError} `ERR_DECISION_PRIVACY` when it says who voted what in an anonymous poll,
 *   or shows results the poll hides until it closes.
 * @example
 * ```ts
 * import { checkDecisionEvent } from '@cta-interop/sdk'
 * checkDecisionEvent(received.event) // throws ERR_DECISION_PRIVACY on a leak
 * ```
 * @see {@link https://w3id.org/cta/spec/decisions#DEC-PRIV-001 Spec: DEC-PRIV-001}
 */
export function checkDecisionEvent<T>(event: T, options: { currentDate?: Date } = {}): T {
  const valid = assertValid(event) as { type: string; data: DecisionData }
  const data = valid.data
  const now = options.currentDate ?? new Date()
  switch (valid.type) {
    case 'tech.collaborative.stance.cast': {
      const poll = data.target as PollRef
      const stance = data.object as EmbeddedStance
      if (poll.anonymous === true) {
        if (VOTER_TYPES.has(data.actor.type)) {
          throw leak('a stance in an anonymous poll is announced by the tool, not the voter')
        }
        if (stance.attributedTo !== undefined) {
          throw leak('a stance in an anonymous poll does not say who cast it')
        }
      }
      if (
        poll.hideResults === 'untilClosed' &&
        (stance.choice !== undefined || stance.content !== undefined)
      ) {
        throw leak('a stance shows no choice or reason while the poll hides its results')
      }
      break
    }
    case 'tech.collaborative.poll.opened':
    case 'tech.collaborative.poll.closing-soon': {
      const poll = data.object as EmbeddedPoll
      if (data.result !== undefined && resultsHidden(poll, now)) {
        throw leak('no tally travels before the poll closes')
      }
      break
    }
    case 'tech.collaborative.poll.closed': {
      const poll = data.object as EmbeddedPoll
      if (data.result !== undefined && poll.closed === undefined && resultsHidden(poll, now)) {
        throw leak('a poll that hides its results shows them once it has closed')
      }
      break
    }
  }
  return event
}
