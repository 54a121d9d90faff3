// The cross-tool story as a receiver sees it: from the events the dashboard stored (verified, each
// once), recompute what each tool claimed, with the SDK's own rules. The poll's tally is computed
// again from the stance events (`tallyPoll`); the bucket Budgeting published is compared with the
// outcome Decisions published; the round is computed again from its documents (`computeRound`,
// with the allocations Budgeting serves at `<round>/allocations`: no event carries one); the task's
// history is applied again (`applyTaskEvents`). Nothing here trusts a tool's own counters.
import { isDeepStrictEqual } from 'node:util'
import {
  CONTEXT,
  applyTaskEvents,
  compareAmounts,
  computeRound,
  createEvent,
  isProtocolError,
  tallyPoll,
  type Allocation,
  type Bucket,
  type Contribution,
  type FundingRound,
  type Outcome,
  type Poll,
  type Stance,
  type Tally,
  type TaskStatus,
} from '@cta-interop/sdk'

/** One stored event: its type, source, id and `data` (as the dashboard keeps them). */
export interface ReceivedEvent {
  readonly source: string
  readonly id: string
  readonly type: string
  readonly data?: string | undefined
}

/** What the story's checks were computed from; every field is counted or recomputed. */
export interface StoryOutcome {
  /** The poll: the tally Decisions emitted, and the one recomputed from the stance events. */
  readonly poll: {
    readonly stances: number
    readonly emitted: Tally | undefined
    /** `tallyPoll` over the received stances, or the code it refused them with. */
    readonly recomputed: Tally | string | undefined
    readonly decision: string | undefined
  }
  /** The outcome Decisions published, and the bucket Budgeting published on it. */
  readonly bucket: {
    readonly outcome: string | undefined
    /** The amount the outcome decided for a bucket, and that bucket's IRI. */
    readonly decidedAmount: string | undefined
    readonly decidedBucket: string | undefined
    /** The bucket as `bucket.published` carried it. */
    readonly published: string | undefined
    readonly minGoal: string | undefined
    readonly decidedBy: string | undefined
  }
  /** The code Budgeting refused the over-allocation with (`ERR_BUDGET_OVERDRAWN`). */
  readonly overdrawn: string | undefined
  /** Funding, recomputed with `computeRound` over the received documents. */
  readonly funding: {
    readonly fundedEvents: number
    readonly contributions: number
    /** What `computeRound` says of the bucket in its funded version, or the code it refused. */
    readonly status: string | undefined
    readonly total: string | undefined
    readonly minGoal: string | undefined
    /** Whether `computeRound`'s `fundedAt` is when `bucket.funded` said. */
    readonly fundedAtAgrees: boolean
  }
  /** The task: its statuses by `applyTaskEvents`, who it went to, and who offered the work. */
  readonly task: {
    readonly statuses: readonly TaskStatus[] | string
    readonly assignee: string | undefined
    readonly offeredBy: string | undefined
    readonly decidedBy: string | undefined
    readonly bucketCompleted: boolean
  }
}

type Data = Record<string, unknown>
const dataOf = (e: ReceivedEvent): Data => JSON.parse(e.data ?? '{}') as Data
const objectOf = (e: ReceivedEvent): Data => (dataOf(e)['object'] ?? {}) as Data
/** An object an event embeds, as the standalone document it is (the activity's context back on). */
const doc = (e: ReceivedEvent): Data => {
  const { '@context': _context, ...object } = objectOf(e)
  return { '@context': [...CONTEXT], ...object }
}
const T = (type: string) => `tech.collaborative.${type}`
const codeOf = (err: unknown): string => {
  if (isProtocolError(err)) return err.code
  throw err
}

/**
 * Recomputes the story from the received events. `allocations` fetches a round's allocations
 * (Budgeting serves them at `<round>/allocations`).
 */
