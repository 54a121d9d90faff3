// Budgeting's funding rounds, held as the budgeting profile's documents: a `FundingRound` in the
// group's currency with each member's `Allocation`, its `Bucket`s (minimum and maximum goals, and
// the decision they act on), and the `Contribution`s members make. Whether a contribution is
// accepted is decided by the SDK's `computeRound` over the round's documents with it added, so
// that every tool computing the round from the same documents agrees; a refusal is the SDK's
// `ProtocolError` with the rule's code (`ERR_BUDGET_OVERDRAWN`, `ERR_BUDGET_OVER_MAX`,
// `ERR_ROUND_NOT_OPEN`, `ERR_BUCKET_NOT_OPEN`) and emits nothing.
import {
  ProtocolError,
  bucketCancelled,
  bucketCompleted,
  bucketFunded,
  bucketPublished,
  computeRound,
  contributionMade,
  contributionRefunded,
  createAllocation,
  createBucket,
  createContribution,
  createFundingRound,
  roundClosed,
  roundOpened,
  type ActorRef,
  type Allocation,
  type Bucket,
  type BucketStatus,
  type Contribution,
  type CreateBucketOptions,
  type Event,
  type FundingRound,
  type ResourceSpecification,
  type RoundState,
} from '@cta-interop/sdk'

/** A funding round as Budgeting holds it. */
export interface RoundRecord {
  /** The round as it stands (with `endTime` once closed). */
  round: FundingRound
  readonly allocations: readonly Allocation[]
  readonly by: ActorRef
}

/** A bucket as Budgeting holds it. */
export interface BucketRecord {
  /** The bucket as it stands (`bucketStatus` `open`, `funded`, `completed` or `cancelled`). */
  bucket: Bucket
  readonly contributions: Contribution[]
  readonly by: ActorRef
  /** Its work as an intents request (`proposal.published`), matched with offers. */
  request?: string
  /** What created it, so that a new version keeps everything but its status. */
  readonly created: CreateBucketOptions
}

/** A contribution, with who made it (their name as their session or the control API gave it). */
export interface ContributionRecord {
  readonly contribution: Contribution
  readonly by: ActorRef
}

/** What a round book holds, by IRI: the tool's pages read the same maps. */
export interface RoundRecords {
  readonly rounds: Map<string, RoundRecord>
  readonly buckets: Map<string, BucketRecord>
  readonly contributions: Map<string, ContributionRecord>
}

/** The rounds of one tool, and the events each change emits. */
export interface RoundBook {
  /** Opens a round with each member's allocation (`round.opened`). */
  open(options: {
    name: string
    group: string
    by: ActorRef
    allocations: readonly { member: string; amount: string }[]
    decidedBy?: string
  }): Promise<RoundRecord>
  /** Closes a round (`round.closed`): it takes no contribution from now on. */
  close(round: string, by: ActorRef): Promise<void>
  /** Publishes a bucket in a round (`bucket.published`). */
  publish(options: {
    round: string
    name: string
    minGoal: string
    maxGoal?: string
    by: ActorRef
    id?: string
    attributedTo?: string
    decidedBy?: string
    summary?: string
  }): Promise<BucketRecord>
  /**
   * A member contributes (`contribution.made`, and `bucket.funded` with the contribution that
   * reaches the minimum goal). Refused with the rule's code, emitting nothing.
   */
  contribute(
    bucket: string,
    member: ActorRef,
    amount: string,
  ): Promise<{ contribution: Contribution; status: BucketStatus }>
  /** Cancels a bucket (`bucket.cancelled`, one `contribution.refunded` per contribution). */
  cancel(bucket: string, by: ActorRef): Promise<void>
  /** Marks a funded bucket completed (`bucket.completed`). */
  complete(bucket: string, by: ActorRef): Promise<void>
  /** A round's state, computed from its documents. */
  state(round: string): RoundState
  /** The round open now in a group (the last opened, not closed), if any. */
  openRound(group: string): RoundRecord | undefined
}

/** Empty records, filled by the book as the tool acts. */
export const createRoundRecords = (): RoundRecords => ({
  rounds: new Map(),
  buckets: new Map(),
  contributions: new Map(),
})

