import { CONTEXT } from '../constants.js'
import { deepFreeze } from '../internal/freeze.js'
import type { RoundingMode } from '../intents/round-amount.js'
import type { Bucket, Contribution, FundingRound } from '../schemas/index.js'
import { assertValid } from '../validate/validate-document.js'
import { publishedOf, requireOptions, roundOf, type Mutable } from './internal/build.js'
import { amountIn } from './internal/money.js'

/** Options of {@link createContribution}. */
export interface CreateContributionOptions {
  /** The contribution's IRI, at the budgeting tool. */
  readonly id: string
  /** The funding round (its `inScopeOf`). */
  readonly round: FundingRound
  /** The bucket it goes to: its document or its IRI. */
  readonly bucket: Bucket | string
  /** The member who gives part of their allocation. */
  readonly member: string
  /** The amount, in the round's currency (a decimal string). */
  readonly amount: string
  /** An amount more precise than the currency is rounded with this mode instead of refused. */
  readonly rounding?: RoundingMode
  /** Defaults to `now`. */
  readonly published?: string
  /** The clock for `published`. Defaults to the current time. */
  readonly now?: Date
}

/**
 * Creates a contribution: a frozen, schema-valid `Contribution` of an amount from a member to a
 * bucket, written with exactly the round currency's decimals. Whether the round accepts it (the
 * member's balance, the bucket's maximum, the round's window) is for {@link computeRound} to say.
 *
 * @param options The contribution's IRI, round, bucket, member and amount.
 * @returns The contribution, validated and frozen.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when the result or the round would not validate.
 * @throws {ProtocolError} `ERR_AMOUNT_INVALID` when the amount is not a decimal amount.
 * @throws {ProtocolError} `ERR_AMOUNT_PRECISION` when it needs more fraction digits than the
 *   round's currency allows and `rounding` was not given.
 * @throws {TypeError} When options, the round or the bucket are missing.
 * @example
 * ```ts
 * import { createContribution } from '@cta-interop/sdk'
 * const contribution = createContribution({
 *   id: 'https://budgeting.example/contributions/1',
 *   round,
 *   bucket,
 *   member: 'https://decisions.example/u/aroha',
 *   amount: '40',
 * })
 * ```
 * @see {@link https://w3id.org/cta/spec/budgeting#BUD-AMT-001 Spec: BUD-AMT-001}
 */
export function createContribution(options: CreateContributionOptions): Contribution {
  requireOptions(options)
  const round = roundOf(options.round)
  const bucket =
    typeof options.bucket === 'string'
      ? options.bucket
      : (options.bucket as { id?: unknown } | undefined)?.id
  if (typeof bucket !== 'string') {
    throw new TypeError('options.bucket must be a Bucket or its IRI')
  }
  const doc: Mutable = {
    '@context': CONTEXT,
    id: options.id,
    type: 'Contribution',
    inScopeOf: round.id,
    audience: round.audience,
    provider: options.member,
    receiver: bucket,
    resourceQuantity: {
      hasUnit: 'one',
      hasNumericalValue: amountIn(options.amount, round.decimals, options.rounding),
    },
    published: publishedOf(options),
  }
  return deepFreeze(assertValid(doc, { kind: 'Contribution' }))
}
