import type { FundingRound, EventOf } from '../schemas/index.js'
import { isRecord } from '../intents/internal/activity.js'
import { budgetEvent, embed, type BudgetEventOptions } from './internal/events.js'

/**
 * Creates the `tech.collaborative.round.closed` event of a funding round: an `Update` activity whose object is the round with its final `endTime`.
 *
 * @param round The funding round document.
 * @param options `source` and `actor` (required), and optional overrides. `published` defaults to the round's `endTime`.
 * @returns The frozen, schema-valid event.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when the event would not validate.
 * @throws {TypeError} When `round` or `options` is missing.
 * @example
 * ```ts
 * import { roundClosed } from '@cta-interop/sdk'
 * const event = roundClosed(round, {
 *   source: 'https://budgeting.example',
 *   actor: { id: 'https://decisions.example/u/tomas', type: 'Person', name: 'Tomás' },
 * })
 * ```
 * @see {@link https://w3id.org/cta/spec/budgeting#BUD-EVT-001 Spec: BUD-EVT-001}
 */
export function roundClosed(
  round: FundingRound,
  options: BudgetEventOptions,
): EventOf<'tech.collaborative.round.closed'> {
  if (!isRecord(round)) {
    throw new TypeError('round must be a FundingRound document')
  }
  return budgetEvent(
    'tech.collaborative.round.closed',
    { type: 'Update', object: embed(round) },
    {
      summary: `${options.actor.name} closed the funding round ${round.name}`,
      url: round.url ?? round.id,
      published: round.endTime ?? round.updated ?? round.published,
      audience: round.audience,
    },
    options,
  )
}
