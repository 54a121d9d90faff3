import { coreEvent } from '../events/internal/core-event.js'
import type { Agreement, EventOf, Proposal } from '../schemas/index.js'
import { article, isRecord } from './internal/activity.js'
import { checkAgreementOptions, type AgreementEventOptions } from './internal/agreement-event.js'

export type { AgreementEventOptions, AgreementResponse } from './internal/agreement-event.js'

/**
 * Creates the `tech.collaborative.proposal.responded` event: an `Offer` of an agreement in reply
 * to a proposal (FEP-0837), whose commitments satisfy the proposal's intents. The proposer answers
 * with {@link agreementAccepted} or {@link agreementRejected}.
 *
 * @param agreement The agreement offered.
 * @param proposal The proposal it answers: the event's `inReplyTo` and `audience`.
 * @param options `source` and `actor` (who responds) required; `to` defaults to the proposal's
 *   `attributedTo`; `url` to the proposal's `url`, else its `id`.
 * @returns The frozen, schema-valid event; its `subject` is the agreement.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when the event would not validate.
 * @throws {TypeError} When `agreement`, `proposal` or `options` is missing.
 * @example
 * ```ts
 * import { proposalResponded } from '@cta-interop/sdk'
 * const event = proposalResponded(agreement, bounty, { source: 'https://budgeting.example', actor })
 * ```
 * @see {@link https://w3id.org/cta/spec/intents#INT-LIFE-001 Spec: INT-LIFE-001}
 */
export function proposalResponded(
  agreement: Agreement,
  proposal: Proposal,
  options: AgreementEventOptions,
): EventOf<'tech.collaborative.proposal.responded'> {
  checkAgreementOptions(options)
  if (!isRecord(proposal)) {
    throw new TypeError('proposal must be a Proposal document')
  }
  return coreEvent(
    'tech.collaborative.proposal.responded',
    { type: 'Offer', actor: options.actor, object: agreement, inReplyTo: proposal.id },
    {
      summary: `${options.actor.name} answered ${article(proposal.purpose)}: ${proposal.name}`,
      url: proposal.url ?? proposal.id,
      audience: proposal.audience,
    },
    { ...options, to: options.to ?? [proposal.attributedTo] },
  )
}