/** A book of funding rounds for the tool at `origin`, in `currency`. */
export function createRoundBook(options: {
  readonly origin: string
  readonly currency: ResourceSpecification
  readonly emit: (event: Event) => Promise<void>
  readonly records: RoundRecords
}): RoundBook {
  const { origin, currency, emit, records } = options
  const { rounds, buckets, contributions } = records
  let counter = 0
  const next = (path: string): string => `${origin}/${path}/${++counter}`
  /**
   * The time of a change: now, or a millisecond after the last change if that is later. A round's
   * log is ordered by time (BUD-STATE-001), so no two changes share one, and a bucket funded by a
   * contribution is funded before the next contribution, on a fast machine too.
   */
  let last = 0
  const now = (): string => {
    last = Math.max(Date.now(), last + 1)
    return new Date(last).toISOString()
  }
  const heldRound = (id: string): RoundRecord => {
    const record = rounds.get(id)
    if (record === undefined) throw new ProtocolError('ERR_NOT_FOUND', `no round ${id}`)
    return record
  }
  const heldBucket = (id: string): BucketRecord => {
    const record = buckets.get(id)
    if (record === undefined) throw new ProtocolError('ERR_NOT_FOUND', `no bucket ${id}`)
    return record
  }
  /** A round's documents, with `extra` contributions added: what `computeRound` decides on. */
  const stateOf = (round: RoundRecord, extra: readonly Contribution[] = []): RoundState =>
    computeRound({
      round: round.round,
      buckets: [...buckets.values()]
        .filter((b) => b.bucket.inScopeOf === round.round.id)
        .map((b) => b.bucket),
      allocations: round.allocations,
      contributions: [
        ...[...contributions.values()]
          .map((c) => c.contribution)
          .filter((c) => c.inScopeOf === round.round.id),
        ...extra,
      ],
    })
  const version = (record: BucketRecord, status: BucketStatus, updated: string): Bucket =>
    createBucket({ ...record.created, bucketStatus: status, updated })

  return {
    async open(o) {
      const id = next('rounds')
      const published = now()
      const round = createFundingRound({
        id,
        name: o.name,
        audience: o.group,
        currency,
        startTime: published,
        url: id,
        attributedTo: o.by.id,
        published,
        ...(o.decidedBy === undefined ? {} : { decidedBy: o.decidedBy }),
      })
      const allocations = o.allocations.map((a) =>
        createAllocation({
          id: next('allocations'),
          round,
          member: a.member,
          amount: a.amount,
          provider: o.group,
          attributedTo: o.by.id,
          published,
        }),
      )
      const record: RoundRecord = { round, allocations, by: o.by }
      // Computing the empty round checks the allocations' amounts against the currency.
      stateOf(record)
      await emit(roundOpened(round, { source: origin, actor: o.by }))
      rounds.set(id, record)
      return record
    },

    async close(id, by) {
      const record = heldRound(id)
      if (record.round.endTime !== undefined) {
        throw new ProtocolError('ERR_ROUND_NOT_OPEN', `the round ${id} has closed already`)
      }
      const closed = now()
      const { round } = record
      const after = createFundingRound({
        id: round.id,
        name: round.name,
        audience: round.audience,
        currency,
        startTime: round.startTime,
        endTime: closed,
        url: round.url ?? round.id,
        ...(round.attributedTo === undefined ? {} : { attributedTo: round.attributedTo }),
        ...(round.decidedBy === undefined ? {} : { decidedBy: round.decidedBy }),
        published: round.published,
        updated: closed,
      })
      await emit(roundClosed(after, { source: origin, actor: by }))
      record.round = after
    },

    async publish(o) {
      const round = heldRound(o.round)
      if (round.round.endTime !== undefined) {
        throw new ProtocolError('ERR_ROUND_NOT_OPEN', `the round ${o.round} has closed`)
      }
      const id = o.id ?? next('buckets')
      if (buckets.has(id)) throw new ProtocolError('ERR_BUDGET_INVALID', `${id} exists already`)
      const created: CreateBucketOptions = {
        id,
        round: round.round,
        name: o.name,
        attributedTo: o.attributedTo ?? o.by.id,
        minGoal: o.minGoal,
        ...(o.maxGoal === undefined ? {} : { maxGoal: o.maxGoal }),
        ...(o.decidedBy === undefined ? {} : { decidedBy: o.decidedBy }),
        ...(o.summary === undefined ? {} : { summary: o.summary }),
        url: id,
        published: now(),
      }
      const bucket = createBucket(created)
      await emit(bucketPublished(bucket, { source: origin, actor: o.by }))
      const record: BucketRecord = { bucket, contributions: [], by: o.by, created }
      buckets.set(id, record)
      return record
    },

    async contribute(bucketId, member, amount) {
      const record = heldBucket(bucketId)
      const round = heldRound(record.bucket.inScopeOf)
      const before = stateOf(round).buckets[bucketId]?.status
      const contribution = createContribution({
        id: next('contributions'),
        round: round.round,
        bucket: record.bucket,
        member: member.id,
        amount,
        published: now(),
      })
      // BUD-STATE-001: accepted exactly when the round computes with it; else the rule's code.
      const state = stateOf(round, [contribution])
      const after = state.buckets[bucketId]
      await emit(contributionMade(contribution, { source: origin, actor: member }))
      record.contributions.push(contribution)
      contributions.set(contribution.id, { contribution, by: member })
      const status = after?.status ?? record.bucket.bucketStatus
      if (before !== 'funded' && status === 'funded') {
        // BUD-FUND-003: funded from the contribution with which the total reached the minimum.
        const funded = version(record, 'funded', after?.fundedAt ?? contribution.published)
        await emit(
          bucketFunded(funded, {
            source: origin,
            actor: { id: origin, type: 'Application', name: 'Budgeting' },
          }),
        )
        record.bucket = funded
      }
      return { contribution, status }
    },

    async cancel(bucketId, by) {
      const record = heldBucket(bucketId)
      const status = record.bucket.bucketStatus
      if (status === 'completed' || status === 'cancelled') {
        throw new ProtocolError('ERR_BUCKET_NOT_OPEN', `the bucket ${bucketId} is ${status}`)
      }
      const at = now()
      const cancelled = version(record, 'cancelled', at)
      await emit(bucketCancelled(cancelled, { source: origin, actor: by }))
      record.bucket = cancelled
      // BUD-CANC-001: every contribution goes back to its member.
      for (const contribution of record.contributions) {
        await emit(contributionRefunded(contribution, { source: origin, actor: by, published: at }))
      }
    },

    async complete(bucketId, by) {
      const record = heldBucket(bucketId)
      const round = heldRound(record.bucket.inScopeOf)
      const status = stateOf(round).buckets[bucketId]?.status
      if (status !== 'funded') {
        throw new ProtocolError('ERR_BUCKET_NOT_OPEN', `the bucket ${bucketId} is not funded`)
      }
      const completed = version(record, 'completed', now())
      await emit(bucketCompleted(completed, { source: origin, actor: by }))
      record.bucket = completed
    },

    state: (round) => stateOf(heldRound(round)),

    openRound: (group) =>
      [...rounds.values()]
        .filter((r) => r.round.audience === group && r.round.endTime === undefined)
        .at(-1),
  }
}
