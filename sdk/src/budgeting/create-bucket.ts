import { CONTEXT } from '../constants.js'
import { ProtocolError } from '../errors.js'
import { deepFreeze } from '../internal/freeze.js'
import type { RoundingMode } from '../intents/round-amount.js'
import type { Bucket, BucketStatus, FundingRound } from '../schemas/index.js'
import { assertValid } from '../validate/validate-document.js'
import {
  copyOptional,
  publishedOf,
  requireOptions,
  roundOf,
  type Mutable,
} from './internal/build.js'
import { formatUnits, unitsOf } from './internal/money.js'

/** Options of {@link createBucket}. */
export interface CreateBucketOptions {
  /** The bucket's IRI, at the budgeting tool. */
  readonly id: string
  /** The funding round it asks (its `inScopeOf`); its currency's `decimals` apply to the goals. */
  readonly round: FundingRound
  readonly name: string
  /** Who proposed it. */
  readonly attributedTo: string
  /** The least it needs to go ahead, in the round's currency (a decimal string). */
  readonly minGoal: string
  /** The most it may receive; defaults to `minGoal`. */
  readonly maxGoal?: string
  /** Where it stands; defaults to `open` (taking contributions). */
  readonly bucketStatus?: BucketStatus
  /** The outcome (decisions profile) that decided to create it. */
  readonly decidedBy?: string
  /** Round goals more precise than the currency with this mode instead of refusing them. */
  readonly rounding?: RoundingMode
  readonly summary?: string
  readonly content?: string
  readonly url?: string
  readonly to?: readonly string[]
  /** Defaults to `now`. */
  readonly published?: string
  /** When its status last changed; required in effect for `completed` and `cancelled`. */
  readonly updated?: string
  /** The clock for `published`. Defaults to the current time. */
  readonly now?: Date
}

/**
 * Creates a bucket in a funding round: a frozen, schema-valid `Bucket` whose goals are written
 * with exactly the round currency's decimals.
 *
 * @param options The bucket's IRI, round, name, author and goals.
 * @returns The bucket, validated and frozen.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when the result or the round would not validate.
 * @throws {ProtocolError} `ERR_AMOUNT_INVALID` when a goal is not a decimal amount.
 * @throws {ProtocolError} `ERR_AMOUNT_PRECISION` when a goal needs more fraction digits than the
 *   round's currency allows and `rounding` was not given.
 * @throws {ProtocolError} `ERR_BUDGET_INVALID` when `minGoal` is zero or `maxGoal` is below it.
 * @throws {TypeError} When options or the round are missing.
 * @example
 * ```ts
 * import { createBucket } from '@cta-interop/sdk'
 * const bucket = createBucket({
 *   id: 'https://budgeting.example/buckets/bike-repair',
 *   round,
 *   name: 'Fix the community bikes',
 *   attributedTo: 'https://decisions.example/u/tomas',
 *   minGoal: '200',   // written '200.00'
 *   maxGoal: '350',
 *   decidedBy: 'https://decisions.example/g/harbour-commons/polls/7/outcome',
 * })
 * ```
 * @see {@link https://w3id.org/cta/spec/budgeting#BUD-FUND-001 Spec: BUD-FUND-001}
 */
export function createBucket(options: CreateBucketOptions): Bucket {
  requireOptions(options)
  const round = roundOf(options.round)
  const min = unitsOf(options.minGoal, round.decimals, options.rounding)
  const max = unitsOf(options.maxGoal ?? options.minGoal, round.decimals, options.rounding)
  checkGoals(options.id, min, max)
  const doc: Mutable = {
    '@context': CONTEXT,
    id: options.id,
    type: 'Bucket',
    name: options.name,
  }
  const opts = options as unknown as Record<string, unknown>
  copyOptional(doc, opts, ['summary', 'content', 'url'])
  doc['attributedTo'] = options.attributedTo
  doc['audience'] = round.audience
  copyOptional(doc, opts, ['to'])
  doc['published'] = publishedOf(options)
  copyOptional(doc, opts, ['updated'])
  doc['inScopeOf'] = round.id
  doc['minGoal'] = formatUnits(min, round.decimals)
  doc['maxGoal'] = formatUnits(max, round.decimals)
  doc['bucketStatus'] = options.bucketStatus ?? 'open'
  copyOptional(doc, opts, ['decidedBy'])
  return deepFreeze(assertValid(doc, { kind: 'Bucket' }))
}

/**
 * BUD-FUND-001: a bucket's minimum goal is above zero and its maximum goal not below it.
 * @throws {ProtocolError} `ERR_BUDGET_INVALID` otherwise.
 * @internal
 */
export function checkGoals(id: string, min: bigint, max: bigint): void {
  if (min <= 0n) throw new ProtocolError('ERR_BUDGET_INVALID', `bucket ${id} has a zero minGoal`)
  if (max < min) {
    throw new ProtocolError('ERR_BUDGET_INVALID', `bucket ${id} has a maxGoal below its minGoal`)
  }
}
