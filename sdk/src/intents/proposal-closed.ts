import { createEvent } from '../events/create-event.js'
import type { EventOf, Proposal } from '../schemas/index.js'
import { embedded, envelope, renderable } from './internal/activity.js'
import { isoString } from './internal/time.js'
import type { ProposalEventOptions } from './proposal-published.js'

/** Why a proposal closed. */
export type CloseReason = 'fulfilled' | 'withdrawn' | 'expired'

/** Options of {@link proposalClosed}. */
export interface ProposalClosedOptions extends ProposalEventOptions {
  /** Why it closed: `fulfilled`, `withdrawn` or `expired`. */
  readonly reason: CloseReason
}

/**
 * Creates the `tech.collaborative.proposal.closed` event of a proposal: an `Update` activity with
 * a `closeReason`. Receivers remove the proposal from matching.
 *
 * @param proposal The proposal as it was when it closed.
 * @param options `source`, `actor` and `reason` (required), and optional overrides. `published`
 *   defaults to the current time.
 * @returns The frozen, schema-valid event.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when the event would not validate (an unknown
 *   `reason` among others).
 * @throws {TypeError} When `options` is missing.
 * @example
 * ```ts
 * import { proposalClosed } from '@cta-interop/sdk'
 * const event = proposalClosed(bounty, { source, actor, reason: 'fulfilled' })
 * ```
 * @see {@link https://w3id.org/cta/spec/intents#INT-LIFE-001 Spec: INT-LIFE-001}
 */
export function proposalClosed(
  proposal: Proposal,
  options: ProposalClosedOptions,
): EventOf<'tech.collaborative.proposal.closed'> {
  const purpose = proposal.purpose === 'offer' ? 'Offer' : 'Request'
  const data = {
    type: 'Update' as const,
    ...renderable(options, {
      summary: `${purpose} ${options.reason}: ${proposal.name}`,
      url: proposal.url ?? proposal.id,
      published: isoString(new Date()),
      audience: proposal.audience,
    }),
    object: embedded(proposal),
    closeReason: options.reason,
  }
  return createEvent('tech.collaborative.proposal.closed', data, envelope(options))
}
