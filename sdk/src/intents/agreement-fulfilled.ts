import { coreEvent } from '../events/internal/core-event.js'
import type { EconomicEvent, EventOf } from '../schemas/index.js'
import { isRecord } from './internal/activity.js'
import { checkAgreementOptions, type AgreementEventOptions } from './internal/agreement-event.js'

/** Options of {@link agreementFulfilled}. */
export interface AgreementFulfilledOptions extends AgreementEventOptions {
  /** The IRI of the agreement fulfilled: the event's `inReplyTo`, and its `url` by default. */
  readonly agreement: string
  /** The group the agreement was made in: the event's `audience`. */
  readonly group: string
}

/**
 * Creates the `tech.collaborative.agreement.fulfilled` event: a `Create` of the ValueFlows
 * economic event that fulfilled an agreement (a payment made, a service delivered), in reply to
 * the agreement.
 *
 * @param economicEvent What happened (`fulfills` names the commitment it fulfils).
 * @param options `source`, `actor`, `agreement` and `group` required; `to` defaults to the
 *   economic event's `receiver`.
 * @returns The frozen, schema-valid event; its `subject` is the economic event.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when the event would not validate (a quantity
 *   that is not a decimal string, among others).
 * @throws {TypeError} When `economicEvent` or `options` is missing.
 * @example
 * ```ts
 * import { agreementFulfilled } from '@cta-interop/sdk'
 * const event = agreementFulfilled(payment, {
 *   source: 'https://ledger.example',
 *   actor,
 *   agreement: 'https://budgeting.example/agreements/19',
 *   group: 'https://decisions.example/g/harbour-commons',
 * })
 * ```
 * @see {@link https://w3id.org/cta/spec/documents#core-event-types Spec: core event types}
 */
export function agreementFulfilled(
  economicEvent: EconomicEvent,
  options: AgreementFulfilledOptions,
): EventOf<'tech.collaborative.agreement.fulfilled'> {
  checkAgreementOptions(options)
  if (!isRecord(economicEvent)) {
    throw new TypeError('economicEvent must be a ValueFlows EconomicEvent')
  }
  return coreEvent(
    'tech.collaborative.agreement.fulfilled',
    { type: 'Create', actor: options.actor, object: economicEvent, inReplyTo: options.agreement },
    {
      summary: `${options.actor.name} recorded that an agreement was fulfilled`,
      url: options.agreement,
      audience: options.group,
    },
    { ...options, to: options.to ?? [economicEvent.receiver] },
  )
}
