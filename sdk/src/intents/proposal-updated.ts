import { createEvent } from '../events/create-event.js'
import type { EventOf, Proposal } from '../schemas/index.js'
import { embedded, envelope, renderable } from './internal/activity.js'
import { isoString } from './internal/time.js'
import type { ProposalEventOptions } from './proposal-published.js'

/**
 * Creates the `tech.collaborative.proposal.updated` event of a proposal's new version: an `Update`
 * activity whose object is the proposal as it now is. Give the proposal a later `updated` on every
 * change: receivers ignore versions older than the one they hold.
 *
 * @param proposal The new version of the proposal.
 * @param options `source` and `actor` (required), and optional overrides. `published` defaults to
 *   the proposal's `updated`, else the current time.
 * @returns The frozen, schema-valid event.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when the event would not validate.
 * @throws {TypeError} When `options` is missing.
 * @example
 * ```ts
 * import { proposalUpdated } from '@cta-interop/sdk'
 * const event = proposalUpdated(proposal, { source, actor }) // the proposal's new version
 * ```
 * @see {@link https://w3id.org/cta/spec/intents#INT-LIFE-001 Spec: INT-LIFE-001}
 */
export function proposalUpdated(
  proposal: Proposal,
  options: ProposalEventOptions,
): EventOf<'tech.collaborative.proposal.updated'> {
  const data = {
    type: 'Update' as const,
    ...renderable(options, {
      summary: `${options.actor.name} updated the ${proposal.purpose}: ${proposal.name}`,
      url: proposal.url ?? proposal.id,
      published: proposal.updated ?? isoString(new Date()),
      audience: proposal.audience,
    }),
    object: embedded(proposal),
  }
  return createEvent('tech.collaborative.proposal.updated', data, envelope(options))
}
