import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JetStreamManager,
  type DirectMsgRequest,
  type StoredMsg,
} from '@nats-io/jetstream'
import { headers, type NatsConnection } from '@nats-io/transport-node'
import type {
  ClaimedDelivery,
  DeliveryAnswer,
  DeliveryRecord,
  DeliveryStatus,
  DeliveryStore,
  EnqueueResult,
  FeedItem,
  OutgoingEvent,
} from '@cta-interop/sdk'
import { ackMessage, nakMessage, pullNow } from './internal/jetstream-pull.js'

/** Options of {@link createJetStreamDeliveryStore}. */
export interface JetStreamDeliveryStoreOptions {
  /** A connection to a JetStream-enabled NATS server or cluster (from `@nats-io/transport-node`). */
  readonly connection: NatsConnection
  /**
   * Where subscriptions and the inbox's dedupe keys live: a PostgreSQL, PGlite or memory store.
   * Publishers read subscriptions from it; workers only need it to end a subscription on `410`.
   */
  readonly state: DeliveryStore
  /** Prefix of the streams' names and subjects (letters, digits, `_`). Default `CTA`. */
  readonly prefix?: string
  /** Replicas of each stream: 3 on a production cluster. Default 1. */
  readonly replicas?: number
  /**
   * How long `Nats-Msg-Id` dedupe remembers a published event, in seconds: at least as long as a
   * publisher may retry the same event. Default 4 days (the age after which receivers refuse it).
   */
  readonly duplicateWindow?: number
  /** Age after which the server drops feed events by itself, in seconds; 0 keeps them until {@link DeliveryStore.prune}. Default 0. */
  readonly retention?: number
  /**
   * Longest a waiting delivery sleeps in the work queue before a worker looks at it again, in
   * milliseconds. Due times and leases are judged by the caller's clock at each look. Default 30 s.
   */
  readonly recheck?: number
  /** How long the server waits for a worker that took a delivery and died, in milliseconds. Default 60 s. */
  readonly ackWait?: number
  /** Close the connection on {@link DeliveryStore.close}. Default `false`. */
  readonly ownsConnection?: boolean
}

/** A {@link DeliveryStore} on NATS JetStream, with the operators' resend tools. */
export interface JetStreamDeliveryStore extends DeliveryStore {
  /** The names of the streams and the consumer. */
  readonly names: {
    readonly events: string
    readonly work: string
    readonly state: string
    readonly dead: string
    readonly consumer: string
  }
  /**
   * Queues the event at `cursor` again for one subscription, as a fresh delivery due at `at`.
   * `false` when there is no such event or its delivery is still pending.
   */
  redeliver(options: {
    readonly cursor: string
    readonly subscriptionId: string
    readonly at: Date
  }): Promise<boolean>
  /** Queues again every delivery of a subscription dead-lettered at or after `since`; how many. */
  recover(options: {
    readonly subscriptionId: string
    readonly since: Date
    readonly at: Date
  }): Promise<number>
}

/** A delivery's state, the only record of it: one message per delivery in the state stream. */
interface DeliveryState {
  readonly sub: string
  readonly sink: string
  readonly seq: number
  readonly src: string
  readonly eid: string
  readonly status: DeliveryStatus
  readonly attempts: number
  readonly created: number
  readonly due: number
  readonly leaseUntil: number
  readonly leaseToken?: string
  readonly updated: number
  readonly answer?: Omit<DeliveryAnswer, 'at'> & { readonly at: number }
}

interface Versioned {
  readonly state: DeliveryState
  /** The state stream's sequence of this version, for compare-and-set. */
  readonly revision: number
}

/** A wake-up this process holds (not acknowledged) while its delivery is leased here. */
interface Held {
  reply: string
  leaseUntil: number
  jws: string
  /** The state as this process leased it: finishing tries it before reading the stream. */
  version: Versioned
}

