import { CONTEXT } from '../constants.js'
import { deepFreeze } from '../internal/freeze.js'
import type { RoundingMode } from '../intents/round-amount.js'
import type { Allocation, FundingRound } from '../schemas/index.js'
import { assertValid } from '../validate/validate-document.js'
import {
  copyOptional,
  publishedOf,
  requireOptions,
  roundOf,
  type Mutable,
} from './internal/build.js'
import { amountIn } from './internal/money.js'

/** Options of {@link createAllocation}. */
export interface CreateAllocationOptions {
  /** The allocation's IRI, at the budgeting tool. */
  readonly id: string
  /** The funding round whose budget is allocated (its `inScopeOf`). */
  readonly round: FundingRound
  /** The member who receives the amount to contribute. */
  readonly member: string
  /** The amount, in the round's currency (a decimal string). */
  readonly amount: string
  /** Where the money comes from (the group, a sponsor). */
  readonly provider?: string
  /** Who made the allocation (an administrator). */
  readonly attributedTo?: string
  /** An amount more precise than the currency is rounded with this mode instead of refused. */
  readonly rounding?: RoundingMode
  /** Defaults to `now`. */
  readonly published?: string
  /** The clock for `published`. Defaults to the current time. */
  readonly now?: Date
}

/**
 * Creates an allocation: a frozen, schema-valid `Allocation` of an amount of a round's budget to
 * one member, written with exactly the round currency's decimals.
 *
 * @param options The allocation's IRI, round, member and amount.
 * @returns The allocation, validated and frozen.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when the result or the round would not validate.
 * @throws {ProtocolError} `ERR_AMOUNT_INVALID` when the amount is not a decimal amount.
 * @throws {ProtocolError} `ERR_AMOUNT_PRECISION` when it needs more fraction digits than the
 *   round's currency allows and `rounding` was not given.
 * @throws {TypeError} When options or the round are missing.
 * @example
 * ```ts
 * import { createAllocation } from '@cta-interop/sdk'
 * const allocation = createAllocation({
 *   id: 'https://budgeting.example/allocations/1',
 *   round,
 *   member: 'https://decisions.example/u/aroha',
 *   amount: '100', // written '100.00'
 * })
 * ```
 * @see {@link https://w3id.org/cta/spec/budgeting#BUD-AMT-001 Spec: BUD-AMT-001}
 */
export function createAllocation(options: CreateAllocationOptions): Allocation {
  requireOptions(options)
  const round = roundOf(options.round)
  const value = amountIn(options.amount, round.decimals, options.rounding)
  const doc: Mutable = {
    '@context': CONTEXT,
    id: options.id,
    type: 'Allocation',
    inScopeOf: round.id,
    audience: round.audience,
  }
  copyOptional(doc, options, ['provider'])
  doc['receiver'] = options.member
  doc['resourceQuantity'] = { hasUnit: 'one', hasNumericalValue: value }
  copyOptional(doc, options, ['attributedTo'])
  doc['published'] = publishedOf(options)
  return deepFreeze(assertValid(doc, { kind: 'Allocation' }))
}
