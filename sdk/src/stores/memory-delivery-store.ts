import type {
  ClaimedDelivery,
  DeliveryAnswer,
  DeliveryRecord,
  DeliveryStatus,
  DeliveryStore,
  OutgoingEvent,
  Subscription,
} from './delivery-store.js'
import { createMemoryDedupeStore } from './memory-dedupe-store.js'

/** Options of {@link createMemoryDeliveryStore}. */
export interface MemoryDeliveryStoreOptions {
  /** "Now" in milliseconds, for the dedupe store's expiry checks. Default `Date.now`. */
  readonly now?: () => number
}

interface EventRow extends OutgoingEvent {
  readonly seq: number
  readonly created: number
}

interface DeliveryRow {
  readonly id: number
  readonly seq: number
  readonly subscriptionId: string
  readonly sink: string
  status: DeliveryStatus
  attempts: number
  due: number
  readonly created: number
  updated: number
  leaseToken: string | undefined
  leaseUntil: number
  lastAnswer: DeliveryAnswer | undefined
}

/**
 * A {@link DeliveryStore} in memory: for tests, browsers, and tools that accept losing queued
 * deliveries on restart. It follows the same contract as the SQL stores, and every method runs
 * without awaiting in between, so each is atomic within the process.
 *
 * @param options A clock for dedupe expiry.
 * @returns The store.
 * @example
 * ```ts
 * const store = createMemoryDeliveryStore()
 * await publishEvent(await signEvent(event, key), { store })
 * ```
 * @see {@link https://w3id.org/cta/spec/delivery#outbox Spec: the outbox}
 */
