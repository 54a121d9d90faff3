import type { EventOf } from '../schemas/index.js'
import {
  answerEvent,
  type AgreementEventOptions,
  type AgreementResponse,
} from './internal/agreement-event.js'

/**
 * Creates the `tech.collaborative.agreement.accepted` event: the proposer's `Accept` of the
 * agreement a response offered, in reply to that response.
 *
 * @param response The `proposal.responded` event that offered the agreement (as built by
 *   {@link proposalResponded}, or as `verifyEvent` returned it).
 * @param options `source` and `actor` (the proposer) required; `to` defaults to the responder,
 *   `url` to the response's.
 * @returns The frozen, schema-valid event; its `subject` is the agreement.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when the event would not validate.
 * @throws {ProtocolError} `ERR_EVENT_INCONSISTENT` when `response` is not a `proposal.responded`
 *   event.
 * @throws {TypeError} When `response` or `options` is missing.
 * @example
 * ```ts
 * import { agreementAccepted } from '@cta-interop/sdk'
 * const event = agreementAccepted(response, { source: 'https://budgeting.example', actor })
 * ```
 * @see {@link https://w3id.org/cta/spec/documents#core-event-types Spec: core event types}
 */
export function agreementAccepted(
  response: AgreementResponse,
  options: AgreementEventOptions,
): EventOf<'tech.collaborative.agreement.accepted'> {
  return answerEvent(
    'tech.collaborative.agreement.accepted',
    'Accept',
    'accepted',
    response,
    options,
  )
}
