import type { Action, Proposal, Quantity, ResourceSpecification } from '../schemas/index.js'
import { buildProposal } from './internal/build-proposal.js'
import type { RoundingMode } from './round-amount.js'

/** The primary (or a non-monetary reciprocal) intent of a proposal, without its id and parties. */
export interface ProposalIntentOptions {
  /** The ValueFlows action: `transfer` for goods and money, `deliverService` for services, … */
  readonly action: Action
  /** The kind of resource or skill (an IRI), e.g. a Wikidata item or a group's skill list entry. */
  readonly resourceConformsTo?: string
  /** How much, per unit when the proposal is `unitBased`. */
  readonly resourceQuantity?: Quantity
  /** How much work, e.g. `{ hasUnit: 'hour', hasNumericalValue: '6' }`. */
  readonly effortQuantity?: Quantity
  /** How much is available in total (offers). */
  readonly availableQuantity?: Quantity
  /** The least that can be exchanged. */
  readonly minimumQuantity?: Quantity
  /** When the exchange can start (RFC 3339). */
  readonly hasBeginning?: string
  /** When the exchange must be over (RFC 3339). */
  readonly hasEnd?: string
  /** A short name for the intent. */
  readonly name?: string
  /** A note. */
  readonly note?: string
}

/** A price tag or a bounty: an amount in a currency described by its metadata. */
export interface Price {
  /** The amount, a decimal string such as `'45.00'`. */
  readonly amount: string
  /** The currency, with its `decimals`; its `id` becomes the reciprocal's `resourceConformsTo`. */
  readonly currency: ResourceSpecification
}

/** Options shared by {@link createOffer} and {@link createRequest}. */
export interface CreateProposalOptions {
  /** The proposal's IRI, without a fragment (its intents get `#primary` and `#reciprocal`). */
  readonly id: string
  /** Who publishes it. */
  readonly attributedTo: string
  /** The group it is cast into. */
  readonly audience: string
  /** Its title. */
  readonly name: string
  /** What is offered or requested. */
  readonly intent: ProposalIntentOptions
  /** The price (offer) or bounty (request), in a currency. Exclusive with `reciprocal`. */
  readonly price?: Price
  /** Something other than money in return. Exclusive with `price`. */
  readonly reciprocal?: ProposalIntentOptions
  /** A one-line plain-text summary. */
  readonly summary?: string
  /** A longer description (HTML). */
  readonly content?: string
  /** A page about it in the tool. */
  readonly url?: string
  /** Further addressees; add `https://www.w3.org/ns/activitystreams#Public` to make it public. */
  readonly to?: readonly string[]
  /** Hashtags, with or without the leading `#`. */
  readonly tags?: readonly string[]
  /** Whether quantities and price may be multiplied (a price per hour, per item). */
  readonly unitBased?: boolean
  /** When it was published. Defaults to `now`. */
  readonly published?: string
  /** When it was last changed (set it on every update, later each time). */
  readonly updated?: string
  /** When it expires. Must be after `now` and `published`. */
  readonly endTime?: string
  /** Round a price more precise than its currency allows, instead of refusing it. */
  readonly rounding?: RoundingMode
  /** The current time. Defaults to the system clock. */
  readonly now?: Date
}

/** Options of {@link createOffer}. */
export interface CreateOfferOptions extends CreateProposalOptions {
  /** Who provides what is offered (and receives the price). Defaults to `attributedTo`. */
  readonly provider?: string
}

/**
 * Creates an offer: a frozen, schema-valid `Proposal` with `purpose: "offer"`, compatible with
 * FEP-0837. With `price`, it is a price tag: its reciprocal is a `transfer` of the price to the
 * provider, in the currency named by its IRI, the amount written with the currency's decimals.
 *
 * @param options What is offered, by whom, into which group, and for how much.
 * @returns The proposal, validated and frozen.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when the result would not validate (a bad IRI, more
 *   than 32 tags, a name too long…), or the currency metadata does not.
 * @throws {ProtocolError} `ERR_AMOUNT_INVALID` when the price is not a decimal amount.
 * @throws {ProtocolError} `ERR_AMOUNT_PRECISION` when the price has more fraction digits than its
 *   currency allows and `rounding` was not given.
 * @throws {ProtocolError} `ERR_PROPOSAL_EXPIRED` when `endTime` is not after `now` and `published`.
 * @throws {TypeError} When options are missing or of the wrong type, `id` has a fragment, or both
 *   `price` and `reciprocal` are given.
 * @example
 * ```ts
 * import { createOffer } from '@cta-interop/sdk'
 * const offer = createOffer({
 *   id: 'https://budgeting.example/proposals/7c1e2a',
 *   attributedTo: 'https://decisions.example/u/aroha',
 *   audience: 'https://decisions.example/g/harbour-commons',
 *   name: 'Bike repairs, priced per hour',
 *   unitBased: true,
 *   intent: {
 *     action: 'deliverService',
 *     resourceConformsTo: 'https://decisions.example/g/harbour-commons/skills/bike-repair',
 *     resourceQuantity: { hasUnit: 'hour', hasNumericalValue: '1' },
 *   },
 *   price: { amount: '1', currency: harbourCredit }, // written '1.00' (2 decimals)
 * })
 * ```
 * @see {@link https://w3id.org/cta/spec/intents#publishing Spec: publishing a proposal}
 */
export function createOffer(options: CreateOfferOptions): Proposal {
  const provider = options.provider ?? options.attributedTo
  return buildProposal('offer', options, { provider, receiver: undefined, payer: undefined })
}
