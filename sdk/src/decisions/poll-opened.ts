import { createEvent } from '../events/create-event.js'
import type { EmbeddedPoll, EventOf, Poll } from '../schemas/index.js'
import { checkDecisionEvent } from './check-decision-event.js'
import { embeddedPoll, envelope, renderable, type DecisionEventOptions } from './internal/event.js'
import { checkPoll } from './internal/rules.js'

export type { DecisionEventOptions } from './internal/event.js'

/**
 * Creates the `tech.collaborative.poll.opened` event of a poll: a `Create` activity whose object
 * is the poll. It carries no result.
 *
 * @param poll The poll, e.g. from {@link createPoll}.
 * @param options `source` and `actor` (required), and optional overrides.
 * @returns The frozen, schema-valid event.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when the event would not validate.
 * @throws {ProtocolError} `ERR_POLL_INVALID` when the poll breaks DEC-POLL-001 to DEC-POLL-003.
 * @throws {TypeError} When `options` is missing.
 * @example
 * ```ts
 * import { pollOpened } from '@cta-interop/sdk'
 * const event = pollOpened(poll, { source: 'https://decisions.example', actor })
 * ```
 * @see {@link https://w3id.org/cta/spec/decisions#DEC-EVT-001 Spec: DEC-EVT-001}
 */
export function pollOpened(
  poll: Poll | EmbeddedPoll,
  options: DecisionEventOptions,
): EventOf<'tech.collaborative.poll.opened'> {
  checkPoll(poll)
  const data = {
    type: 'Create' as const,
    ...renderable(options, {
      summary: `${options.actor.name} opened a poll: ${poll.name}`,
      url: poll.url ?? poll.id,
      audience: poll.audience,
    }),
    object: embeddedPoll(poll),
  }
  return checkDecisionEvent(
    createEvent('tech.collaborative.poll.opened', data as never, envelope(options)),
  )
}
