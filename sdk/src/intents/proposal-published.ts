import { createEvent } from '../events/create-event.js'
import type { ActorRef, EventOf, Proposal } from '../schemas/index.js'
import { article, embedded, envelope, renderable } from './internal/activity.js'

/** Options of {@link proposalPublished} and the other proposal event helpers. */
export interface ProposalEventOptions {
  /** The emitting tool's origin (the `id` of its tool manifest). */
  readonly source: string
  /** Who acted, with the name a dashboard shows. */
  readonly actor: ActorRef
  /** A one-line summary; a sensible default is written from the proposal. At most 280 characters. */
  readonly summary?: string
  /** A deep link into the tool. Defaults to the proposal's `url`, else its `id`. */
  readonly url?: string
  /** When it happened (RFC 3339). Defaults depend on the helper. */
  readonly published?: string
  /** The activity's own IRI. */
  readonly activityId?: string
  /** Addressees of the activity. */
  readonly to?: readonly string[]
  /** The event id. Defaults to a new UUIDv7. */
  readonly id?: string
  /** A per-source, increasing sequence string. */
  readonly sequence?: string
}

/**
 * Creates the `tech.collaborative.proposal.published` event of a proposal: a `Create` activity
 * whose object is the proposal, cast into its `audience`.
 *
 * @param proposal The proposal, e.g. from {@link createOffer} or {@link createRequest}.
 * @param options `source` and `actor` (required), and optional overrides. `published` defaults to
 *   the proposal's `published`.
 * @returns The frozen, schema-valid event.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when the event would not validate.
 * @throws {TypeError} When `options` is missing.
 * @example
 * ```ts
 * import { proposalPublished } from '@cta-interop/sdk'
 * const event = proposalPublished(offer, {
 *   source: 'https://budgeting.example',
 *   actor: { id: offer.attributedTo, type: 'Person', name: 'Aroha' },
 * })
 * ```
 * @see {@link https://w3id.org/cta/spec/intents#INT-LIFE-001 Spec: INT-LIFE-001}
 */
export function proposalPublished(
  proposal: Proposal,
  options: ProposalEventOptions,
): EventOf<'tech.collaborative.proposal.published'> {
  const data = {
    type: 'Create' as const,
    ...renderable(options, {
      summary: `${options.actor.name} published ${article(proposal.purpose)}: ${proposal.name}`,
      url: proposal.url ?? proposal.id,
      published: proposal.published,
      audience: proposal.audience,
    }),
    object: embedded(proposal),
  }
  return createEvent('tech.collaborative.proposal.published', data, envelope(options))
}
