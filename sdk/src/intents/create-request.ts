import type { Proposal } from '../schemas/index.js'
import type { CreateProposalOptions } from './create-offer.js'
import { buildProposal } from './internal/build-proposal.js'

/** Options of {@link createRequest}. */
export interface CreateRequestOptions extends CreateProposalOptions {
  /** Who receives what is requested. Defaults to `attributedTo`. */
  readonly receiver?: string
  /** Who pays the bounty, e.g. the group's budget. Defaults to `attributedTo`. */
  readonly payer?: string
}

/**
 * Creates a request: a frozen, schema-valid `Proposal` with `purpose: "request"`, compatible with
 * FEP-0837. With `price`, it is a bounty: its reciprocal is a `transfer` of the amount from the
 * payer, in the currency named by its IRI, written with the currency's decimals.
 *
 * @param options What is wanted, by whom, into which group, and the bounty.
 * @returns The proposal, validated and frozen.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when the result would not validate, or the currency
 *   metadata does not.
 * @throws {ProtocolError} `ERR_AMOUNT_INVALID` when the bounty is not a decimal amount.
 * @throws {ProtocolError} `ERR_AMOUNT_PRECISION` when the bounty has more fraction digits than its
 *   currency allows and `rounding` was not given.
 * @throws {ProtocolError} `ERR_PROPOSAL_EXPIRED` when `endTime` is not after `now` and `published`.
 * @throws {TypeError} When options are missing or of the wrong type, `id` has a fragment, or both
 *   `price` and `reciprocal` are given.
 * @example
 * ```ts
 * import { createRequest } from '@cta-interop/sdk'
 * const bounty = createRequest({
 *   id: 'https://budgeting.example/buckets/42',
 *   attributedTo: 'https://decisions.example/u/tomas',
 *   audience: 'https://decisions.example/g/harbour-commons',
 *   name: 'Fix the community bikes before spring',
 *   payer: 'https://decisions.example/g/harbour-commons',
 *   endTime: '2026-10-31T23:59:59Z',
 *   intent: {
 *     action: 'deliverService',
 *     resourceConformsTo: 'https://decisions.example/g/harbour-commons/skills/bike-repair',
 *     effortQuantity: { hasUnit: 'hour', hasNumericalValue: '6' },
 *   },
 *   price: { amount: '30', currency: harbourCredit }, // written '30.00'
 * })
 * ```
 * @see {@link https://w3id.org/cta/spec/intents#publishing Spec: publishing a proposal}
 */
export function createRequest(options: CreateRequestOptions): Proposal {
  const receiver = options.receiver ?? options.attributedTo
  const payer = options.payer ?? options.attributedTo
  return buildProposal('request', options, { provider: undefined, receiver, payer })
}
