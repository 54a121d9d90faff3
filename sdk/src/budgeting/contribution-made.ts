import type { Contribution, EventOf } from '../schemas/index.js'
import { isRecord } from '../intents/internal/activity.js'
import { budgetEvent, embed, type BudgetEventOptions } from './internal/events.js'

/**
 * Creates the `tech.collaborative.contribution.made` event of a contribution: a `Create` activity whose object is the contribution.
 *
 * @param contribution The contribution document.
 * @param options `source` and `actor` (required), and optional overrides. `published` defaults to the contribution's `published`; `url` to its bucket.
 * @returns The frozen, schema-valid event.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when the event would not validate.
 * @throws {TypeError} When `contribution` or `options` is missing.
 * @example
 * ```ts
 * import { contributionMade } from '@cta-interop/sdk'
 * const event = contributionMade(contribution, {
 *   source: 'https://budgeting.example',
 *   actor: { id: 'https://decisions.example/u/tomas', type: 'Person', name: 'Tomás' },
 * })
 * ```
 * @see {@link https://w3id.org/cta/spec/budgeting#BUD-EVT-001 Spec: BUD-EVT-001}
 */
export function contributionMade(
  contribution: Contribution,
  options: BudgetEventOptions,
): EventOf<'tech.collaborative.contribution.made'> {
  if (!isRecord(contribution)) {
    throw new TypeError('contribution must be a Contribution document')
  }
  return budgetEvent(
    'tech.collaborative.contribution.made',
    { type: 'Create', object: embed(contribution) },
    {
      summary: `${options.actor.name} contributed ${contribution.resourceQuantity.hasNumericalValue} to a bucket`,
      url: contribution.receiver,
      published: contribution.published,
      audience: contribution.audience,
    },
    options,
  )
}
