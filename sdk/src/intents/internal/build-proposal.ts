import { CONTEXT } from '../../constants.js'
import { ProtocolError } from '../../errors.js'
import { deepFreeze } from '../../internal/freeze.js'
import type { Proposal } from '../../schemas/index.js'
import { assertValid } from '../../validate/validate-document.js'
import type { CreateProposalOptions, ProposalIntentOptions } from '../create-offer.js'
import { normalizeAmount } from '../normalize-amount.js'
import { isRecord } from './activity.js'
import { isoString, parseInstant } from './time.js'

type Mutable = Record<string, unknown>

const INTENT_KEYS = [
  'name',
  'note',
  'resourceConformsTo',
  'resourceQuantity',
  'effortQuantity',
  'availableQuantity',
  'minimumQuantity',
  'hasBeginning',
  'hasEnd',
] as const

function intent(
  id: string,
  options: ProposalIntentOptions,
  parties: { provider?: string | undefined; receiver?: string | undefined },
): Mutable {
  if (!isRecord(options)) {
    throw new TypeError('an intent must be an object with an action')
  }
  const out: Mutable = { id, type: 'Intent', action: options.action }
  if (parties.provider !== undefined) out['provider'] = parties.provider
  if (parties.receiver !== undefined) out['receiver'] = parties.receiver
  for (const key of INTENT_KEYS) {
    const value = options[key]
    if (value !== undefined) out[key] = typeof value === 'object' ? { ...value } : value
  }
  return out
}

/**
 * Builds, validates and freezes a proposal for {@link createOffer} and {@link createRequest}.
 * @internal
 */
export function buildProposal(
  purpose: 'offer' | 'request',
  options: CreateProposalOptions,
  parties: {
    provider: string | undefined
    receiver: string | undefined
    payer: string | undefined
  },
): Proposal {
  if (!isRecord(options)) throw new TypeError('options are required')
  const { id, attributedTo, price } = options
  if (typeof id !== 'string') throw new TypeError('options.id must be an IRI string')
  if (id.includes('#')) throw new TypeError('options.id must not have a fragment')
  if (price !== undefined && options.reciprocal !== undefined) {
    throw new TypeError('give either options.price or options.reciprocal, not both')
  }
  const now = options.now ?? new Date()
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
    throw new TypeError('options.now must be a valid Date')
  }
  const offer = purpose === 'offer'
  const doc: Mutable = {
    '@context': CONTEXT,
    id,
    type: 'Proposal',
    purpose,
    name: options.name,
  }
  for (const key of ['summary', 'content', 'url'] as const) {
    if (options[key] !== undefined) doc[key] = options[key]
  }
  doc['attributedTo'] = attributedTo
  doc['published'] = options.published ?? isoString(now)
  if (options.updated !== undefined) doc['updated'] = options.updated
  if (options.endTime !== undefined) doc['endTime'] = options.endTime
  doc['audience'] = options.audience
  if (options.to !== undefined) doc['to'] = [...options.to]
  if (options.tags !== undefined) {
    const names = [...new Set(options.tags.map((t) => (t.startsWith('#') ? t : `#${t}`)))]
    doc['tag'] = names.map((name) => ({ type: 'Hashtag', name }))
  }
  if (options.unitBased !== undefined) doc['unitBased'] = options.unitBased
  doc['publishes'] = intent(
    `${id}#primary`,
    options.intent,
    offer ? { provider: parties.provider } : { receiver: parties.receiver },
  )
  // The reciprocal flows the other way: an offer's price goes to its provider, a request's bounty
  // comes from its payer.
  const back = offer ? { receiver: parties.provider } : { provider: parties.payer }
  if (price !== undefined) {
    const { amount, currency } = price
    if (!isRecord(currency)) {
      throw new TypeError('price.currency must be the currency’s ResourceSpecification')
    }
    assertValid(currency, { kind: 'ResourceSpecification' })
    const value = normalizeAmount(amount, {
      decimals: currency.decimals,
      ...(options.rounding === undefined ? {} : { rounding: options.rounding }),
    })
    doc['reciprocal'] = {
      id: `${id}#reciprocal`,
      type: 'Intent',
      action: 'transfer',
      ...back,
      resourceConformsTo: currency.id,
      resourceQuantity: { hasUnit: 'one', hasNumericalValue: value },
    }
  } else if (options.reciprocal !== undefined) {
    doc['reciprocal'] = intent(`${id}#reciprocal`, options.reciprocal, back)
  }
  const proposal = assertValid(doc, { kind: 'Proposal' })
  checkLifetime(proposal, now.getTime())
  return deepFreeze(proposal)
}

/**
 * @throws {ProtocolError} `ERR_PROPOSAL_EXPIRED` when the proposal's `endTime` is not after both
 *   `now` and its `published`.
 * @internal
 */
export function checkLifetime(proposal: Proposal, now: number): void {
  if (proposal.endTime === undefined) return
  const end = parseInstant(proposal.endTime)
  if (end <= now || end <= parseInstant(proposal.published)) {
    throw new ProtocolError('ERR_PROPOSAL_EXPIRED', `proposal ${proposal.id} has expired`)
  }
}
