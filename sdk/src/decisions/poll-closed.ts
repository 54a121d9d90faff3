import { createEvent } from '../events/create-event.js'
import type { EmbeddedPoll, EventOf, Poll, Tally } from '../schemas/index.js'
import { checkDecisionEvent } from './check-decision-event.js'
import { embeddedPoll, envelope, renderable, type DecisionEventOptions } from './internal/event.js'

/** Options of {@link pollClosed}. */
export interface PollClosedOptions extends DecisionEventOptions {
  /** The final tally, from {@link tallyPoll}. */
  readonly tally?: Tally
}

/**
 * Creates the `tech.collaborative.poll.closed` event of a poll: an `Update` activity whose object
 * is the poll as closed (with `closed`) and whose `result` is its tally.
 *
 * @param poll The poll as it is once closed: with `closed`, the time it closed.
 * @param options `source` and `actor` (required), the `tally`, and optional overrides.
 * @returns The frozen, schema-valid event.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when the event would not validate.
 * @throws {ProtocolError} `ERR_DECISION_PRIVACY` when the poll hides its results and has not
 *   closed; `ERR_POLL_INVALID` when the tally is of another poll.
 * @throws {TypeError} When `options` is missing.
 * @example
 * ```ts
 * import { pollClosed, tallyPoll } from '@cta-interop/sdk'
 * const event = pollClosed(closedPoll, { source, actor, tally: tallyPoll(closedPoll, stances) })
 * ```
 * @see {@link https://w3id.org/cta/spec/decisions#DEC-EVT-001 Spec: DEC-EVT-001}
 */
export function pollClosed(
  poll: Poll | EmbeddedPoll,
  options: PollClosedOptions,
): EventOf<'tech.collaborative.poll.closed'> {
  const data = {
    type: 'Update' as const,
    ...renderable(options, {
      summary: `Poll closed: ${poll.name}`,
      url: poll.url ?? poll.id,
      audience: poll.audience,
    }),
    object: embeddedPoll(poll),
    ...(options.tally === undefined ? {} : { result: options.tally }),
  }
  const event = createEvent('tech.collaborative.poll.closed', data as never, envelope(options))
  return checkDecisionEvent(event, { currentDate: new Date(event.time) })
}
