import { ProtocolError } from '../errors.js'
import { isRecord } from '../intents/internal/activity.js'
import type {
  Allocation,
  Bucket,
  BucketStatus,
  Contribution,
  FundingRound,
} from '../schemas/index.js'
import { assertValid } from '../validate/validate-document.js'
import { checkGoals } from './create-bucket.js'
import { checkRoundWindow, instantOf } from './internal/build.js'
import { formatUnits, unitsOf, type Units } from './internal/money.js'

/** Options of {@link computeRound}: a round and everything that happened in it. */
export interface ComputeRoundOptions {
  /** The funding round. */
  readonly round: FundingRound
  /** Its buckets, each as it now stands (`bucketStatus`, and `updated` for a closed one). */
  readonly buckets: readonly Bucket[]
  /** Its allocations, in any order. */
  readonly allocations: readonly Allocation[]
  /** Its contributions, in any order. */
  readonly contributions: readonly Contribution[]
}

/** Where one bucket stands after {@link computeRound}. */
export interface BucketState {
  /** `idea`, `open`, `funded`, `completed` or `cancelled`, computed by BUD-FUND-001 and BUD-CANC-001. */
  readonly status: BucketStatus
  /** What it holds: its contributions, less those refunded. Exactly the currency's decimals. */
  readonly total: string
  /** What was returned to members when it was cancelled. */
  readonly refunded: string
  /** The `published` of the contribution with which it reached its minimum goal. */
  readonly fundedAt?: string
}

/** A round's state, computed by {@link computeRound}. Every amount has exactly the currency's decimals. */
export interface RoundState {
  /** The round's IRI. */
  readonly round: string
  /** Each member's remaining balance (allocations, less contributions, plus refunds), by IRI. */
  readonly balances: Readonly<Record<string, string>>
  /** Each bucket's state, by IRI. */
  readonly buckets: Readonly<Record<string, BucketState>>
  /** The sum of every allocation. */
  readonly allocated: string
  /** The sum of every bucket's `total`. */
  readonly contributed: string
  /** The sum of every refund. */
  readonly refunded: string
}

/** One entry of the round's ordered log. */
interface Entry {
  readonly at: number
  readonly rank: number
  readonly id: string
  readonly apply: () => void
}

/** Code-point order of two strings (the order of their UTF-8 bytes), as INT-MAT-010 compares ids. */
function byCodePoint(a: string, b: string): number {
  const x = Array.from(a)
  const y = Array.from(b)
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const c = (x[i]?.codePointAt(0) ?? 0) - (y[i]?.codePointAt(0) ?? 0)
    if (c !== 0) return c
  }
  return x.length - y.length
}

function sorted<V>(map: Map<string, V>): [string, V][] {
  return [...map.entries()].sort(([a], [b]) => byCodePoint(a, b))
}

function list(value: unknown, what: string): readonly unknown[] {
  if (!Array.isArray(value)) throw new TypeError(`options.${what} must be an array`)
  return value as unknown[]
}

function invalid(message: string): ProtocolError {
  return new ProtocolError('ERR_BUDGET_INVALID', message)
}

