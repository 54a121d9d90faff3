import { createEvent } from '../events/create-event.js'
import type { EventOf, Match } from '../schemas/index.js'
import { envelope, renderable } from './internal/activity.js'
import { isoString } from './internal/time.js'
import type { ProposalEventOptions } from './proposal-published.js'

/** Options of {@link intentMatched}. */
export interface IntentMatchedOptions extends ProposalEventOptions {
  /** The group the event belongs to: the group both proposals are visible in. */
  readonly audience: string
}

/**
 * Creates the `tech.collaborative.intent.matched` event of a match: a `Create` activity whose
 * object is the `Match` (without its `@context`).
 *
 * @param match A match from {@link createMatch}.
 * @param options `source`, `actor` (the matcher) and `audience` (required), and optional overrides.
 *   `url` defaults to the match's `id`, else its `subject`; `published` to the match's
 *   `published`, else the current time.
 * @returns The frozen, schema-valid event.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when the event would not validate.
 * @throws {TypeError} When `options` is missing.
 * @example
 * ```ts
 * import { createMatch, intentMatched } from '@cta-interop/sdk'
 * declare const subject: string, object: string // the proposal, and the counterpart found
 * declare const requester: string, provider: string // their authors
 * const event = intentMatched(createMatch({ subject, object, score: '0.975' }), {
 *   source: 'https://budgeting.example',
 *   actor: { id: 'https://budgeting.example', type: 'Application', name: 'Budgeting' },
 *   audience: 'https://decisions.example/g/harbour-commons',
 *   to: [requester, provider],
 * })
 * ```
 * @see {@link https://w3id.org/cta/spec/intents#INT-MAT-011 Spec: INT-MAT-011}
 */
export function intentMatched(
  match: Match,
  options: IntentMatchedOptions,
): EventOf<'tech.collaborative.intent.matched'> {
  const { '@context': _context, ...object } = match
  const score = ` (score ${match.score})`
  const data = {
    type: 'Create' as const,
    ...renderable(options, {
      summary: `Match found for ${match.subject}${score}`,
      url: match.id ?? match.subject,
      published: match.published ?? isoString(new Date()),
      audience: options.audience,
    }),
    object,
  }
  return createEvent('tech.collaborative.intent.matched', data, envelope(options))
}
