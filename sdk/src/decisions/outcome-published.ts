import { createEvent } from '../events/create-event.js'
import type { EventOf, Outcome } from '../schemas/index.js'
import { envelope, renderable, type DecisionEventOptions } from './internal/event.js'

/**
 * Creates the `tech.collaborative.outcome.published` event of an outcome: a `Create` activity
 * whose object is the outcome, with what it decides, so that another tool can act on it (a
 * budgeting tool opens a bucket for the decided amount).
 *
 * @param outcome The outcome, e.g. from {@link createOutcome}.
 * @param options `source` and `actor` (required), and optional overrides; `url` defaults to the
 *   poll's IRI (`inReplyTo`).
 * @returns The frozen, schema-valid event.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when the event would not validate.
 * @throws {TypeError} When `options` is missing.
 * @example
 * ```ts
 * import { outcomePublished } from '@cta-interop/sdk'
 * const event = outcomePublished(outcome, { source, actor })
 * ```
 * @see {@link https://w3id.org/cta/spec/decisions#DEC-EVT-001 Spec: DEC-EVT-001}
 */
export function outcomePublished(
  outcome: Outcome,
  options: DecisionEventOptions,
): EventOf<'tech.collaborative.outcome.published'> {
  const { '@context': _context, ...object } = outcome
  const data = {
    type: 'Create' as const,
    ...renderable(options, {
      summary: `Outcome: ${outcome.name ?? outcome.summary ?? 'a decision was made'}`,
      url: outcome.inReplyTo,
      audience: outcome.audience,
    }),
    object,
  }
  return createEvent('tech.collaborative.outcome.published', data as never, envelope(options))
}
