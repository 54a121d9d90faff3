import type { ClaimedDelivery, DeliveryAnswer, DeliveryStore } from '../stores/delivery-store.js'
import { DEFAULT_DELIVERY_TIMEOUT, DEFAULT_RETRY_POLICY, type RetryPolicy } from './constants.js'
import { outboundFetch } from '../http/guarded-fetch.js'
import { deliverEvent, type DeliverEventOptions, type DeliveryAttempt } from './deliver-event.js'
import { eventTimeOf } from './internal/event-time.js'
import { retryDelay } from './retry-delay.js'

/** Options of {@link createDeliveryWorker}. */
export interface DeliveryWorkerOptions extends DeliverEventOptions {
  /** The outbox. */
  readonly store: Pick<
    DeliveryStore,
    | 'claimDeliveries'
    | 'completeDelivery'
    | 'retryDelivery'
    | 'deadLetterDelivery'
    | 'endSubscription'
  >
  /** The retry schedule; missing members take their {@link DEFAULT_RETRY_POLICY} value. */
  readonly retry?: Partial<RetryPolicy>
  /** Most deliveries claimed at once. Default 32. */
  readonly batchSize?: number
  /** Most attempts in flight at once. Default 8. */
  readonly concurrency?: number
  /** How long a claimed delivery stays leased, in seconds; longer than `timeout`. Default 60. */
  readonly lease?: number
  /** How long {@link DeliveryWorker.start}'s loop waits when nothing is due, in ms. Default 1,000. */
  readonly pollInterval?: number
  /** A random number in `[0, 1)`, for the jitter. Default `Math.random`. */
  readonly random?: () => number
  /** Called after each attempt is recorded: for logs, metrics, and telling owners of ended subscriptions. */
  readonly onOutcome?: (report: DeliveryReport) => void
  /**
   * Called when the loop of {@link DeliveryWorker.start} fails: a store call rejected (for
   * example, the database is down or restarting). The loop keeps polling every `pollInterval`,
   * and resumes once the store answers again; deliveries whose outcome could not be recorded are
   * attempted again when their lease runs out. An exception thrown here is ignored.
   */
  readonly onError?: (error: unknown) => void
}

/** What became of one claimed delivery. */
export interface DeliveryReport {
  readonly delivery: ClaimedDelivery
  readonly attempt: DeliveryAttempt
  /**
   * `delivered`; `retry` (due again at `due`); `dead` (permanent failure or retries exhausted);
   * `ended` (the sink answered 410 and the subscription ended); `lost` (the lease ran out first,
   * and another worker owns the delivery now).
   */
  readonly result: 'delivered' | 'retry' | 'dead' | 'ended' | 'lost'
  /** When the next attempt is due, for `retry`. */
  readonly due?: Date
}

/** Counts of one {@link DeliveryWorker.runOnce}. */
export interface DeliveryRunResult {
  readonly claimed: number
  readonly delivered: number
  readonly retried: number
  readonly dead: number
  readonly ended: number
  readonly lost: number
}

/** Sends what the outbox holds. */
export interface DeliveryWorker {
  /** Claims the deliveries due now (up to `batchSize`), attempts each, and records the outcomes. */
  runOnce(): Promise<DeliveryRunResult>
  /** Runs {@link DeliveryWorker.runOnce} in a loop until {@link DeliveryWorker.stop}. */
  start(): void
  /** Stops the loop, and resolves once the attempts in flight are recorded. */
  stop(): Promise<void>
}

/**
 * Creates a delivery worker: it leases due deliveries from the outbox, so that several workers
 * (threads, processes, machines) never send the same one at once, attempts each with
 * {@link deliverEvent}, and records the outcome: delivered; rescheduled with exponential backoff,
 * jitter and `Retry-After`; dead-lettered with its last answer; or, on `410 Gone`, the
 * subscription ended and its other pending deliveries cancelled. No attempt is made later than the
 * policy's `horizon` (72 hours) after the event's `time`: a retry that would fall later is not
 * scheduled, and a delivery claimed after that instant is dead-lettered without an attempt
 * (`ERR_EVENT_STALE`), so receivers never get an event they must refuse as stale. A worker that
 * dies mid-attempt loses its lease, and the delivery is attempted again once the lease runs out:
 * delivery is at-least-once, and receivers deduplicate.
 *
 * @param options The store, the outbound policy (in Node, `fetch: createSafeFetch()`), and tuning.
 * @returns The worker.
 * @throws {TypeError} When the lease is not longer than the attempt timeout, or a count is not a
 *   positive integer.
 * @example
 * ```ts
 * const worker = createDeliveryWorker({ store, fetch: createSafeFetch() })
 * worker.start()
 * process.on('SIGTERM', () => void worker.stop())
 * ```
 * @see {@link https://w3id.org/cta/spec/delivery#sending Spec: sending}
 * @see {@link https://w3id.org/cta/spec/delivery#DLV-WIN-001 Spec: DLV-WIN-001}
 */
