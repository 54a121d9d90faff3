import { ProtocolError } from '../errors.js'
import { deepFreeze } from '../internal/freeze.js'
import type { Proposal } from '../schemas/index.js'
import { parseInstant } from './internal/time.js'

/** The Murmurations schema an exported profile is validated against. */
export const MURMURATIONS_OPPORTUNITY_SCHEMA = 'cta_opportunity-v0.1.0'

/** The predicate that links an exported opportunity to the group it was cast into. */
export const CAST_INTO = 'https://w3id.org/cta#castInto'

const PUBLIC = new Set(['https://www.w3.org/ns/activitystreams#Public', 'as:Public', 'Public'])
const HTTP = /^https?:\/\/\S+$/

/** A Murmurations `cta_opportunity-v0.1.0` profile. */
export interface MurmurationsOpportunity {
  /** `['cta_opportunity-v0.1.0']`. */
  readonly linked_schemas: readonly string[]
  /** The website of the person or group who created the opportunity. */
  readonly primary_url: string
  /** `offer` or `want`. */
  readonly exchange_type: 'offer' | 'want'
  /** The proposal's name. */
  readonly title: string
  /** The proposal's summary, else its content as plain text, else its name. */
  readonly description: string
  /** Its hashtags, without `#`. */
  readonly tags: readonly string[]
  /** A page about the opportunity: the proposal's `url`, else its `id`. */
  readonly details_url?: string
  /** How to respond. */
  readonly contact_details: { readonly email?: string; readonly contact_form?: string }
  /** When the exchange can start, in Unix seconds. */
  readonly starts_at?: number
  /** When the opportunity ends (`endTime`, else the intent's `hasEnd`), in Unix seconds. */
  readonly ends_at?: number
  /** `castInto` the group. */
  readonly relationships: readonly { readonly predicate_url: string; readonly object_url: string }[]
}

/** Options of {@link toMurmurationsOpportunity}. */
export interface ToMurmurationsOpportunityOptions {
  /** The creator's website. Defaults to the proposal's `attributedTo`. */
  readonly primaryUrl?: string
  /** A contact email. */
  readonly contactEmail?: string
  /** A contact form URL. Defaults to the details URL. */
  readonly contactForm?: string
}

function notExportable(why: string): ProtocolError {
  return new ProtocolError('ERR_PROPOSAL_NOT_EXPORTABLE', `proposal cannot be exported: ${why}`)
}

function seconds(dateTime: string | undefined): number | undefined {
  return dateTime === undefined ? undefined : Math.floor(parseInstant(dateTime) / 1000)
}

/**
 * Exports a public proposal as a Murmurations `cta_opportunity-v0.1.0` profile, for a public
 * directory of offers and wants. A proposal is public when its `to` includes the ActivityStreams
 * public collection; any other proposal is refused, so that nothing cast into a group only leaks
 * into a public index.
 *
 * @param proposal The proposal.
 * @param options `primaryUrl`, `contactEmail`, `contactForm`.
 * @returns The profile, frozen; it validates against Murmurations' published schema.
 * @throws {ProtocolError} `ERR_PROPOSAL_NOT_EXPORTABLE` when the proposal is not public, or has no
 *   http(s) address to use as `primary_url`.
 * @example
 * ```ts
 * import { toMurmurationsOpportunity } from '@cta-interop/sdk'
 * const profile = toMurmurationsOpportunity(offer, { contactEmail: 'aroha@example.org' })
 * // host it at a profile URL, then POST that URL to a Murmurations index
 * ```
 * @see {@link https://w3id.org/cta/spec/intents#INT-DIR-001 Spec: INT-DIR-001}
 */
export function toMurmurationsOpportunity(
  proposal: Proposal,
  options: ToMurmurationsOpportunityOptions = {},
): MurmurationsOpportunity {
  if (!(proposal.to ?? []).some((iri) => PUBLIC.has(iri))) {
    throw notExportable('it is not addressed to the public')
  }
  const primary = options.primaryUrl ?? proposal.attributedTo
  if (!HTTP.test(primary) || primary.length > 2000) {
    throw notExportable('primary_url must be an http(s) URL')
  }
  const details = [proposal.url, proposal.id].find((u) => u !== undefined && HTTP.test(u))
  const content = proposal.content
    ?.replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
  const tags = (proposal.tag ?? [])
    .filter((t) => t.type === 'Hashtag')
    .map((t) => (t.name.startsWith('#') ? t.name.slice(1) : t.name))
    .filter((t) => t !== '')
  const contact: { email?: string; contact_form?: string } = {}
  if (options.contactEmail !== undefined) contact.email = options.contactEmail
  const form = options.contactForm ?? details
  if (form !== undefined) contact.contact_form = form
  const startsAt = seconds(proposal.publishes.hasBeginning)
  const endsAt = seconds(proposal.endTime ?? proposal.publishes.hasEnd)
  const profile = {
    linked_schemas: [MURMURATIONS_OPPORTUNITY_SCHEMA],
    primary_url: primary,
    exchange_type: proposal.purpose === 'offer' ? ('offer' as const) : ('want' as const),
    title: proposal.name,
    description:
      proposal.summary ?? (content === undefined || content === '' ? proposal.name : content),
    tags: [...new Set(tags)],
    ...(details === undefined ? {} : { details_url: details }),
    contact_details: contact,
    ...(startsAt === undefined ? {} : { starts_at: startsAt }),
    ...(endsAt === undefined ? {} : { ends_at: endsAt }),
    relationships: HTTP.test(proposal.audience)
      ? [{ predicate_url: CAST_INTO, object_url: proposal.audience }]
      : [],
  }
  return deepFreeze(profile)
}
