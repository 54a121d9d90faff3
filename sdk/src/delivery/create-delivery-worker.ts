import type {
  ClaimedDelivery,
  DeliveryAnswer,
  DeliveryStore,
  Subscription,
  SubscriptionEndReason,
} from '../stores/delivery-store.js'
import {
  DEFAULT_DELIVERY_TIMEOUT,
  DEFAULT_RETRY_POLICY,
  SUBSCRIPTION_FAILURE_PERIOD,
  type RetryPolicy,
} from './constants.js'
import { outboundFetch } from '../http/guarded-fetch.js'
import type { IsInstalled } from './create-subscriptions-handler.js'
import { deliverEvent, type DeliverEventOptions, type DeliveryAttempt } from './deliver-event.js'
import { endSubscriptions, type SubscriptionEndedAnnouncement } from './end-subscriptions.js'
import { eventTimeOf } from './internal/event-time.js'
import { isFarewell } from './internal/is-farewell.js'
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
    | 'getSubscription'
    | 'setSubscriptionFailing'
    | 'listSubscriptions'
    | 'enqueue'
  >
  /**
   * Whether the subscriber still has an active installation in the subscription's group: asked
   * before every attempt (DLV-SUB-009). When it answers `false` the subscription ends (reason
   * `uninstalled`) and nothing is sent; when it throws (the authority cannot be asked) nothing is
   * sent either, and the delivery is tried again later. Pass the same callback as to
   * {@link createSubscriptionsHandler}. Leave it out only where no installation can end (tests).
   */
  readonly isInstalled?: IsInstalled
  /**
   * How long every attempt to deliver to a subscription may fail before the subscription ends
   * (reason `failing`), in seconds. Default {@link SUBSCRIPTION_FAILURE_PERIOD} (5 days), which is
   * also the most DLV-SUB-012 allows.
   */
  readonly failurePeriod?: number
  /**
   * Publishes a `tech.collaborative.subscription.ended` event for every subscription the worker
   * ends (DLV-SUB-013): the producer's signing key, name and subscriptions endpoint.
   */
  readonly announce?: SubscriptionEndedAnnouncement
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
  /**
   * The attempt; absent when none was made: the subscription had ended, expired, or its
   * subscriber was no longer installed (`ended`), or the installation could not be checked
   * (`retry`).
   */
  readonly attempt?: DeliveryAttempt
  /**
   * `delivered`; `retry` (due again at `due`); `dead` (permanent failure or retries exhausted);
   * `ended` (the subscription ended: see `reason`); `lost` (the lease ran out first, and another
   * worker owns the delivery now).
   */
  readonly result: 'delivered' | 'retry' | 'dead' | 'ended' | 'lost'
  /** When the next attempt is due, for `retry`. */
  readonly due?: Date
  /**
   * Why the subscription ended, when this delivery ended it (or found it ended): `gone`,
   * `expired`, `uninstalled` or `failing`.
   */
  readonly reason?: SubscriptionEndReason
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
 * subscription ended and its other pending deliveries cancelled. Before each attempt it reads the
 * subscription: one that expired, or whose subscriber is no longer installed in the group
 * (`isInstalled`), is ended instead of delivered to, and one whose deliveries have all failed for
 * `failurePeriod` (5 days) ends at its next failure; with `announce`, each end is published as a
 * `tech.collaborative.subscription.ended` event. No attempt is made later than the
 * policy's `horizon` (72 hours) after the event's `time`: a retry that would fall later is not
 * scheduled, and a delivery claimed after that instant is dead-lettered without an attempt
 * (`ERR_EVENT_STALE`), so receivers never get an event they must refuse as stale. A worker that
 * dies mid-attempt loses its lease, and the delivery is attempted again once the lease runs out:
 * delivery is at-least-once, and receivers deduplicate.
 *
 * @param options The store, the outbound policy (in Node, `fetch: createSafeFetch()`), and tuning.
 * @returns The worker.
 * @throws {TypeError} When the lease is not longer than the attempt timeout, a count is not a
 *   positive integer, or `failurePeriod` is not a positive number of seconds.
 * @example
 * ```ts
 * const worker = createDeliveryWorker({ store, fetch: createSafeFetch() })
 * worker.start()
 * process.on('SIGTERM', () => void worker.stop())
 * ```
 * @see {@link https://w3id.org/cta/spec/delivery#sending Spec: sending}
 * @see {@link https://w3id.org/cta/spec/delivery#DLV-WIN-001 Spec: DLV-WIN-001}
 * @see {@link https://w3id.org/cta/spec/delivery#ending-subscriptions Spec: ending subscriptions}
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
  const failureMs = (options.failurePeriod ?? SUBSCRIPTION_FAILURE_PERIOD) * 1000
  if (!(failureMs > 0)) throw new TypeError('failurePeriod must be a positive number of seconds')
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

  /** Ends a subscription for `reason`, cancelling its deliveries, and announces it. */
  const end = async (id: string, reason: SubscriptionEndReason, at: Date): Promise<void> => {
    await endSubscriptions({ id }, reason, {
      store,
      currentDate: at,
      ...(options.announce === undefined ? {} : { announce: options.announce }),
    })
  }

  /** The next retry of a delivery, or `undefined` when it has run out of retries. */
  const nextDue = (delivery: ClaimedDelivery, at: Date, retryAfter?: number): Date | undefined => {
    const delay =
      retryAfter === undefined
        ? retryDelay(delivery.attempts, {
            policy,
            ...(options.random ? { random: options.random } : {}),
          })
        : Math.min(Math.max(retryAfter, 1), policy.maxRetryAfter)
    const due = new Date(at.getTime() + Math.round(delay * 1000))
    const exhausted =
      delivery.attempts >= policy.maxAttempts || due.getTime() > deadlineOf(delivery)
    return exhausted ? undefined : due
  }

  /**
   * Why a delivery must not be attempted now: its subscription is gone, ended or expired, or its
   * subscriber is no longer installed (an end reason), or the installation could not be checked
   * (`unknown`). `installed` caches the checks of one batch.
   */
  const refusal = async (
    subscription: Subscription | undefined,
    at: Date,
    installed: Map<string, Promise<boolean>>,
  ): Promise<SubscriptionEndReason | 'unknown' | undefined> => {
    if (subscription === undefined) return 'gone'
    if (subscription.status !== 'active') return subscription.reason ?? 'gone'
    if (subscription.expires !== undefined && Date.parse(subscription.expires) <= at.getTime()) {
      return 'expired'
    }
    const check = options.isInstalled
    if (check === undefined) return undefined
    const key = `${subscription.group}\u0000${subscription.subscriber}`
    let answer = installed.get(key)
    if (answer === undefined) {
      answer = Promise.resolve()
        .then(() => check(subscription.group, subscription.subscriber))
        .then((yes: unknown) => yes === true)
      installed.set(key, answer)
    }
    try {
      return (await answer) ? undefined : 'uninstalled'
    } catch {
      return 'unknown'
    }
  }

  /** Records that a subscription's delivery succeeded or failed, and ends one failing too long. */
  const track = async (
    subscription: Subscription,
    ok: boolean,
    at: Date,
    failing: Map<string, number | undefined>,
  ): Promise<SubscriptionEndReason | undefined> => {
    const known = failing.has(subscription.id)
      ? failing.get(subscription.id)
      : subscription.failingSince === undefined
        ? undefined
        : Date.parse(subscription.failingSince)
    if (ok) {
      if (known !== undefined) await store.setSubscriptionFailing(subscription.id, undefined)
      failing.set(subscription.id, undefined)
      return undefined
    }
    if (known === undefined) {
      await store.setSubscriptionFailing(subscription.id, at)
      failing.set(subscription.id, at.getTime())
      return undefined
    }
    if (at.getTime() - known < failureMs) return undefined
    await end(subscription.id, 'failing', at)
    return 'failing'
  }

  async function settle(
    delivery: ClaimedDelivery,
    attempt: DeliveryAttempt,
    subscription: Subscription,
    failing: Map<string, number | undefined>,
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
    /** The report of a failed attempt, ended instead when the subscription failed too long. */
    const failed = async (result: DeliveryReport): Promise<DeliveryReport> => {
      const reason = await track(subscription, false, at, failing)
      return reason === undefined ? result : { ...result, result: 'ended', reason }
    }
    switch (attempt.outcome) {
      case 'delivered': {
        const ok = await store.completeDelivery(id, leaseToken, answer)
        await track(subscription, true, at, failing)
        return report('delivered', ok)
      }
      case 'gone': {
        const ok = await store.deadLetterDelivery(id, leaseToken, answer)
        await end(delivery.subscriptionId, 'gone', at)
        return { ...report('ended', ok), reason: 'gone' }
      }
      case 'failed':
        return failed(report('dead', await store.deadLetterDelivery(id, leaseToken, answer)))
      case 'retry': {
        const due = nextDue(delivery, at, attempt.retryAfter)
        if (due === undefined) {
          return failed(report('dead', await store.deadLetterDelivery(id, leaseToken, answer)))
        }
        return failed(report('retry', await store.retryDelivery(id, leaseToken, due, answer), due))
      }
    }
  }

  /** Handles one claimed delivery: checks its subscription, attempts it, records the outcome. */
  async function handle(
    delivery: ClaimedDelivery,
    batch: {
      readonly subscriptions: Map<string, Promise<Subscription | undefined>>
      readonly installed: Map<string, Promise<boolean>>
      readonly failing: Map<string, number | undefined>
    },
  ): Promise<DeliveryReport> {
    let read = batch.subscriptions.get(delivery.subscriptionId)
    if (read === undefined) {
      read = store.getSubscription(delivery.subscriptionId)
      batch.subscriptions.set(delivery.subscriptionId, read)
    }
    const subscription = await read
    const at = new Date(now())
    const refused = await refusal(subscription, at, batch.installed)
    if (refused === 'unknown') {
      // Fail closed: nothing goes out until the installation is confirmed.
      const due = nextDue(delivery, at)
      const answer: DeliveryAnswer = {
        at,
        code: 'ERR_FETCH_FAILED',
        detail: 'the installation could not be checked',
      }
      const ok =
        due === undefined
          ? await store.deadLetterDelivery(delivery.id, delivery.leaseToken, answer)
          : await store.retryDelivery(delivery.id, delivery.leaseToken, due, answer)
      const result = !ok ? 'lost' : due === undefined ? 'dead' : 'retry'
      return { delivery, result, ...(due === undefined || !ok ? {} : { due }) }
    }
    // The one event still delivered to a tool whose installation ended: the news of it.
    const farewell =
      refused === 'uninstalled' &&
      subscription !== undefined &&
      isFarewell(delivery.jws, subscription)
    if ((refused !== undefined || subscription === undefined) && !farewell) {
      // Ending cancels this delivery too (and every other pending one of the subscription).
      const reason = refused ?? 'gone'
      await end(delivery.subscriptionId, reason, at)
      return { delivery, result: 'ended', reason }
    }
    const attempt = await deliverEvent(delivery.jws, delivery.sink, options)
    const report = await settle(delivery, attempt, subscription, batch.failing)
    if (!farewell || report.result === 'retry' || report.result === 'lost') return report
    await end(delivery.subscriptionId, 'uninstalled', new Date(now()))
    return { ...report, result: 'ended', reason: 'uninstalled' }
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
    const batch = {
      subscriptions: new Map<string, Promise<Subscription | undefined>>(),
      installed: new Map<string, Promise<boolean>>(),
      failing: new Map<string, number | undefined>(),
    }
    const lane = async (): Promise<void> => {
      while (failure === undefined && next < claimed.length) {
        const delivery = claimed[next++] as ClaimedDelivery
        const late = now() > deadlineOf(delivery)
        try {
          const report = late ? await expire(delivery) : await handle(delivery, batch)
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
