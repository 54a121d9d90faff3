import { createEvent } from '../events/create-event.js'
import type { EmbeddedPoll, EventOf, Poll, Stance } from '../schemas/index.js'
import { checkDecisionEvent } from './check-decision-event.js'
import { envelope, pollRef, renderable, type DecisionEventOptions } from './internal/event.js'
import { redactStance } from './redact-stance.js'

/**
 * Creates the `tech.collaborative.stance.cast` event of a stance: a `Create` activity whose object
 * is the stance, redacted by {@link redactStance} (no voter in an anonymous poll, no choice or
 * reason while results are hidden), and whose `target` names the poll and its privacy.
 *
 * @param stance The stance, e.g. from {@link createStance}.
 * @param poll Its poll.
 * @param options `source` and `actor` (required; the tool itself, as an `Application`, in an
 *   anonymous poll), and optional overrides.
 * @returns The frozen, schema-valid event.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when the event would not validate.
 * @throws {ProtocolError} `ERR_DECISION_PRIVACY` when the actor is a person in an anonymous poll.
 * @throws {TypeError} When `options` is missing.
 * @example
 * ```ts
 * import { stanceCast } from '@cta-interop/sdk'
 * const event = stanceCast(stance, poll, { source, actor: { id: source, type: 'Application', name: 'Decisions' } })
 * ```
 * @see {@link https://w3id.org/cta/spec/decisions#DEC-PRIV-001 Spec: DEC-PRIV-001}
 */
export function stanceCast(
  stance: Stance,
  poll: Poll | EmbeddedPoll,
  options: DecisionEventOptions,
): EventOf<'tech.collaborative.stance.cast'> {
  const defaults = renderable(options, {
    summary: `${poll.anonymous === true ? 'Someone' : options.actor.name} voted on: ${poll.name}`,
    url: poll.url ?? poll.id,
    audience: poll.audience,
  })
  const data = {
    type: 'Create' as const,
    ...defaults,
    object: redactStance(stance, poll, { currentDate: new Date(String(defaults['published'])) }),
    target: pollRef(poll),
  }
  return checkDecisionEvent(
    createEvent('tech.collaborative.stance.cast', data as never, envelope(options)),
  )
}