export async function recomputeStory(
  events: readonly ReceivedEvent[],
  allocations: (round: string) => Promise<readonly Allocation[]>,
  overdrawn: string | undefined,
): Promise<StoryOutcome> {
  const ofType = (type: string) => events.filter((e) => e.type === T(type))

  // The poll: the tally Decisions put in `poll.closed`, and `tallyPoll` over the stance events.
  const closed = ofType('poll.closed').at(-1)
  const poll = closed === undefined ? undefined : objectOf(closed)
  const emitted = closed === undefined ? undefined : (dataOf(closed)['result'] as Tally | undefined)
  const stances = ofType('stance.cast')
    .filter((e) => (dataOf(e)['target'] as Data | undefined)?.['id'] === poll?.['id'])
    .map((e) => doc(e) as unknown as Stance)
  let recomputed: Tally | string | undefined
  if (poll !== undefined) {
    try {
      recomputed = tallyPoll(poll as unknown as Poll, stances)
    } catch (err) {
      recomputed = codeOf(err)
    }
  }

  // The outcome and the bucket published on it.
  const outcomeEvent = ofType('outcome.published').at(-1)
  const outcome = outcomeEvent === undefined ? undefined : (doc(outcomeEvent) as unknown as Outcome)
  const decides = outcome?.decides?.find((d) => d.type === 'Bucket')
  const publishedEvent = ofType('bucket.published').find(
    (e) => objectOf(e)['id'] === decides?.id && decides !== undefined,
  )
  const published =
    publishedEvent === undefined ? undefined : (doc(publishedEvent) as unknown as Bucket)

  // Funding: the round computed again from its documents, the bucket in its funded version.
  const bucketId = published?.id
  const fundedEvents = ofType('bucket.funded').filter((e) => objectOf(e)['id'] === bucketId)
  const funded = fundedEvents.at(-1)
  const contributions = ofType('contribution.made')
    .map((e) => doc(e) as unknown as Contribution)
    .filter((c) => c.receiver === bucketId)
  const roundEvent = ofType('round.opened').find((e) => objectOf(e)['id'] === published?.inScopeOf)
  let status: string | undefined
  let total: string | undefined
  let fundedAtAgrees = false
  if (roundEvent !== undefined && funded !== undefined) {
    const round = doc(roundEvent) as unknown as FundingRound
    try {
      const state = computeRound({
        round,
        buckets: [doc(funded) as unknown as Bucket],
        allocations: [...(await allocations(round.id))],
        contributions,
      })
      const bucket = bucketId === undefined ? undefined : state.buckets[bucketId]
      status = bucket?.status
      total = bucket?.total
      fundedAtAgrees =
        bucket?.fundedAt !== undefined &&
        Date.parse(bucket.fundedAt) === Date.parse(String(dataOf(funded)['published']))
    } catch (err) {
      status = codeOf(err)
    }
  }

  // The task: its events applied again, in the order every tool applies them.
  const taskEvents = events.filter(
    (e) => e.type.startsWith(T('task.')) && objectOf(e)['decidedBy'] === outcome?.id,
  )
  let statuses: readonly TaskStatus[] | string = []
  let assignee: string | undefined
  let decidedBy: string | undefined
  if (taskEvents.length > 0) {
    try {
      // The stored `data` is the activity that was signed; the envelope is rebuilt around it.
      const history = applyTaskEvents(
        taskEvents.map((e) => {
          const { '@context': _context, ...data } = dataOf(e)
          return createEvent(e.type, data as never, { source: e.source, id: e.id })
        }),
      )
      statuses = history.statuses
      decidedBy = history.task.decidedBy
      assignee = taskEvents
        .map((e) => objectOf(e)['assignee'])
        .find((a): a is string => typeof a === 'string')
    } catch (err) {
      statuses = codeOf(err)
    }
  }
  const offer = ofType('proposal.published')
    .map((e) => objectOf(e))
    .find((p) => p['purpose'] === 'offer')
  return {
    poll: {
      stances: stances.length,
      emitted,
      recomputed,
      decision: emitted?.decision,
    },
    bucket: {
      outcome: outcome?.id,
      decidedAmount: decides?.resourceQuantity?.hasNumericalValue,
      decidedBucket: decides?.id,
      published: published?.id,
      minGoal: published?.minGoal,
      decidedBy: published?.decidedBy,
    },
    overdrawn,
    funding: {
      fundedEvents: fundedEvents.length,
      contributions: contributions.length,
      status,
      total,
      minGoal: published?.minGoal,
      fundedAtAgrees,
    },
    task: {
      statuses,
      assignee,
      offeredBy: typeof offer?.['attributedTo'] === 'string' ? offer['attributedTo'] : undefined,
      decidedBy,
      bucketCompleted: ofType('bucket.completed').some((e) => objectOf(e)['id'] === bucketId),
    },
  }
}

/** Whether two tallies are the same, member for member. */
export const sameTally = (a: unknown, b: unknown): boolean =>
  a !== undefined && isDeepStrictEqual(JSON.parse(JSON.stringify(a)), JSON.parse(JSON.stringify(b)))

/** Whether two decimal amounts are equal (`30` and `30.00` are). */
export const sameAmount = (a: string | undefined, b: string | undefined): boolean => {
  if (a === undefined || b === undefined) return false
  try {
    return compareAmounts(a, b) === 0
  } catch {
    return false
  }
}
