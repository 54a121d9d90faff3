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
import { DEFAULT_CLOCK_TOLERANCE, DEFAULT_MAX_EVENT_AGE } from '@cta-interop/sdk'
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
import { ackMessage, nakMessage, pullNow, workingMessage } from './internal/jetstream-pull.js'

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
   * publisher may retry the same event. Default 72 hours and 2 minutes: the event's window and
   * twice the clock skew, after which receivers refuse it as stale (EVT-AGE-001).
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

/** A delivery's state: carried by its work-queue message until an outcome is written. */
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
  readonly updated: number
  readonly answer?: Omit<DeliveryAnswer, 'at'> & { readonly at: number }
}

interface Versioned {
  readonly state: DeliveryState
  /** The state stream's sequence of this version (0: none written yet), for compare-and-set. */
  readonly revision: number
}

/** A work-queue message: the delivery's event and the state it was queued with. */
interface WorkMessage {
  readonly jws: string
  readonly st: DeliveryState
  /** The state stream's revision `st` stands for (0: none written). */
  readonly rev: number
}

/**
 * A new event's deliveries, queued together: one work-queue message for all the subscriptions of
 * one event (`<prefix>.wk.g.<seq>`), each delivery in its initial state.
 */
interface GroupMessage {
  readonly g: 1
  readonly jws: string
  readonly seq: number
  readonly src: string
  readonly eid: string
  /** When the deliveries were created (and are due). */
  readonly t: number
  /** Subscription and sink of each delivery. */
  readonly subs: readonly (readonly [string, string])[]
}

/** A group message held by this process: acknowledged once each of its deliveries is finished. */
interface GroupHold {
  readonly seq: number
  reply: string
  readonly open: Set<string>
}

/** Successes recorded together: one message of the state stream. */
interface DoneRecord {
  /** The latest `updated` of the items. */
  readonly at: number
  readonly items: readonly (readonly [string, DeliveryState])[]
}

/** A delivery this process holds leased: its work-queue message is not acknowledged. */
interface Held {
  reply: string
  leaseUntil: number
  /** When, by this process's clock, the lease ends: until then the server is told it is in progress. */
  extendUntil: number
  /** An outcome is being recorded: a second one with the same lease is refused. */
  finishing?: boolean
  readonly leaseToken: string
  readonly jws: string
  /** The state as leased (attempts counted), and the revision an outcome must follow. */
  readonly version: Versioned
  /** The group message this delivery came in, if it came in one (then `reply` is the group's). */
  readonly group?: GroupHold
}

/**
 * Ended subscriptions (`st.ended`): by subscription, the last feed sequence when it ended and
 * when it ended (epoch ms; 0 when written before end times were kept).
 */
type EndedList = Readonly<Record<string, readonly [number, number]>>

const WRONG_LAST_SEQUENCE = 10071
/** Most successes recorded in one message. */
const DONE_BATCH = 256
const encoder = new TextEncoder()
const decoder = new TextDecoder()
const token = (value: string): string => `k${Buffer.from(value, 'utf8').toString('base64url')}`
const untoken = (value: string): string => Buffer.from(value.slice(1), 'base64url').toString('utf8')
/**
 * How many times the server has handed out this message, from its `$JS.ACK` reply subject (both
 * the 9-token and the 12-token forms); `Infinity` when unreadable, which makes the caller read.
 */
const deliveredCount = (reply: string): number => {
  const parts = reply.split('.')
  const n = Number(parts.length === 9 ? parts[4] : parts.length >= 11 ? parts[6] : NaN)
  return Number.isSafeInteger(n) && n > 0 ? n : Infinity
}