const WRONG_LAST_SEQUENCE = 10071
const encoder = new TextEncoder()
const decoder = new TextDecoder()
const token = (value: string): string => `k${Buffer.from(value, 'utf8').toString('base64url')}`
const untoken = (value: string): string => Buffer.from(value.slice(1), 'base64url').toString('utf8')

/**
 * A {@link DeliveryStore} on NATS JetStream, for producers whose delivery outgrows one process:
 * publishers and workers in any number of processes share one JetStream cluster.
 *
 * - **Feed**: one stream (`<prefix>_EVENTS`), one subject per group; `Nats-Msg-Id` =
 *   `[source, id]` makes publishing idempotent within `duplicateWindow`; the stream sequence is the
 *   feed cursor, so no lock orders appends.
 * - **Deliveries**: one state message per delivery (`<prefix>_STATE`, last value per subject,
 *   changed by compare-and-set on the subject's sequence), and one wake-up per delivery in a
 *   work-queue stream (`<prefix>_WORK`) read by a shared durable pull consumer. A worker that
 *   takes a wake-up leases the delivery by compare-and-set; retries and `Retry-After` hand the
 *   wake-up back with a delayed `NAK` (the server here, 2.9, has no per-message schedule); a
 *   worker that dies leaves it unacknowledged, and the server hands it to another after `ackWait`.
 * - **Dead letters**: each dead-lettered delivery is also recorded in `<prefix>_DEAD`, per
 *   subscription, which {@link JetStreamDeliveryStore.recover} reads.
 * - **Subscriptions and inbox dedupe** stay in the `state` store (PostgreSQL in production).
 *
 * Times come from the caller, as for every store: JetStream's own timers only decide when a
 * wake-up is looked at again (at most `recheck` later).
 *
 * @param options The connection, the subscriptions' store and the streams' settings.
 * @returns The store, once its streams and consumer exist.
 * @throws {JetStreamApiError} When the server refuses to create a stream or the consumer.
 * @example
 * ```ts
 * const nc = await connect({ servers: 'nats://127.0.0.1:4222' })
 * const store = await createJetStreamDeliveryStore({ connection: nc, state: createPostgresDeliveryStore({ pool }) })
 * ```
 * @see {@link https://w3id.org/cta/spec/delivery#outbox Spec: the outbox}
 */
