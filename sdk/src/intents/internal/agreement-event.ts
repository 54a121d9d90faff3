import { ProtocolError } from '../../errors.js'
import { coreEvent, type CoreEventOptions } from '../../events/internal/core-event.js'
import type { ActorRef, Agreement, EventOf } from '../../schemas/index.js'
import { isRecord } from './activity.js'

/** Options of the agreement event builders ({@link proposalResponded} and the others). */
export interface AgreementEventOptions extends CoreEventOptions {
  /** Who acted, with the name a dashboard shows. */
  readonly actor: ActorRef
}

/** A `proposal.responded` event, as built or as `verifyEvent` returned it. */
export type AgreementResponse = EventOf<'tech.collaborative.proposal.responded'>

/**
 * Checks a response before an answer to it is built, and returns the agreement it offers.
 * @throws {ProtocolError} `ERR_EVENT_INCONSISTENT` when it is not a `proposal.responded` event.
 * @internal
 */
export function offeredAgreement(response: AgreementResponse): Agreement {
  if (!isRecord(response) || !isRecord(response.data)) {
    throw new TypeError('response must be a tech.collaborative.proposal.responded event')
  }
  if ((response.type as string) !== 'tech.collaborative.proposal.responded') {
    throw new ProtocolError(
      'ERR_EVENT_INCONSISTENT',
      `an agreement is answered in reply to a proposal.responded event, not ${response.type}`,
    )
  }
  return response.data.object
}

/** Fails with a `TypeError` unless `options` has a `source` and an `actor`. @internal */
export function checkAgreementOptions(options: unknown): asserts options is AgreementEventOptions {
  if (!isRecord(options) || typeof options['source'] !== 'string' || !isRecord(options['actor'])) {
    throw new TypeError('options with source and actor are required')
  }
}

/**
 * Builds the proposer's answer to a response: the `Accept` or `Reject` of the agreement it
 * offered, in reply to the response's activity, addressed to the responder. @internal
 */
export function answerEvent<
  T extends 'tech.collaborative.agreement.accepted' | 'tech.collaborative.agreement.rejected',
>(
  type: T,
  activityType: 'Accept' | 'Reject',
  verb: string,
  response: AgreementResponse,
  options: AgreementEventOptions,
): EventOf<T> {
  checkAgreementOptions(options)
  const agreement = offeredAgreement(response)
  const { data } = response
  return coreEvent(
    type,
    {
      type: activityType,
      actor: options.actor,
      object: agreement,
      inReplyTo: data.id ?? agreement.id,
    },
    {
      summary: `${options.actor.name} ${verb} the offer of ${data.actor.name}`,
      url: data.url,
      audience: data.audience,
    },
    { ...options, to: options.to ?? [data.actor.id] },
  )
}
