import type { DedupeStore } from '../events/verify-event.js'

/**
 * Whether a subscription still receives events. `ended` once its sink answered `410 Gone`, it
 * expired, its subscriber's installation in the group ended, or its deliveries failed for too
 * long (see {@link SubscriptionEndReason}).
 */
export type SubscriptionStatus = 'active' | 'ended'

/**
 * Why a subscription ended: `gone` (its sink answered `410`), `expired` (its `expires` passed),
 * `uninstalled` (the subscriber's installation in the group stopped being active), `failing`
 * (every attempt to deliver to it failed for 5 days).
 * @see {@link https://w3id.org/cta/spec/delivery#ending-subscriptions Spec: ending subscriptions}
 */
export type SubscriptionEndReason = 'gone' | 'expired' | 'uninstalled' | 'failing'

/**
 * A subscription as a producer stores it: which tool asked, where to deliver, and which events.
 * @see {@link https://w3id.org/cta/spec/delivery#subscriptions Spec: subscriptions}
 */
export interface Subscription {
  /** Assigned by the producer; opaque. */
  readonly id: string
  /** The origin of the subscribing tool (the tool whose key signed the request). */
  readonly subscriber: string
  /** The inbox URL events are POSTed to, on the subscriber's origin. */
  readonly sink: string
  /** The group whose events are delivered (the `exact` filter on `group`). */
  readonly group: string
  /** Event types or `prefix.*` patterns; absent means every type. */
  readonly types?: readonly string[]
  readonly status: SubscriptionStatus
  /** When it was created (RFC 3339). */
  readonly created: string
  /** When it ended, if it did (RFC 3339). */
  readonly ended?: string
  /** Why it ended, if it did. */
  readonly reason?: SubscriptionEndReason
  /** When it ends at the latest (RFC 3339): nothing is delivered to it from then on. */
  readonly expires?: string
  /**
   * When its deliveries began to fail (RFC 3339): the first failed attempt since the last one
   * that was delivered, or since it was created. Absent while deliveries succeed.
   */
  readonly failingSince?: string
}

/** An event to append to the feed and deliver: its signed form and the attributes routing needs. */
export interface OutgoingEvent {
  readonly source: string
  readonly id: string
  readonly type: string
  readonly group: string
  /** The compact JWS, exactly as it is delivered and served. */
  readonly jws: string
}

/** What {@link DeliveryStore.enqueue} did. */
export interface EnqueueResult {
  /** The event's feed cursor. */
  readonly cursor: string
  /** `true` when an event with this `(source, id)` was already in the feed: nothing was added. */
  readonly duplicate: boolean
  /** How many deliveries were queued. */
  readonly deliveries: number
}

/** One event of the feed, with the cursor that points just past it. */
export interface FeedItem {
  readonly cursor: string
  readonly jws: string
}

/** A delivery a worker has claimed: it holds the lease until `leaseUntil`. */
export interface ClaimedDelivery {
  readonly id: string
  readonly subscriptionId: string
  readonly sink: string
  readonly jws: string
  readonly eventSource: string
  readonly eventId: string
  /** Attempts made so far, this one included. */
  readonly attempts: number
  /** When the delivery was queued. */
  readonly created: Date
  /** Proves the lease: completing, rescheduling or dead-lettering needs it. */
  readonly leaseToken: string
}

/** What the sink answered to an attempt (or why there was no answer). */
export interface DeliveryAnswer {
  /** When the attempt ended. */
  readonly at: Date
  /** The HTTP status, when the sink answered. */
  readonly status?: number
  /** A CTA error code when the attempt failed before an answer (`ERR_FETCH_FAILED`, `ERR_ADDRESS_NOT_ALLOWED`). */
  readonly code?: string
  /** A human-readable explanation (not API). */
  readonly detail?: string
  /** The start of the answer's body (at most 16 KiB). */
  readonly body?: string
}

/**
 * Where a delivery is: `pending` (due now or later), `delivered`, `dead` (permanently failed or out
 * of retries, kept with its last answer), or `cancelled` (its subscription ended or was deleted).
 */
export type DeliveryStatus = 'pending' | 'delivered' | 'dead' | 'cancelled'

/** A delivery as stored, for inspection and dead-letter handling. */
export interface DeliveryRecord {
  readonly id: string
  readonly subscriptionId: string
  readonly sink: string
  readonly eventSource: string
  readonly eventId: string
  readonly status: DeliveryStatus
  readonly attempts: number
  readonly created: Date
  /** When the next attempt is due (pending deliveries). */
  readonly due: Date
  readonly lastAnswer?: DeliveryAnswer
}