/**
 * A {@link DeliveryStore} on NATS JetStream, for producers whose delivery outgrows one process:
 * publishers and workers in any number of processes share one JetStream cluster.
 *
 * - **Feed**: one stream (`<prefix>_EVENTS`), one subject per group; `Nats-Msg-Id` =
 *   `[source, id]` makes publishing idempotent within `duplicateWindow`; the stream sequence is the
 *   feed cursor, so no lock orders appends.
 * - **Deliveries**: one message per event in a work-queue stream (`<prefix>_WORK`, subject
 *   `wk.g.<seq>`), carrying the event and its deliveries in their initial state, read by a shared
 *   durable pull consumer: queueing an event's deliveries is one write; the message is
 *   acknowledged once each of its deliveries has an outcome, and one handed out again is checked
 *   against the written states. A retried or resent delivery gets a message of its own (subject
 *   per delivery). Deliveries of a group message beyond a claim's `limit` wait in the process for
 *   its next claim. Ended subscriptions are listed (`st.ended`) with the feed sequence at their
 *   end, so that their deliveries still waiting in group messages are not attempted; `prune`
 *   drops those that ended before the retention horizon. The lease is the consumer's own: a worker holds the message unacknowledged (and
 *   tells the server it is still working when the lease outlasts `ackWait`); a worker that dies
 *   leaves it, and the server hands it to another after `ackWait`. Only outcomes are written: one
 *   state message per delivery (`<prefix>_STATE`, last value per subject), by compare-and-set on
 *   the revision the worker leased, so that of two holders only one records an attempt; except
 *   first-time successes, which are recorded many to a message (the completions of one tick)
 *   before their work messages are acknowledged. A success recorded that way is not refused for a
 *   second holder, which the server only makes when the first held it past `ackWait` (leases
 *   longer than `ackWait` are extended), nor is a publisher's retry of the same event after the
 *   work stream's 2-minute duplicate window told from a new delivery: the receiver's dedupe makes
 *   either one effect. Retries
 *   and `Retry-After` hand the message back with a delayed `NAK` (the server here, 2.9, has no
 *   per-message schedule); a message handed out again is checked against its written state.
 *   An attempt whose worker died before recording it is not counted in `attempts`.
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
 * import { createJetStreamDeliveryStore, type JetStreamDeliveryStoreOptions } from '@cta-interop/sdk/nats'
 * import { createPostgresDeliveryStore } from '@cta-interop/sdk/node'
 * // await connect({ servers: 'nats://127.0.0.1:4222' }) from '@nats-io/transport-node'
 * declare const nc: JetStreamDeliveryStoreOptions['connection']
 * const state = await createPostgresDeliveryStore({ pool }) // keeps the subscriptions
 * const store = await createJetStreamDeliveryStore({ connection: nc, state })
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
    work: (id: string) => `${prefix}.wk.${id}`,
    group: (seq: number) => `${prefix}.wk.g.${String(seq)}`,
    ended: `${prefix}.st.ended`,
    workOf: (sub: string) => `${prefix}.wk.${token(sub)}.>`,
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
    duplicate_window: ns(
      (options.duplicateWindow ?? DEFAULT_MAX_EVENT_AGE + 2 * DEFAULT_CLOCK_TOLERANCE) * 1000,
    ),
    max_age: ns((options.retention ?? 0) * 1000),
  })
  await ensureStream({
    name: names.work,
    allow_direct: true,
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
  /** Group messages this process holds, by event sequence. */
  const groups = new Map<number, GroupHold>()

  /**
   * A stored message by sequence, or the last or next one of a subject, through the streams'
   * direct get (server 2.9+; any replica answers, so a read may lag a write by a moment: a
   * compare-and-set then fails, and the write is refused as for a lost lease).
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
   * Records deliveries that succeeded, many to a message: the completions of one tick go out
   * together (at most {@link DONE_BATCH}), and each resolves once the message is stored.
   */
  let done: { id: string; state: DeliveryState; settle: (error?: Error) => void }[] = []
  const flushDone = async () => {
    const items = done
    done = []
    if (items.length === 0) return
    try {
      await js.publish(
        `${prefix}.st.done.${crypto.randomUUID()}`,
        JSON.stringify({
          at: Math.max(...items.map((i) => i.state.updated)),
          items: items.map((i) => [i.id, i.state]),
        }),
      )
      for (const i of items) i.settle()
    } catch (err) {
      for (const i of items) i.settle(err instanceof Error ? err : new Error(String(err)))
    }
  }
  const recordDone = (id: string, state: DeliveryState) =>
    new Promise<void>((resolve, reject) => {
      done.push({
        id,
        state,
        settle: (error) => {
          if (error === undefined) resolve()
          else reject(error)
        },
      })
      if (done.length === 1) setImmediate(() => void flushDone())
      else if (done.length >= DONE_BATCH) void flushDone()
    })
  /** Applies `change` to the current written state by compare-and-set, re-reading on conflicts. */
  const update = async (
    id: string,
    change: (state: DeliveryState) => DeliveryState | undefined,
    initial?: Versioned,
  ): Promise<Versioned | undefined> => {
    for (;;) {
      const current = (await read(id)) ?? initial
      if (current === undefined) return undefined
      const next = change(current.state)
      if (next === undefined) return undefined
      const revision = await write(id, next, current.revision)
      if (revision !== undefined) return { state: next, revision }
    }
  }
  /**
   * Ended subscriptions, each with the last feed sequence when it ended and when it ended: their
   * deliveries of events up to it, still waiting in group messages, are cancelled.
   */
  const readEnded = async (): Promise<{ ended: EndedList; revision: number }> => {
    const m = await getMessage(names.state, { last_by_subj: subj.ended })
    if (m === undefined) return { ended: {}, revision: 0 }
    // A bare sequence was written before end times were kept: ended at an unknown time.
    const raw = m.json<Record<string, number | readonly [number, number]>>()
    const ended: Record<string, readonly [number, number]> = {}
    for (const [id, e] of Object.entries(raw)) ended[id] = typeof e === 'number' ? [e, 0] : e
    return { ended, revision: m.seq }
  }
  /** Rewrites the list of ended subscriptions by compare-and-set, re-reading on conflicts. */
  const changeEnded = async (change: (ended: EndedList) => EndedList | undefined) => {
    for (;;) {
      const { ended, revision } = await readEnded()
      const next = change(ended)
      if (next === undefined) return
      try {
        await js.publish(subj.ended, JSON.stringify(next), {
          expect: { lastSubjectSequence: revision },
        })
        return
      } catch (err) {
        if (!(err instanceof JetStreamApiError && err.code === WRONG_LAST_SEQUENCE)) throw err
      }
    }
  }
  const addEnded = async (subscriptionId: string, at: number) => {
    const last = (await jsm.streams.info(names.events)).state.last_seq
    await changeEnded((ended) =>
      (ended[subscriptionId]?.[0] ?? -1) >= last
        ? undefined
        : { ...ended, [subscriptionId]: [last, at] },
    )
  }
  /**
   * Drops the subscriptions that ended before `cutoff` from the list; how many. Their deliveries
   * still waiting in group messages are then attempted no more than before: the worker reads a
   * delivery's subscription before attempting it (DLV-SUB-009), and the window has passed.
   */
  const pruneEnded = async (cutoff: number): Promise<number> => {
    let removed = 0
    await changeEnded((ended) => {
      const kept = Object.entries(ended).filter(([, [, at]]) => at >= cutoff)
      removed = Object.keys(ended).length - kept.length
      return removed === 0 ? undefined : Object.fromEntries(kept)
    })
    return removed
  }
  /** The deliveries of a group message, each in its initial state. */
  const expand = (g: GroupMessage): [string, DeliveryState][] =>
    g.subs.map(([sub, sink]) => [
      `${token(sub)}.${String(g.seq)}`,
      initial({ id: sub, sink }, g.seq, g.src, g.eid, g.t),
    ])
  /** Queues a delivery's work message: the one write of a delivery until its outcome. */
  const wake = async (id: string, message: WorkMessage, msgID?: string) =>
    js.publish(subj.work(id), JSON.stringify(message), msgID === undefined ? {} : { msgID })
  const release = (id: string, delayMs?: number) => {
    const h = held.get(id)
    if (h === undefined) return
    held.delete(id)
    const g = h.group
    if (g !== undefined) {
      // A group message is acknowledged once all its deliveries are finished; given back, it
      // comes again whole (its finished deliveries then have written or recorded outcomes).
      if (!g.open.delete(id)) return
      if (delayMs !== undefined) {
        for (const other of g.open) if (held.get(other)?.group === g) held.delete(other)
        g.open.clear()
      }
      if (g.open.size > 0) return
      if (groups.get(g.seq) === g) groups.delete(g.seq)
      if (delayMs === undefined) ackMessage(nc, g.reply)
      else nakMessage(nc, g.reply, Math.min(delayMs, recheck))
      return
    }
    if (delayMs === undefined) ackMessage(nc, h.reply)
    else nakMessage(nc, h.reply, Math.min(delayMs, recheck))
  }
  // Leases longer than the consumer's ack wait: tell the server the holder is still working.
  const extender = setInterval(
    () => {
      const now = Date.now()
      for (const h of held.values()) {
        if (h.extendUntil > now) workingMessage(nc, h.group?.reply ?? h.reply)
      }
    },
    Math.max(100, Math.floor(ackWait / 3)),
  )
  extender.unref()
  /** Messages of a stream under `filter`, in stream order. */
  const each = async function* (stream: string, filter: string): AsyncGenerator<StoredMsg> {
    let seq = 1
    for (;;) {
      const m = await getMessage(stream, { seq, next_by_subj: filter })
      if (m === undefined) return
      yield m
      seq = m.seq + 1
    }
  }
  /**
   * Every delivery's current state, optionally of one subscription: the written state where there
   * is one, else the state its waiting work message was queued with.
   */
  const scan = async (subscriptionId?: string): Promise<Map<string, Versioned>> => {
    const all = new Map<string, Versioned>()
    // Group messages first: a delivery's own message (a retry, a resend) is newer.
    for await (const m of each(names.work, `${prefix}.wk.g.>`)) {
      for (const [id, state] of expand(m.json<GroupMessage>())) {
        if (subscriptionId === undefined || state.sub === subscriptionId) {
          all.set(id, { state, revision: 0 })
        }
      }
    }
    const work = subscriptionId === undefined ? `${prefix}.wk.>` : subj.workOf(subscriptionId)
    for await (const m of each(names.work, work)) {
      if (m.subject.startsWith(`${prefix}.wk.g.`)) continue
      const w = m.json<WorkMessage>()
      all.set(m.subject.slice(prefix.length + 4), { state: w.st, revision: w.rev })
    }
    // Written states win over recorded successes, which win over waiting messages.
    const written = new Set<string>()
    const states =
      subscriptionId === undefined ? `${prefix}.st.>` : `${prefix}.st.${token(subscriptionId)}.>`
    for await (const m of each(names.state, states)) {
      const id = m.subject.slice(prefix.length + 4)
      if (id.startsWith('done.') || id === 'ended') continue
      written.add(id)
      all.set(id, { state: m.json<DeliveryState>(), revision: m.seq })
    }
    for await (const m of each(names.state, `${prefix}.st.done.>`)) {
      for (const [id, state] of m.json<DoneRecord>().items) {
        if (written.has(id)) continue
        if (subscriptionId !== undefined && state.sub !== subscriptionId) continue
        all.set(id, { state, revision: 0 })
      }
    }
    return all
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
    const h = held.get(id)
    if (h?.leaseToken !== leaseToken) return false
    const at = answer.at.getTime()
    const next: DeliveryState = {
      ...h.version.state,
      status,
      updated: at,
      answer: toAnswer(answer),
      ...(due === undefined ? {} : { due: due.getTime() }),
    }
    if (h.finishing) return false
    h.finishing = true
    // A success of a delivery with no written state (the common case) is recorded with others in
    // one message; any other outcome by compare-and-set on the revision leased.
    const revision =
      status === 'delivered' && h.version.revision === 0
        ? await recordDone(id, next).then(() => 0)
        : await write(id, next, h.version.revision)
    if (revision === undefined) {
      // Someone else recorded an outcome (the lease was lost, or the delivery cancelled).
      if (held.get(id) === h) held.delete(id)
      return false
    }
    if (status === 'dead') {
      await js.publish(
        subj.dead(next.sub),
        JSON.stringify({ id, seq: next.seq, at, answer: next.answer }),
      )
    }
    if (h.group !== undefined && status === 'pending') {
      // A retry of a delivery that came in a group message: from now on its own message.
      await wake(id, { jws: h.jws, st: next, rev: revision }, `wr:${id}:${String(revision)}`)
      if (held.get(id) === h) release(id)
      return true
    }
    if (held.get(id) === h) {
      release(id, status === 'pending' ? (due?.getTime() ?? at) - at : undefined)
    }
    return true
  }
  const cancelAll = async (subscriptionId: string, at: number) => {
    await addEnded(subscriptionId, at)
    const current = await scan(subscriptionId)
    // No new attempts: the waiting messages go, then each pending delivery is recorded cancelled.
    // One by one, not by a filtered purge: on a work-queue stream, nats-server 2.9 moves the
    // consumer past every message on a filtered purge, stranding other subscriptions' messages.
    for await (const m of each(names.work, subj.workOf(subscriptionId))) {
      await jsm.streams.deleteMessage(names.work, m.seq, false)
    }
    for (const [id, v] of current) {
      if (v.state.status !== 'pending') continue
      await update(
        id,
        (s) => (s.status === 'pending' ? { ...s, status: 'cancelled', updated: at } : undefined),
        v.revision === 0 ? v : undefined,
      )
      release(id)
    }
  }
  /** A fresh pending delivery's state. */
  const initial = (
    s: { id: string; sink: string },
    seq: number,
    src: string,
    eid: string,
    time: number,
  ): DeliveryState => ({
    sub: s.id,
    sink: s.sink,
    seq,
    src,
    eid,
    status: 'pending',
    attempts: 0,
    created: time,
    due: time,
    updated: time,
  })
  /** Resets a finished delivery to pending, due at `at`, and queues it. */
  const requeue = async (id: string, at: number, from: (s: DeliveryState) => boolean) => {
    const next = await update(id, (s) =>
      s.status === 'pending' || !from(s)
        ? undefined
        : { ...s, status: 'pending', attempts: 0, due: at, updated: at },
    )
    if (next === undefined) return false
    const event = await getMessage(names.events, { seq: next.state.seq })
    if (event === undefined) return false
    await wake(id, { jws: decoder.decode(event.data), st: next.state, rev: next.revision })
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
    async endSubscription(id, at, reason) {
      await base.endSubscription(id, at, reason)
      await cancelAll(id, at.getTime())
    },
    setSubscriptionFailing: (id, since) => base.setSubscriptionFailing(id, since),

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
      // A new event's deliveries are new: one group message carries them all, one write. A
      // duplicate (a publisher's retry) queues only what is missing, as after a crash between.
      let missing = active
      if (ack.duplicate && active.length > 0) {
        if ((await getMessage(names.work, { last_by_subj: subj.group(ack.seq) })) !== undefined) {
          missing = []
        } else {
          const there = await Promise.all(
            active.map(async (s) => {
              const id = `${token(s.id)}.${String(ack.seq)}`
              const [written, waiting] = await Promise.all([
                read(id),
                getMessage(names.work, { last_by_subj: subj.work(id) }),
              ])
              return written !== undefined || waiting !== undefined
            }),
          )
          missing = active.filter((_, i) => there[i] !== true)
        }
      }
      let deliveries = 0
      if (missing.length > 0) {
        const group: GroupMessage = {
          g: 1,
          jws: event.jws,
          seq: ack.seq,
          src: event.source,
          eid: event.id,
          t: time,
          subs: missing.map((s) => [s.id, s.sink]),
        }
        const w = await js.publish(subj.group(ack.seq), JSON.stringify(group), {
          msgID: `wg:${String(ack.seq)}`,
        })
        if (!w.duplicate) deliveries = missing.length
      }
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
      const extendUntil = leaseMs > ackWait ? Date.now() + leaseMs : 0
      const take = (
        id: string,
        jws: string,
        reply: string,
        current: Versioned,
        group?: GroupHold,
      ) => {
        const state = { ...current.state, attempts: current.state.attempts + 1, updated: t }
        held.set(id, {
          reply,
          leaseUntil: t + leaseMs,
          extendUntil,
          leaseToken,
          jws,
          version: { state, revision: current.revision },
          ...(group === undefined ? {} : { group }),
        })
        claimed.push({
          id,
          subscriptionId: state.sub,
          sink: state.sink,
          jws,
          eventSource: state.src,
          eventId: state.eid,
          attempts: state.attempts,
          created: new Date(state.created),
          leaseToken,
        })
      }
      // Leases this process holds that ran out by the caller's clock, and deliveries of group
      // messages that did not fit a claim.
      const takeHeld = () => {
        for (const [id, h] of [...held]) {
          if (claimed.length >= limit) break
          if (h.leaseUntil <= t) take(id, h.jws, h.reply, h.version, h.group)
        }
      }
      takeHeld()
      if (claimed.length < limit) {
        const pulled = await pullNow(nc, names.work, names.consumer, limit - claimed.length)
        let ended: Promise<EndedList> | undefined
        /** A group message: its deliveries are taken (up to `limit`) or held for the next claim. */
        const takeGroup = async (g: GroupMessage, reply: string) => {
          const mine = groups.get(g.seq)
          if (mine !== undefined) {
            // Handed out again while held here: its deliveries are taken from `held`.
            mine.reply = reply
            workingMessage(nc, reply)
            return
          }
          ended ??= readEnded().then((e) => e.ended)
          const off = await ended
          let candidates = expand(g).filter(([, s]) => (off[s.sub]?.[0] ?? 0) < g.seq)
          if (deliveredCount(reply) !== 1) {
            // Handed out again: what has a written outcome (or its own message) is not in it.
            const own = await Promise.all(
              candidates.map(async ([id]) => (await read(id)) !== undefined),
            )
            candidates = candidates.filter((_, i) => own[i] !== true)
          }
          if (candidates.length === 0) {
            ackMessage(nc, reply)
            return
          }
          if (g.t > t) {
            nakMessage(nc, reply, Math.min(g.t - t, recheck))
            return
          }
          // What does not fit is held here, for a concurrent or the next claim.
          const hold: GroupHold = { seq: g.seq, reply, open: new Set(candidates.map(([id]) => id)) }
          groups.set(g.seq, hold)
          for (const [id, state] of candidates) {
            if (claimed.length < limit) take(id, g.jws, reply, { state, revision: 0 }, hold)
            else {
              held.set(id, {
                reply,
                leaseUntil: 0,
                extendUntil: 0,
                leaseToken: '',
                jws: g.jws,
                version: { state, revision: 0 },
                group: hold,
              })
            }
          }
        }
        await Promise.all(
          pulled.map(async (m) => {
            const parsed = JSON.parse(decoder.decode(m.data)) as WorkMessage | GroupMessage
            if ('g' in parsed) {
              await takeGroup(parsed, m.reply)
              return
            }
            const w = parsed
            const id = `${token(w.st.sub)}.${String(w.st.seq)}`
            const mine = held.get(id)
            if (mine !== undefined) {
              // The server handed out again a message held here: keep the newest handle.
              mine.reply = m.reply
              if (mine.leaseUntil > t) {
                workingMessage(nc, m.reply)
                return
              }
            }
            // A message handed out for the first time stands for its state; one handed out
            // again may have an outcome written since (a retry, a cancellation, another holder).
            const current =
              deliveredCount(m.reply) === 1 && mine === undefined
                ? { state: w.st, revision: w.rev }
                : ((await read(id)) ?? { state: w.st, revision: w.rev })
            const s = current.state
            if (s.status !== 'pending') {
              if (held.get(id)?.reply === m.reply) held.delete(id)
              ackMessage(nc, m.reply)
              return
            }
            if (s.due > t) {
              if (held.get(id)?.reply === m.reply) held.delete(id)
              nakMessage(nc, m.reply, Math.min(s.due - t, recheck))
              return
            }
            if (claimed.length >= limit) {
              nakMessage(nc, m.reply, 0)
              return
            }
            take(
              id,
              w.jws,
              m.reply,
              mine?.version.revision === current.revision ? mine.version : current,
            )
          }),
        )
        // What a group message of a concurrent claim brought beyond its limit.
        takeHeld()
      }
      return claimed
    },
    completeDelivery: (id, leaseToken, answer) => finish(id, leaseToken, answer, 'delivered'),
    retryDelivery: (id, leaseToken, due, answer) => finish(id, leaseToken, answer, 'pending', due),
    deadLetterDelivery: (id, leaseToken, answer) => finish(id, leaseToken, answer, 'dead'),

    async listDeliveries(filter): Promise<DeliveryRecord[]> {
      const rows: DeliveryRecord[] = []
      for (const [id, { state: s }] of await scan(filter.subscriptionId)) {
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
      removed += await pruneEnded(cutoff)
      const pending = new Set<number>()
      for (const [id, { state: s, revision }] of await scan()) {
        if (s.status === 'pending') pending.add(s.seq)
        else if (s.updated < cutoff && revision > 0) {
          await jsm.streams.purge(names.state, { filter: subj.state(id) })
          removed++
        }
      }
      for await (const m of each(names.state, `${prefix}.st.done.>`)) {
        if (m.json<DoneRecord>().at < cutoff) {
          await jsm.streams.deleteMessage(names.state, m.seq, false)
          removed++
        }
      }
      for await (const m of each(names.events, `${prefix}.ev.>`)) {
        const created = Number(m.header.get('Cta-Created'))
        if (created < cutoff && !pending.has(m.seq)) {
          await jsm.streams.deleteMessage(names.events, m.seq, false)
          removed++
        }
      }
      return removed
    },

    async redeliver({ cursor, subscriptionId, at }) {
      const seq = Number(cursor)
      if (!Number.isSafeInteger(seq) || seq < 1) throw new TypeError('unreadable cursor')
      const id = `${token(subscriptionId)}.${String(seq)}`
      if (await requeue(id, at.getTime(), () => true)) return true
      // Never queued for this subscription, recorded with other successes, or pruned: queue it
      // now, if the event is there and no message of it waits; its written state then wins over
      // a recorded success.
      const subscription = await base.getSubscription(subscriptionId)
      const event = await getMessage(names.events, { seq })
      if (subscription?.status !== 'active' || event === undefined) return false
      const group = untoken(event.subject.slice(prefix.length + 4))
      if (group !== subscription.group) return false
      const [source, eventId] = JSON.parse(event.header.get('Nats-Msg-Id')) as [string, string]
      if ((await getMessage(names.work, { last_by_subj: subj.work(id) })) !== undefined)
        return false
      const waiting = await getMessage(names.work, { last_by_subj: subj.group(seq) })
      if (waiting?.json<GroupMessage>().subs.some(([sub]) => sub === subscriptionId) === true)
        return false
      const state = initial(subscription, seq, source, eventId, at.getTime())
      const revision = await write(id, state, 0)
      if (revision === undefined) return false
      await wake(id, { jws: decoder.decode(event.data), st: state, rev: revision })
      return true
    },
    async recover({ subscriptionId, since, at }) {
      const from = since.getTime()
      const ids = new Set<string>()
      for await (const m of each(names.dead, subj.dead(subscriptionId))) {
        const record = m.json<{ id: string; at: number }>()
        if (record.at >= from) ids.add(record.id)
      }
      let count = 0
      for (const id of ids) if (await requeue(id, at.getTime(), (s) => s.status === 'dead')) count++
      return count
    },

    async close() {
      clearInterval(extender)
      for (const id of [...held.keys()]) release(id, 0)
      if (options.ownsConnection === true) await nc.drain()
      else await nc.flush()
    },
  }
  return store
}
