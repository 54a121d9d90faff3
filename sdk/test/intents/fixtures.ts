// Shared data for the intents tests: currencies, a fixed clock and proposal builders.
import {
  createOffer,
  createRequest,
  type CreateOfferOptions,
  type CreateRequestOptions,
  type DocumentOfKind,
} from '../../src/index.js'
import { loadDocument } from '../helpers/documents.js'

export type Proposal = DocumentOfKind<'Proposal'>
export type ResourceSpecification = DocumentOfKind<'ResourceSpecification'>

const CONTEXT = ['https://www.w3.org/ns/activitystreams', 'https://w3id.org/cta/v1'] as const

/** Harbour Credit, the example mutual-credit currency (2 decimals). */
export const HC = loadDocument('resource-specification.json') as ResourceSpecification

function fiat(id: string, name: string, code: string, decimals: number): ResourceSpecification {
  return {
    '@context': [...CONTEXT],
    id,
    type: 'ResourceSpecification',
    name,
    currencyType: 'fiat',
    symbol: code,
    decimals,
    currencyCode: code,
  }
}

export const USD = fiat('https://www.wikidata.org/wiki/Q4917', 'United States dollar', 'USD', 2)
export const NZD = fiat('https://www.wikidata.org/wiki/Q1472704', 'New Zealand dollar', 'NZD', 2)
export const JPY = fiat('https://www.wikidata.org/wiki/Q8146', 'Japanese yen', 'JPY', 0)

export const GROUP = 'https://decisions.example/g/harbour-commons'
export const OTHER_GROUP = 'https://decisions.example/g/riverside'
export const BIKE_REPAIR = 'https://decisions.example/g/harbour-commons/skills/bike-repair'
export const BIKE = 'https://www.wikidata.org/wiki/Q11442'

/** The fixed "now" of most tests: 2026-09-02T00:00:00Z. */
export const T0 = Date.parse('2026-09-02T00:00:00Z')
export const NOW = new Date(T0)
export const PUBLISHED = '2026-09-01T00:00:00Z'

type Base = Omit<CreateOfferOptions, 'id' | 'attributedTo' | 'audience' | 'name' | 'intent'> &
  Partial<Pick<CreateOfferOptions, 'attributedTo' | 'audience' | 'name' | 'intent'>>

/** An offer `https://tool.example/p/<key>` by `https://tool.example/u/<key>`, repairing bikes. */
export function offer(key: string, options: Base & { provider?: string } = {}): Proposal {
  return createOffer({
    id: `https://tool.example/p/${key}`,
    attributedTo: `https://tool.example/u/${key}`,
    audience: GROUP,
    name: `Offer ${key}`,
    published: PUBLISHED,
    now: NOW,
    intent: { action: 'deliverService', resourceConformsTo: BIKE_REPAIR },
    ...options,
  })
}

/** A request `https://tool.example/p/<key>` by `https://tool.example/u/<key>`, for bike repairs. */
export function request(
  key: string,
  options: Base & Pick<CreateRequestOptions, 'payer' | 'receiver'> = {},
): Proposal {
  return createRequest({
    id: `https://tool.example/p/${key}`,
    attributedTo: `https://tool.example/u/${key}`,
    audience: GROUP,
    name: `Request ${key}`,
    published: PUBLISHED,
    now: NOW,
    intent: { action: 'deliverService', resourceConformsTo: BIKE_REPAIR },
    ...options,
  })
}

/** A copy of a proposal with some members replaced (unvalidated: for hostile input). */
export function withChanges(p: Proposal, changes: Record<string, unknown>): Proposal {
  const copy: Proposal = { ...structuredClone(p), ...changes }
  return copy
}

/** A quantity. */
export function qty(
  hasNumericalValue: string,
  hasUnit = 'hour',
): {
  hasUnit: string
  hasNumericalValue: string
} {
  return { hasUnit, hasNumericalValue }
}

/** Catches what `fn` throws. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn()
  } catch (err) {
    return err
  }
  throw new Error('expected a throw')
}