/**
 * Computes a funding round's state from its buckets, allocations and contributions, the same way
 * in every tool (BUD-STATE-001): entries are applied in order of their time (`published`; a
 * closed bucket's `updated`), at the same instant allocations first, then buckets closing, then
 * contributions, and otherwise by `id` in code-point order. A contribution is refused, and the
 * whole computation with it, when it comes outside the round's window, goes to a bucket that is
 * not taking contributions, exceeds what its member has left, or would take a bucket past its
 * maximum goal. A bucket is funded once its total reaches its minimum goal; a cancelled bucket
 * returns every contribution to its member at the time it was cancelled.
 *
 * To check a new contribution, compute the round with it added: it is acceptable exactly when
 * this does not throw.
 *
 * @param options The round, its buckets, allocations and contributions (documents, as received).
 * @returns The balances, the buckets' totals and statuses, and the round's totals.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when a document does not validate.
 * @throws {ProtocolError} `ERR_AMOUNT_PRECISION` when an amount needs more fraction digits than the
 *   round's currency allows (BUD-AMT-001).
 * @throws {ProtocolError} `ERR_BUDGET_INVALID` when a document belongs to another round, an `id`
 *   repeats, a bucket's goals are inconsistent, a contribution is zero, or the round ends before
 *   it starts.
 * @throws {ProtocolError} `ERR_ROUND_NOT_OPEN` when a contribution is dated before the round's
 *   `startTime` or at or after its `endTime` (BUD-OPEN-001).
 * @throws {ProtocolError} `ERR_BUCKET_NOT_OPEN` when a contribution goes to an unknown bucket, an
 *   `idea`, a bucket not yet published, or one already completed or cancelled (BUD-OPEN-002).
 * @throws {ProtocolError} `ERR_BUDGET_OVERDRAWN` when a contribution exceeds its member's remaining
 *   balance (BUD-BAL-001).
 * @throws {ProtocolError} `ERR_BUDGET_OVER_MAX` when a contribution would take a bucket's total
 *   past its `maxGoal` (BUD-FUND-002).
 * @throws {TypeError} When options or its lists are missing.
 * @example
 * ```ts
 * import { computeRound, type Allocation, type Contribution } from '@cta-interop/sdk'
 * declare const allocations: readonly Allocation[]
 * declare const contributions: readonly Contribution[]
 * const state = computeRound({ round, buckets: [bucket], allocations, contributions })
 * state.buckets[bucket.id] // { status: 'funded', total: '200.00', refunded: '0.00', fundedAt: '…' }
 * state.balances['https://decisions.example/u/aroha'] // '60.00'
 * ```
 * @see {@link https://w3id.org/cta/spec/budgeting#BUD-STATE-001 Spec: BUD-STATE-001}
 */
