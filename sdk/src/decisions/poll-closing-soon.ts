import { createEvent } from '../events/create-event.js'
import type { EmbeddedPoll, EventOf, Poll, Tally } from '../schemas/index.js'
import { checkDecisionEvent } from './check-decision-event.js'
import { embeddedPoll, envelope, renderable, type DecisionEventOptions } from './internal/event.js'

/** Options of {@link pollClosingSoon}. */
export interface PollClosingSoonOptions extends DecisionEventOptions {
  /** The tally so far; only for a poll that does not hide its results (DEC-PRIV-002). */
  readonly tally?: Tally
}

/**
 * Creates the `tech.collaborative.poll.closing-soon` event of a poll: an `Announce` activity whose
 * object is the poll and, when its results are not hidden, whose `result` is the tally so far.
 *
 * @param poll The poll.
 * @param options `source` and `actor` (required), an optional `tally`, and optional overrides.
 * @returns The frozen, schema-valid event.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when the event would not validate.
 * @throws {ProtocolError} `ERR_DECISION_PRIVACY` when a tally is given for a poll that hides its
 *   results until it closes.
 * @throws {TypeError} When `options` is missing.
 * @example
 * ```ts
 * import { pollClosingSoon, tallyPoll } from '@cta-interop/sdk'
 * const event = pollClosingSoon(poll, { source, actor, tally: tallyPoll(poll, stances) })
 * ```
 * @see {@link https://w3id.org/cta/spec/decisions#DEC-PRIV-002 Spec: DEC-PRIV-002}
 */
export function pollClosingSoon(
  poll: Poll | EmbeddedPoll,
  options: PollClosingSoonOptions,
): EventOf<'tech.collaborative.poll.closing-soon'> {
  const data = {
    type: 'Announce' as const,
    ...renderable(options, {
      summary: `Closing soon: ${poll.name}`,
      url: poll.url ?? poll.id,
      audience: poll.audience,
    }),
    object: embeddedPoll(poll),
    ...(options.tally === undefined ? {} : { result: options.tally }),
  }
  const event = createEvent(
    'tech.collaborative.poll.closing-soon',
    data as never,
    envelope(options),
  )
  return checkDecisionEvent(event, { currentDate: new Date(event.time) })
}