export function createDeliveryWorker(options: DeliveryWorkerOptions): DeliveryWorker {
  const { store } = options
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry }
  const batchSize = options.batchSize ?? 32
  const concurrency = options.concurrency ?? 8
  const leaseMs = (options.lease ?? 60) * 1000
  const pollInterval = options.pollInterval ?? 1000
  const now = options.now ?? Date.now
  for (const [name, value] of [
    ['batchSize', batchSize],
    ['concurrency', concurrency],
    ['retry.maxAttempts', policy.maxAttempts],
  ] as const) {
    if (!Number.isInteger(value) || value < 1)
      throw new TypeError(`${name} must be a positive integer`)
  }
  if (!(leaseMs > (options.timeout ?? DEFAULT_DELIVERY_TIMEOUT))) {
    throw new TypeError('lease must be longer than the attempt timeout')
  }
  retryDelay(1, { policy, random: () => 0.5 }) // validates the policy now, not at the first failure
  outboundFetch(options) // refuses now, not at the first delivery, a missing `fetch` (SEC-SSRF-002)

  /**
   * The last instant at which the delivery may be attempted: the event's `time` plus `horizon`
   * (DLV-WIN-001); the queueing time stands in only for a token without a readable `time`.
   */
  const deadlineOf = (delivery: ClaimedDelivery): number => {
    const time = eventTimeOf(delivery.jws)
    return (Number.isNaN(time) ? delivery.created.getTime() : time) + policy.horizon * 1000
  }

  /** Dead-letters, without an attempt, a delivery whose event is past its window. */
  async function expire(delivery: ClaimedDelivery): Promise<DeliveryReport> {
    const detail = 'not attempted: the event is past its delivery window (DLV-WIN-001)'
    const answer: DeliveryAnswer = { at: new Date(now()), code: 'ERR_EVENT_STALE', detail }
    const ok = await store.deadLetterDelivery(delivery.id, delivery.leaseToken, answer)
    return { delivery, attempt: { outcome: 'failed', detail }, result: ok ? 'dead' : 'lost' }
  }

  async function settle(
    delivery: ClaimedDelivery,
    attempt: DeliveryAttempt,
  ): Promise<DeliveryReport> {
    const at = new Date(now())
    const answer: DeliveryAnswer = {
      at,
      ...(attempt.status === undefined ? {} : { status: attempt.status }),
      ...(attempt.code === undefined ? {} : { code: attempt.code }),
      ...(attempt.detail === undefined ? {} : { detail: attempt.detail }),
      ...(attempt.body === undefined ? {} : { body: attempt.body }),
    }
    const { id, leaseToken } = delivery
    const report = (result: DeliveryReport['result'], ok: boolean, due?: Date): DeliveryReport => ({
      delivery,
      attempt,
      result: ok ? result : 'lost',
      ...(due === undefined || !ok ? {} : { due }),
    })
    switch (attempt.outcome) {
      case 'delivered':
        return report('delivered', await store.completeDelivery(id, leaseToken, answer))
      case 'gone': {
        const ok = await store.deadLetterDelivery(id, leaseToken, answer)
        await store.endSubscription(delivery.subscriptionId, at)
        return report('ended', ok)
      }
      case 'failed':
        return report('dead', await store.deadLetterDelivery(id, leaseToken, answer))
      case 'retry': {
        const delay =
          attempt.retryAfter === undefined
            ? retryDelay(delivery.attempts, {
                policy,
                ...(options.random ? { random: options.random } : {}),
              })
            : Math.min(Math.max(attempt.retryAfter, 1), policy.maxRetryAfter)
        const due = new Date(at.getTime() + Math.round(delay * 1000))
        const exhausted =
          delivery.attempts >= policy.maxAttempts || due.getTime() > deadlineOf(delivery)
        if (exhausted) return report('dead', await store.deadLetterDelivery(id, leaseToken, answer))
        return report('retry', await store.retryDelivery(id, leaseToken, due, answer), due)
      }
    }
  }

  async function runOnce(): Promise<DeliveryRunResult> {
    const claimed = await store.claimDeliveries({ now: new Date(now()), limit: batchSize, leaseMs })
    const counts = { claimed: claimed.length, delivered: 0, retried: 0, dead: 0, ended: 0, lost: 0 }
    const key = {
      delivered: 'delivered',
      retry: 'retried',
      dead: 'dead',
      ended: 'ended',
      lost: 'lost',
    } as const
    let next = 0
    // The first store failure ends the batch: no lane starts another attempt, and runOnce
    // rejects only once every attempt in flight has ended, so that a failing store never leaves
    // attempts running behind the loop's back. What was not attempted keeps its lease and is
    // attempted again when the lease runs out.
    let failure: { error: unknown } | undefined
    const lane = async (): Promise<void> => {
      while (failure === undefined && next < claimed.length) {
        const delivery = claimed[next++] as ClaimedDelivery
        const late = now() > deadlineOf(delivery)
        const attempt = late ? undefined : await deliverEvent(delivery.jws, delivery.sink, options)
        try {
          const report =
            attempt === undefined ? await expire(delivery) : await settle(delivery, attempt)
          counts[key[report.result]]++
          options.onOutcome?.(report)
        } catch (error) {
          failure ??= { error }
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(concurrency, claimed.length) }, lane))
    if (failure !== undefined) throw failure.error
    return counts
  }

  let running: Promise<void> | undefined
  const state = { stopping: false }
  // A function, so that the loop re-reads the flag after each await.
  const stopped = (): boolean => state.stopping
  let wake: (() => void) | undefined
  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms)
      wake = () => {
        clearTimeout(timer)
        resolve()
      }
    })

  return {
    runOnce,
    start() {
      if (running !== undefined) return
      state.stopping = false
      running = (async () => {
        while (!stopped()) {
          try {
            const result = await runOnce()
            if (result.claimed < batchSize && !stopped()) await pause(pollInterval)
          } catch (err) {
            try {
              options.onError?.(err)
            } catch {
              // The loop outlives a failing listener: an exception here would end the process.
            }
            if (!stopped()) await pause(pollInterval)
          }
        }
      })()
    },
    async stop() {
      state.stopping = true
      wake?.()
      await running
      running = undefined
    },
  }
}