export function createMemoryDeliveryStore(options: MemoryDeliveryStoreOptions = {}): DeliveryStore {
  const subscriptions = new Map<string, Subscription>()
  const events: EventRow[] = []
  const eventKeys = new Map<string, number>()
  const deliveries = new Map<number, DeliveryRow>()
  let nextSeq = 1
  let nextDelivery = 1

  const cancelPending = (subscriptionId: string, at: number): void => {
    for (const row of deliveries.values()) {
      if (row.subscriptionId === subscriptionId && row.status === 'pending') {
        row.status = 'cancelled'
        row.leaseToken = undefined
        row.updated = at
      }
    }
  }
  const eventOf = (row: DeliveryRow): EventRow => {
    const event = events.find((e) => e.seq === row.seq)
    if (event === undefined) throw new Error('delivery without its event')
    return event
  }
  const leased = (id: string, token: string): DeliveryRow | undefined => {
    const row = deliveries.get(Number(id))
    return row?.status === 'pending' && row.leaseToken === token ? row : undefined
  }
  const finish = (
    id: string,
    token: string,
    answer: DeliveryAnswer,
    status: DeliveryStatus,
    due?: Date,
  ): Promise<boolean> => {
    const row = leased(id, token)
    if (row === undefined) return Promise.resolve(false)
    row.status = status
    row.leaseToken = undefined
    row.leaseUntil = 0
    row.lastAnswer = answer
    row.updated = answer.at.getTime()
    if (due !== undefined) row.due = due.getTime()
    return Promise.resolve(true)
  }
  const record = (row: DeliveryRow): DeliveryRecord => {
    const event = eventOf(row)
    return {
      id: String(row.id),
      subscriptionId: row.subscriptionId,
      sink: row.sink,
      eventSource: event.source,
      eventId: event.id,
      status: row.status,
      attempts: row.attempts,
      created: new Date(row.created),
      due: new Date(row.due),
      ...(row.lastAnswer === undefined ? {} : { lastAnswer: row.lastAnswer }),
    }
  }

  return {
    dedupe: createMemoryDedupeStore(options.now === undefined ? {} : { now: options.now }),

    createSubscription(subscription) {
      if (subscriptions.has(subscription.id)) {
        return Promise.reject(new TypeError(`subscription ${subscription.id} exists`))
      }
      subscriptions.set(subscription.id, Object.freeze({ ...subscription }))
      return Promise.resolve()
    },
    getSubscription(id) {
      return Promise.resolve(subscriptions.get(id))
    },
    listSubscriptions(filter) {
      return Promise.resolve(
        [...subscriptions.values()].filter(
          (s) =>
            (filter.subscriber === undefined || s.subscriber === filter.subscriber) &&
            (filter.group === undefined || s.group === filter.group) &&
            (filter.status === undefined || s.status === filter.status),
        ),
      )
    },
    deleteSubscription(id) {
      const existed = subscriptions.delete(id)
      cancelPending(id, Date.now())
      return Promise.resolve(existed)
    },
    endSubscription(id, at, reason = 'gone') {
      const subscription = subscriptions.get(id)
      if (subscription !== undefined && subscription.status === 'active') {
        subscriptions.set(
          id,
          Object.freeze({ ...subscription, status: 'ended', ended: at.toISOString(), reason }),
        )
      }
      cancelPending(id, at.getTime())
      return Promise.resolve()
    },
    setSubscriptionFailing(id, since) {
      const subscription = subscriptions.get(id)
      if (subscription === undefined) return Promise.resolve()
      if (since === undefined) {
        if (subscription.failingSince !== undefined) {
          const { failingSince: _, ...rest } = subscription
          subscriptions.set(id, Object.freeze(rest))
        }
      } else if (subscription.failingSince === undefined) {
        subscriptions.set(id, Object.freeze({ ...subscription, failingSince: since.toISOString() }))
      }
      return Promise.resolve()
    },

    enqueue(event, subscriptionIds, at) {
      const key = `${event.source}\u0000${event.id}`
      const existing = eventKeys.get(key)
      if (existing !== undefined) {
        return Promise.resolve({ cursor: String(existing), duplicate: true, deliveries: 0 })
      }
      const seq = nextSeq++
      const now = at.getTime()
      const { source, id, type, group, jws } = event
      events.push({ seq, source, id, type, group, jws, created: now })
      eventKeys.set(key, seq)
      let count = 0
      for (const subscriptionId of new Set(subscriptionIds)) {
        const subscription = subscriptions.get(subscriptionId)
        if (subscription?.status !== 'active') continue
        const deliveryId = nextDelivery++
        deliveries.set(deliveryId, {
          id: deliveryId,
          seq,
          subscriptionId,
          sink: subscription.sink,
          status: 'pending',
          attempts: 0,
          due: now,
          created: now,
          updated: now,
          leaseToken: undefined,
          leaseUntil: 0,
          lastAnswer: undefined,
        })
        count++
      }
      return Promise.resolve({ cursor: String(seq), duplicate: false, deliveries: count })
    },

    readFeed(query) {
      const after = query.after === undefined ? 0 : Number(query.after)
      const items = []
      for (const event of events) {
        if (items.length >= query.limit) break
        if (event.seq > after && event.group === query.group) {
          items.push({ cursor: String(event.seq), jws: event.jws })
        }
      }
      return Promise.resolve(items)
    },

    claimDeliveries({ now, limit, leaseMs }) {
      const t = now.getTime()
      const due = [...deliveries.values()]
        .filter((row) => row.status === 'pending' && row.due <= t && row.leaseUntil <= t)
        .sort((a, b) => a.due - b.due || a.id - b.id)
        .slice(0, limit)
      const token = crypto.randomUUID()
      const claimed: ClaimedDelivery[] = due.map((row) => {
        row.leaseToken = token
        row.leaseUntil = t + leaseMs
        row.attempts++
        row.updated = t
        const event = eventOf(row)
        return {
          id: String(row.id),
          subscriptionId: row.subscriptionId,
          sink: row.sink,
          jws: event.jws,
          eventSource: event.source,
          eventId: event.id,
          attempts: row.attempts,
          created: new Date(row.created),
          leaseToken: token,
        }
      })
      return Promise.resolve(claimed)
    },
    completeDelivery(id, token, answer) {
      return finish(id, token, answer, 'delivered')
    },
    retryDelivery(id, token, due, answer) {
      return finish(id, token, answer, 'pending', due)
    },
    deadLetterDelivery(id, token, answer) {
      return finish(id, token, answer, 'dead')
    },
    listDeliveries(filter) {
      const rows = [...deliveries.values()]
        .filter(
          (row) =>
            (filter.status === undefined || row.status === filter.status) &&
            (filter.subscriptionId === undefined || row.subscriptionId === filter.subscriptionId),
        )
        .slice(0, filter.limit ?? 1000)
      return Promise.resolve(rows.map(record))
    },

    prune({ now, retention }) {
      const cutoff = now.getTime() - retention * 1000
      let removed = 0
      for (const [id, row] of deliveries) {
        if (row.status !== 'pending' && row.updated < cutoff) {
          deliveries.delete(id)
          removed++
        }
      }
      const pendingSeqs = new Set(
        [...deliveries.values()].filter((r) => r.status === 'pending').map((r) => r.seq),
      )
      for (let i = events.length - 1; i >= 0; i--) {
        const event = events[i]
        if (event !== undefined && event.created < cutoff && !pendingSeqs.has(event.seq)) {
          events.splice(i, 1)
          eventKeys.delete(`${event.source}\u0000${event.id}`)
          for (const [id, row] of deliveries) if (row.seq === event.seq) deliveries.delete(id)
          removed++
        }
      }
      return Promise.resolve(removed)
    },
    close() {
      return Promise.resolve()
    },
  }
}
