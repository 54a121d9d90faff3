import { CONTEXT } from '../constants.js'
import { deepFreeze } from '../internal/freeze.js'
import { isRecord } from '../intents/internal/activity.js'
import type { FundingRound, ResourceSpecification } from '../schemas/index.js'
import { assertValid } from '../validate/validate-document.js'
import {
  checkRoundWindow,
  copyOptional,
  publishedOf,
  requireOptions,
  type Mutable,
} from './internal/build.js'

/** Options of {@link createFundingRound}. */
export interface CreateFundingRoundOptions {
  /** The round's IRI, at the budgeting tool. */
  readonly id: string
  /** Its name, e.g. "Spring 2027". */
  readonly name: string
  /** The group whose budget it is. */
  readonly audience: string
  /**
   * The currency every amount of the round is in: its `ResourceSpecification`, whose `id` becomes
   * the round's `resourceConformsTo` and whose `decimals` the round's `decimals`.
   */
  readonly currency: ResourceSpecification
  /** When contributions open (RFC 3339). */
  readonly startTime: string
  /** When contributions close (RFC 3339); none: open until closed. */
  readonly endTime?: string
  /** The outcome (decisions profile) that decided to open it. */
  readonly decidedBy?: string
  readonly summary?: string
  readonly content?: string
  readonly url?: string
  readonly attributedTo?: string
  readonly to?: readonly string[]
  /** Defaults to `now`. */
  readonly published?: string
  readonly updated?: string
  /** The clock for `published`. Defaults to the current time. */
  readonly now?: Date
}

/**
 * Creates a funding round: a frozen, schema-valid `FundingRound` in one currency, open for
 * contributions from `startTime` until `endTime`.
 *
 * @param options The round's IRI, name, group, currency and times.
 * @returns The round, validated and frozen.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when the result, or the currency, would not validate.
 * @throws {ProtocolError} `ERR_BUDGET_INVALID` when `endTime` is not after `startTime`.
 * @throws {TypeError} When options or the currency are missing.
 * @example
 * ```ts
 * import { createFundingRound } from '@cta-interop/sdk'
 * const round = createFundingRound({
 *   id: 'https://budgeting.example/rounds/spring-2027',
 *   name: 'Spring 2027',
 *   audience: 'https://decisions.example/g/harbour-commons',
 *   currency: harbourCredit, // a ResourceSpecification with decimals 2
 *   startTime: '2027-03-01T00:00:00Z',
 *   endTime: '2027-04-01T00:00:00Z',
 * })
 * ```
 * @see {@link https://w3id.org/cta/spec/budgeting#BUD-ROUND-001 Spec: BUD-ROUND-001}
 */
export function createFundingRound(options: CreateFundingRoundOptions): FundingRound {
  requireOptions(options)
  const { currency } = options
  if (!isRecord(currency)) {
    throw new TypeError('options.currency must be the currency’s ResourceSpecification')
  }
  const spec = assertValid(currency, { kind: 'ResourceSpecification' })
  const doc: Mutable = {
    '@context': CONTEXT,
    id: options.id,
    type: 'FundingRound',
    name: options.name,
  }
  copyOptional(doc, options, ['summary', 'content', 'url', 'attributedTo'])
  doc['audience'] = options.audience
  copyOptional(doc, options, ['to'])
  doc['published'] = publishedOf(options)
  copyOptional(doc, options, ['updated'])
  doc['resourceConformsTo'] = spec.id
  doc['decimals'] = spec.decimals
  doc['startTime'] = options.startTime
  copyOptional(doc, options, ['endTime', 'decidedBy'])
  const round = assertValid(doc, { kind: 'FundingRound' })
  checkRoundWindow(round)
  return deepFreeze(round)
}