/**
 * The durable state of delivery behind one small interface: subscriptions, the feed of published
 * events, the outbox of deliveries with leases, and the dedupe store. Implementations:
 * {@link createMemoryDeliveryStore} (tests, browsers), and in `@cta-interop/sdk/node`
 * `createPgliteDeliveryStore` (embedded, durable, no server) and `createPostgresDeliveryStore`,
 * which share their SQL.
 *
 * Every method is atomic. Times are passed in by the caller, so a worker's clock is the only
 * clock, and tests can move it by days.
 * @see {@link https://w3id.org/cta/spec/delivery#outbox Spec: the outbox}
 */
export interface DeliveryStore {
  /** Remembers accepted events (and single-use token ids) by `(source, id)`. */
  readonly dedupe: DedupeStore
  /** Stores a new subscription. */
  createSubscription(subscription: Subscription): Promise<void>
  /** A subscription by id. */
  getSubscription(id: string): Promise<Subscription | undefined>
  /** Subscriptions matching every given criterion, oldest first. */
  listSubscriptions(filter: {
    readonly subscriber?: string
    readonly group?: string
    readonly status?: SubscriptionStatus
  }): Promise<Subscription[]>
  /** Deletes a subscription and cancels its pending deliveries; `false` if there was none. */
  deleteSubscription(id: string): Promise<boolean>
  /**
   * Marks an active subscription `ended` at `at` for `reason` (default `gone`), and cancels its
   * pending deliveries, leased ones included. An ended subscription keeps its first `ended` and
   * `reason`; its pending deliveries are cancelled all the same.
   */
  endSubscription(id: string, at: Date, reason?: SubscriptionEndReason): Promise<void>
  /**
   * Records when a subscription's deliveries began to fail: `since` is kept only when none is
   * recorded (the earliest failure counts); `undefined` clears it, after a delivered attempt.
   */
  setSubscriptionFailing(id: string, since: Date | undefined): Promise<void>
  /**
   * Appends an event to the feed and queues one delivery, due at `at`, for each listed
   * subscription that is still active: in one transaction. An event already in the feed (same
   * `source` and `id`) is left alone, so publishing is idempotent. Cursors grow in commit order.
   */
  enqueue(
    event: OutgoingEvent,
    subscriptionIds: readonly string[],
    at: Date,
  ): Promise<EnqueueResult>
  /** Events of a group after a cursor (exclusive), in cursor order. */
  readFeed(query: {
    readonly group: string
    readonly after?: string
    readonly limit: number
  }): Promise<FeedItem[]>
  /**
   * Leases up to `limit` pending deliveries that are due at `now` and not leased by anyone else
   * (or whose lease has run out), counting an attempt for each. Two concurrent callers never get
   * the same delivery.
   */
  claimDeliveries(options: {
    readonly now: Date
    readonly limit: number
    /** How long the lease lasts, in milliseconds. */
    readonly leaseMs: number
  }): Promise<ClaimedDelivery[]>
  /** Marks a leased delivery delivered; `false` if the lease was lost. */
  completeDelivery(id: string, leaseToken: string, answer: DeliveryAnswer): Promise<boolean>
  /** Releases a leased delivery to be tried again at `due`; `false` if the lease was lost. */
  retryDelivery(id: string, leaseToken: string, due: Date, answer: DeliveryAnswer): Promise<boolean>
  /** Marks a leased delivery dead, keeping its last answer; `false` if the lease was lost. */
  deadLetterDelivery(id: string, leaseToken: string, answer: DeliveryAnswer): Promise<boolean>
  /** Deliveries matching every given criterion, oldest first. */
  listDeliveries(filter: {
    readonly status?: DeliveryStatus
    readonly subscriptionId?: string
    readonly limit?: number
  }): Promise<DeliveryRecord[]>
  /**
   * Forgets what is no longer needed: dedupe keys expired at `now`, and finished deliveries and
   * feed events created more than `retention` seconds before `now` (events with a pending delivery
   * are kept). Returns how many rows went.
   */
  prune(options: { readonly now: Date; readonly retention: number }): Promise<number>
  /** Releases the store's resources (connections, files) if it owns them. */
  close(): Promise<void>
}