export async function createJetStreamDeliveryStore(
  options: JetStreamDeliveryStoreOptions,
): Promise<JetStreamDeliveryStore> {
  const nc = options.connection
  const base = options.state
  const prefix = options.prefix ?? 'CTA'
  if (!/^[A-Za-z0-9_]{1,32}$/.test(prefix)) {
    throw new TypeError('prefix must be 1 to 32 letters, digits or _')
  }
  const replicas = options.replicas ?? 1
  const recheck = options.recheck ?? 30_000
  const ackWait = options.ackWait ?? 60_000
  const names = {
    events: `${prefix}_EVENTS`,
    work: `${prefix}_WORK`,
    state: `${prefix}_STATE`,
    dead: `${prefix}_DEAD`,
    consumer: `${prefix}_workers`,
  }
  const subj = {
    event: (group: string) => `${prefix}.ev.${token(group)}`,
    work: (sub: string) => `${prefix}.wk.${token(sub)}`,
    state: (id: string) => `${prefix}.st.${id}`,
    dead: (sub: string) => `${prefix}.dead.${token(sub)}`,
  }
  const js: JetStreamClient = jetstream(nc)
  const jsm: JetStreamManager = await jetstreamManager(nc)
  const ns = (ms: number) => Math.round(ms * 1_000_000)
  const ensureStream = async (config: Parameters<JetStreamManager['streams']['add']>[0]) => {
    try {
      await jsm.streams.info(config.name)
    } catch {
      await jsm.streams.add(config)
    }
  }
  await ensureStream({
    name: names.events,
    allow_direct: true,
    subjects: [`${prefix}.ev.>`],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    num_replicas: replicas,
    duplicate_window: ns((options.duplicateWindow ?? 4 * 86_400) * 1000),
    max_age: ns((options.retention ?? 0) * 1000),
  })
  await ensureStream({
    name: names.work,
    subjects: [`${prefix}.wk.>`],
    storage: StorageType.File,
    retention: RetentionPolicy.Workqueue,
    num_replicas: replicas,
    duplicate_window: ns(2 * 60_000),
  })
  await ensureStream({
    name: names.state,
    allow_direct: true,
    subjects: [`${prefix}.st.>`],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    num_replicas: replicas,
    max_msgs_per_subject: 1,
  })
  await ensureStream({
    name: names.dead,
    allow_direct: true,
    subjects: [`${prefix}.dead.>`],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    num_replicas: replicas,
  })
  try {
    await jsm.consumers.info(names.work, names.consumer)
  } catch {
    await jsm.consumers.add(names.work, {
      durable_name: names.consumer,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: ns(ackWait),
      max_deliver: -1,
      max_ack_pending: 50_000,
      max_waiting: 4096,
    })
  }

  const held = new Map<string, Held>()

  /**
   * A stored message by sequence, or the last or next one of a subject, through the streams'
   * direct get (server 2.9+; any replica answers, so a read may lag a write by a moment: the
   * compare-and-set then fails and the update reads again).
   */
  const getMessage = async (
    stream: string,
    query: { seq?: number; last_by_subj?: string; next_by_subj?: string },
  ): Promise<StoredMsg | undefined> => {
    try {
      return (await jsm.direct.getMessage(stream, query as DirectMsgRequest)) ?? undefined
    } catch (err) {
      if (err instanceof JetStreamApiError && err.status === 404) return undefined
      throw err
    }
  }
  const read = async (id: string): Promise<Versioned | undefined> => {
    const m = await getMessage(names.state, { last_by_subj: subj.state(id) })
    return m === undefined ? undefined : { state: m.json<DeliveryState>(), revision: m.seq }
  }
  /**
   * Writes a new version if nobody wrote since `revision` (0: if there is none); its revision, or
   * `undefined` when someone did.
   */
  const write = async (
    id: string,
    state: DeliveryState,
    revision: number,
  ): Promise<number | undefined> => {
    try {
      const ack = await js.publish(subj.state(id), JSON.stringify(state), {
        expect: { lastSubjectSequence: revision },
      })
      return ack.seq
    } catch (err) {
      if (err instanceof JetStreamApiError && err.code === WRONG_LAST_SEQUENCE) return undefined
      throw err
    }
  }
  /**
   * Applies `change` to the current state by compare-and-set, re-reading on conflicts; `known`, a
   * version this process wrote, is tried first without reading.
   */
  const update = async (
    id: string,
    change: (state: DeliveryState) => DeliveryState | undefined,
    known?: Versioned,
  ): Promise<Versioned | undefined> => {
    let current = known
    for (;;) {
      current ??= await read(id)
      if (current === undefined) return undefined
      const next = change(current.state)
      if (next === undefined) {
        if (current === known) {
          current = undefined
          known = undefined
          continue
        }
        return undefined
      }
      const revision = await write(id, next, current.revision)
      if (revision !== undefined) return { state: next, revision }
      current = undefined
      known = undefined
    }
  }
  const wake = async (id: string, jws: string, msgID?: string) => {
    const sub = id.slice(0, id.indexOf('.'))
    await js.publish(
      `${prefix}.wk.${sub}`,
      JSON.stringify({ id, jws }),
      msgID === undefined ? {} : { msgID },
    )
  }
  const release = (id: string, delayMs?: number) => {
    const h = held.get(id)
    if (h === undefined) return
    held.delete(id)
    if (delayMs === undefined) ackMessage(nc, h.reply)
    else nakMessage(nc, h.reply, Math.min(delayMs, recheck))
  }
  /** Every delivery's current state, optionally of one subscription, in stream order. */
  const scan = async function* (subscriptionId?: string): AsyncGenerator<[string, Versioned]> {
    const filter =
      subscriptionId === undefined ? `${prefix}.st.>` : `${prefix}.st.${token(subscriptionId)}.>`
    let seq = 1
    for (;;) {
      const m = await getMessage(names.state, { seq, next_by_subj: filter })
      if (m === undefined) return
      yield [
        m.subject.slice(prefix.length + 4),
        { state: m.json<DeliveryState>(), revision: m.seq },
      ]
      seq = m.seq + 1
    }
  }
  /** The state without its lease. */
  const unleased = (s: DeliveryState): DeliveryState => {
    const { leaseToken: _, ...rest } = s
    return { ...rest, leaseUntil: 0 }
  }
  const toAnswer = (a: DeliveryAnswer): NonNullable<DeliveryState['answer']> => ({
    ...a,
    at: a.at.getTime(),
  })
  const fromAnswer = (a: NonNullable<DeliveryState['answer']>): DeliveryAnswer => ({
    ...a,
    at: new Date(a.at),
  })
  const finish = async (
    id: string,
    leaseToken: string,
    answer: DeliveryAnswer,
    status: DeliveryStatus,
    due?: Date,
  ): Promise<boolean> => {
    const at = answer.at.getTime()
    const written = await update(
      id,
      (s) =>
        s.status !== 'pending' || s.leaseToken !== leaseToken
          ? undefined
          : {
              ...unleased(s),
              status,
              updated: at,
              answer: toAnswer(answer),
              ...(due === undefined ? {} : { due: due.getTime() }),
            },
      held.get(id)?.version,
    )
    if (written === undefined) return false
    const next = written.state
    if (status === 'dead') {
      await js.publish(
        subj.dead(next.sub),
        JSON.stringify({ id, seq: next.seq, at, answer: next.answer }),
      )
    }
    release(id, status === 'pending' ? (due?.getTime() ?? at) - at : undefined)
    return true
  }
  const cancelAll = async (subscriptionId: string, at: number) => {
    for await (const [id, v] of scan(subscriptionId)) {
      if (v.state.status !== 'pending') continue
      await update(id, (s) =>
        s.status === 'pending' ? { ...unleased(s), status: 'cancelled', updated: at } : undefined,
      )
      release(id)
    }
  }
  /** Queues one delivery unless it exists; `true` when it was new. */
  const queue = async (id: string, state: DeliveryState, jws: string): Promise<boolean> => {
    const created = (await write(id, state, 0)) !== undefined
    const current = created ? undefined : await read(id)
    // The wake-up is deduplicated by its id, so that a publisher retrying after a crash between
    // the state and the wake-up repairs the queue without waking the delivery twice.
    if (created || current?.state.status === 'pending') await wake(id, jws, `wk:${id}`)
    return created
  }
  /** Resets a finished delivery to pending, due at `at`, and wakes it. */
  const requeue = async (id: string, at: number, from: (s: DeliveryState) => boolean) => {
    const next = await update(id, (s) =>
      s.status === 'pending' || !from(s)
        ? undefined
        : { ...unleased(s), status: 'pending', attempts: 0, due: at, updated: at },
    )
    if (next === undefined) return false
    const event = await getMessage(names.events, { seq: next.state.seq })
    if (event === undefined) return false
    await wake(id, decoder.decode(event.data))
    return true
  }

  const store: JetStreamDeliveryStore = {
    names,
    dedupe: base.dedupe,
    createSubscription: (s) => base.createSubscription(s),
    getSubscription: (id) => base.getSubscription(id),
    listSubscriptions: (filter) => base.listSubscriptions(filter),
    async deleteSubscription(id) {
      const existed = await base.deleteSubscription(id)
      await cancelAll(id, Date.now())
      return existed
    },
    async endSubscription(id, at) {
      await base.endSubscription(id, at)
      await cancelAll(id, at.getTime())
    },

    async enqueue(event: OutgoingEvent, subscriptionIds, at): Promise<EnqueueResult> {
      const wanted = new Set(subscriptionIds)
      const active =
        wanted.size === 0
          ? []
          : (await base.listSubscriptions({ group: event.group, status: 'active' })).filter((s) =>
              wanted.has(s.id),
            )
      // Listed subscriptions of another group are looked up one by one (rare).
      for (const id of wanted) {
        if (active.some((s) => s.id === id)) continue
        const s = await base.getSubscription(id)
        if (s?.status === 'active') active.push(s)
      }
      const h = headers()
      h.set('Cta-Created', String(at.getTime()))
      const ack = await js.publish(subj.event(event.group), encoder.encode(event.jws), {
        msgID: JSON.stringify([event.source, event.id]),
        headers: h,
      })
      const time = at.getTime()
      const created = await Promise.all(
        active.map((s) =>
          queue(
            `${token(s.id)}.${ack.seq}`,
            {
              sub: s.id,
              sink: s.sink,
              seq: ack.seq,
              src: event.source,
              eid: event.id,
              status: 'pending',
              attempts: 0,
              created: time,
              due: time,
              leaseUntil: 0,
              updated: time,
            },
            event.jws,
          ),
        ),
      )
      const deliveries = created.filter(Boolean).length
      return { cursor: String(ack.seq), duplicate: ack.duplicate, deliveries }
    },

    async readFeed({ group, after, limit }): Promise<FeedItem[]> {
      const start = after === undefined ? 0 : Number(after)
      if (!Number.isSafeInteger(start) || start < 0) throw new TypeError('unreadable cursor')
      const items: FeedItem[] = []
      let seq = start + 1
      while (items.length < limit) {
        const m = await getMessage(names.events, { seq, next_by_subj: subj.event(group) })
        if (m === undefined) break
        items.push({ cursor: String(m.seq), jws: decoder.decode(m.data) })
        seq = m.seq + 1
      }
      return items
    },

    async claimDeliveries({ now, limit, leaseMs }): Promise<ClaimedDelivery[]> {
      const t = now.getTime()
      const claimed: ClaimedDelivery[] = []
      const leaseToken = crypto.randomUUID()
      const take = async (
        id: string,
        jws: string,
        reply: string,
        known?: Versioned,
      ): Promise<boolean> => {
        let wait: number | undefined
        const written = await update(
          id,
          (s) => {
            wait = undefined
            if (s.status !== 'pending') return undefined
            if (s.due > t || s.leaseUntil > t) {
              wait = Math.max(s.due, s.leaseUntil) - t
              return undefined
            }
            return {
              ...s,
              attempts: s.attempts + 1,
              leaseToken,
              leaseUntil: t + leaseMs,
              updated: t,
            }
          },
          known,
        )
        if (written === undefined) {
          held.delete(id)
          if (wait === undefined) ackMessage(nc, reply)
          else nakMessage(nc, reply, Math.min(wait, recheck))
          return false
        }
        const next = written.state
        held.set(id, { reply, leaseUntil: t + leaseMs, jws, version: written })
        claimed.push({
          id,
          subscriptionId: next.sub,
          sink: next.sink,
          jws,
          eventSource: next.src,
          eventId: next.eid,
          attempts: next.attempts,
          created: new Date(next.created),
          leaseToken,
        })
        return true
      }
      // Leases this process holds that ran out by the caller's clock.
      for (const [id, h] of [...held]) {
        if (claimed.length >= limit) break
        if (h.leaseUntil <= t) await take(id, h.jws, h.reply, h.version)
      }
      if (claimed.length < limit) {
        const pulled = await pullNow(nc, names.work, names.consumer, limit - claimed.length)
        await Promise.all(
          pulled.map(async (m) => {
            const { id, jws } = JSON.parse(decoder.decode(m.data)) as { id: string; jws: string }
            const previous = held.get(id)
            if (previous !== undefined && previous.reply !== m.reply) {
              // The server handed out again a wake-up held here: keep the newest handle.
              previous.reply = m.reply
            }
            await take(id, jws, m.reply)
          }),
        )
      }
      return claimed
    },
    completeDelivery: (id, leaseToken, answer) => finish(id, leaseToken, answer, 'delivered'),
    retryDelivery: (id, leaseToken, due, answer) => finish(id, leaseToken, answer, 'pending', due),
    deadLetterDelivery: (id, leaseToken, answer) => finish(id, leaseToken, answer, 'dead'),

    async listDeliveries(filter): Promise<DeliveryRecord[]> {
      const rows: DeliveryRecord[] = []
      for await (const [id, { state: s }] of scan(filter.subscriptionId)) {
        if (filter.status !== undefined && s.status !== filter.status) continue
        rows.push({
          id,
          subscriptionId: s.sub,
          sink: s.sink,
          eventSource: s.src,
          eventId: s.eid,
          status: s.status,
          attempts: s.attempts,
          created: new Date(s.created),
          due: new Date(s.due),
          ...(s.answer === undefined ? {} : { lastAnswer: fromAnswer(s.answer) }),
        })
      }
      const seqOf = (id: string) => Number(id.slice(id.indexOf('.') + 1))
      rows.sort((a, b) => a.created.getTime() - b.created.getTime() || seqOf(a.id) - seqOf(b.id))
      return rows.slice(0, filter.limit ?? 1000)
    },

    async prune({ now, retention }) {
      let removed = await base.prune({ now, retention })
      const cutoff = now.getTime() - retention * 1000
      const pending = new Set<number>()
      for await (const [id, { state: s }] of scan()) {
        if (s.status === 'pending') pending.add(s.seq)
        else if (s.updated < cutoff) {
          await jsm.streams.purge(names.state, { filter: subj.state(id) })
          removed++
        }
      }
      let seq = 1
      for (;;) {
        const m = await getMessage(names.events, { seq, next_by_subj: `${prefix}.ev.>` })
        if (m === undefined) break
        const created = Number(m.header.get('Cta-Created'))
        if (created < cutoff && !pending.has(m.seq)) {
          await jsm.streams.deleteMessage(names.events, m.seq, false)
          removed++
        }
        seq = m.seq + 1
      }
      return removed
    },

    async redeliver({ cursor, subscriptionId, at }) {
      const seq = Number(cursor)
      if (!Number.isSafeInteger(seq) || seq < 1) throw new TypeError('unreadable cursor')
      const id = `${token(subscriptionId)}.${seq}`
      if (await requeue(id, at.getTime(), () => true)) return true
      // Never queued for this subscription (or pruned): queue it now, if the event is there.
      const subscription = await base.getSubscription(subscriptionId)
      const event = await getMessage(names.events, { seq })
      if (subscription?.status !== 'active' || event === undefined) return false
      const group = untoken(event.subject.slice(prefix.length + 4))
      if (group !== subscription.group) return false
      const [source, eventId] = JSON.parse(event.header.get('Nats-Msg-Id')) as [string, string]
      const time = at.getTime()
      return queue(
        id,
        {
          sub: subscriptionId,
          sink: subscription.sink,
          seq,
          src: source,
          eid: eventId,
          status: 'pending',
          attempts: 0,
          created: time,
          due: time,
          leaseUntil: 0,
          updated: time,
        },
        decoder.decode(event.data),
      )
    },
    async recover({ subscriptionId, since, at }) {
      const from = since.getTime()
      const ids = new Set<string>()
      let seq = 1
      for (;;) {
        const m = await getMessage(names.dead, { seq, next_by_subj: subj.dead(subscriptionId) })
        if (m === undefined) break
        const record = m.json<{ id: string; at: number }>()
        if (record.at >= from) ids.add(record.id)
        seq = m.seq + 1
      }
      let count = 0
      for (const id of ids) if (await requeue(id, at.getTime(), (s) => s.status === 'dead')) count++
      return count
    },

    async close() {
      for (const id of [...held.keys()]) release(id, 0)
      if (options.ownsConnection === true) await nc.drain()
      else await nc.flush()
    },
  }
  return store
}
