import type { Contribution, EventOf } from '../schemas/index.js'
import { isRecord } from '../intents/internal/activity.js'
import { budgetEvent, embed, type BudgetEventOptions } from './internal/events.js'

/**
 * Creates the `tech.collaborative.contribution.refunded` event of a contribution returned to its member's balance (its bucket was cancelled): an `Undo` activity whose object is the contribution.
 *
 * @param contribution The contribution document.
 * @param options `source` and `actor` (required), and optional overrides. `published` is required: when the refund happened (the bucket's cancellation).
 * @returns The frozen, schema-valid event.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when the event would not validate.
 * @throws {TypeError} When `contribution` or `options` is missing.
 * @example
 * ```ts
 * import { contributionRefunded } from '@cta-interop/sdk'
 * const event = contributionRefunded(contribution, {
 *   source: 'https://budgeting.example',
 *   actor: { id: 'https://decisions.example/u/tomas', type: 'Person', name: 'Tomás' },
 *   published: '2027-03-20T10:00:00Z',
 * })
 * ```
 * @see {@link https://w3id.org/cta/spec/budgeting#BUD-CANC-001 Spec: BUD-CANC-001}
 */
export function contributionRefunded(
  contribution: Contribution,
  options: BudgetEventOptions,
): EventOf<'tech.collaborative.contribution.refunded'> {
  if (!isRecord(contribution)) {
    throw new TypeError('contribution must be a Contribution document')
  }
  if (!isRecord(options) || options.published === undefined) {
    throw new TypeError('options.published (when the refund happened) is required')
  }
  return budgetEvent(
    'tech.collaborative.contribution.refunded',
    { type: 'Undo', object: embed(contribution) },
    {
      summary: `${contribution.resourceQuantity.hasNumericalValue} was refunded to ${options.actor.name}`,
      url: contribution.receiver,
      published: options.published,
      audience: contribution.audience,
    },
    options,
  )
}