export function computeRound(options: ComputeRoundOptions): RoundState {
  if (!isRecord(options)) throw new TypeError('options are required')
  if (!isRecord(options.round)) throw new TypeError('options.round must be a FundingRound')
  const round = assertValid(options.round, { kind: 'FundingRound' })
  checkRoundWindow(round)
  const decimals = round.decimals
  const start = instantOf(round.startTime, 'startTime')
  const end = round.endTime === undefined ? Infinity : instantOf(round.endTime, 'endTime')
  const buckets = list(options.buckets, 'buckets').map((b) => assertValid(b, { kind: 'Bucket' }))
  const allocations = list(options.allocations, 'allocations').map((a) =>
    assertValid(a, { kind: 'Allocation' }),
  )
  const contributions = list(options.contributions, 'contributions').map((c) =>
    assertValid(c, { kind: 'Contribution' }),
  )

  const ids = new Set<string>()
  for (const doc of [...buckets, ...allocations, ...contributions]) {
    if (doc.inScopeOf !== round.id) {
      throw invalid(`${doc.id} belongs to another round than ${round.id}`)
    }
    if (ids.has(doc.id)) throw invalid(`${doc.id} appears twice`)
    ids.add(doc.id)
  }

  const zero = 0n
  const balances = new Map<string, Units>()
  let allocated = zero
  let refundedTotal = zero
  interface Held {
    readonly doc: Bucket
    readonly min: Units
    readonly max: Units
    readonly published: number
    status: BucketStatus
    open: boolean
    total: Units
    refunded: Units
    fundedAt?: string
    readonly kept: { member: string; amount: Units }[]
  }
  const held = new Map<string, Held>()
  const entries: Entry[] = []

  for (const doc of buckets) {
    const min = unitsOf(doc.minGoal, decimals)
    const max = unitsOf(doc.maxGoal, decimals)
    checkGoals(doc.id, min, max)
    const bucket: Held = {
      doc,
      min,
      max,
      published: instantOf(doc.published, 'published'),
      status: doc.bucketStatus === 'idea' ? 'idea' : 'open',
      open: doc.bucketStatus !== 'idea',
      total: zero,
      refunded: zero,
      kept: [],
    }
    held.set(doc.id, bucket)
    if (doc.bucketStatus === 'completed' || doc.bucketStatus === 'cancelled') {
      const closing = doc.bucketStatus
      entries.push({
        at: instantOf(doc.updated ?? doc.published, 'updated'),
        rank: 1,
        id: doc.id,
        apply: () => {
          bucket.open = false
          bucket.status = closing
          if (closing !== 'cancelled') return
          // BUD-CANC-001: every contribution goes back to its member.
          for (const { member, amount } of bucket.kept) {
            balances.set(member, (balances.get(member) ?? zero) + amount)
          }
          bucket.refunded = bucket.total
          refundedTotal += bucket.total
          bucket.total = zero
        },
      })
    }
  }

  for (const doc of allocations) {
    const amount = unitsOf(doc.resourceQuantity.hasNumericalValue, decimals)
    entries.push({
      at: instantOf(doc.published, 'published'),
      rank: 0,
      id: doc.id,
      apply: () => {
        balances.set(doc.receiver, (balances.get(doc.receiver) ?? zero) + amount)
        allocated += amount
      },
    })
  }

  for (const doc of contributions) {
    const amount = unitsOf(doc.resourceQuantity.hasNumericalValue, decimals)
    if (amount === zero) throw invalid(`contribution ${doc.id} is zero`)
    const at = instantOf(doc.published, 'published')
    entries.push({
      at,
      rank: 2,
      id: doc.id,
      apply: () => {
        if (at < start || at >= end) {
          throw new ProtocolError(
            'ERR_ROUND_NOT_OPEN',
            `contribution ${doc.id} is dated outside the round ${round.id}`,
          )
        }
        const bucket = held.get(doc.receiver)
        if (bucket === undefined || !bucket.open || at < bucket.published) {
          throw new ProtocolError(
            'ERR_BUCKET_NOT_OPEN',
            `contribution ${doc.id} goes to a bucket that is not taking contributions`,
          )
        }
        const balance = balances.get(doc.provider) ?? zero
        if (amount > balance) {
          throw new ProtocolError(
            'ERR_BUDGET_OVERDRAWN',
            `contribution ${doc.id} is more than its member has left`,
          )
        }
        if (bucket.total + amount > bucket.max) {
          throw new ProtocolError(
            'ERR_BUDGET_OVER_MAX',
            `contribution ${doc.id} would take bucket ${bucket.doc.id} past its maxGoal`,
          )
        }
        balances.set(doc.provider, balance - amount)
        bucket.total += amount
        bucket.kept.push({ member: doc.provider, amount })
        if (bucket.status === 'open' && bucket.total >= bucket.min) {
          bucket.status = 'funded'
          bucket.fundedAt = doc.published
        }
      },
    })
  }

  entries.sort((a, b) => a.at - b.at || a.rank - b.rank || byCodePoint(a.id, b.id))
  for (const entry of entries) entry.apply()

  let contributed = zero
  const bucketStates: Record<string, BucketState> = {}
  for (const [id, b] of sorted(held)) {
    contributed += b.total
    bucketStates[id] = {
      status: b.status,
      total: formatUnits(b.total, decimals),
      refunded: formatUnits(b.refunded, decimals),
      ...(b.fundedAt === undefined ? {} : { fundedAt: b.fundedAt }),
    }
  }
  const balanceStates: Record<string, string> = {}
  for (const [member, units] of sorted(balances))
    balanceStates[member] = formatUnits(units, decimals)
  return {
    round: round.id,
    balances: balanceStates,
    buckets: bucketStates,
    allocated: formatUnits(allocated, decimals),
    contributed: formatUnits(contributed, decimals),
    refunded: formatUnits(refundedTotal, decimals),
  }
}
