import {
  DEFAULT_PROCESSING_LEASE,
  MAX_IN_PROGRESS_RETRY_AFTER,
  type ClaimedDelivery,
  type DeliveryAnswer,
  type DeliveryRecord,
  type DeliveryStatus,
  type DeliveryStore,
  type InboxReceipt,
  type InboxStore,
  type Subscription,
  type SubscriptionEndReason,
  type SubscriptionStatus,
  type TwoPhaseDedupeStore,
} from '@cta-interop/sdk'
import { naturalBatch } from './natural-batch.js'

/**
 * The transaction of a SQL store's `inbox`, handed to an inbox's `onEvent` as
 * `context.transaction`: statements run through it commit together with the record that the
 * event was processed, or are rolled back with it.
 *
 * On PGlite a transaction holds the whole database: inside `onEvent`, run every statement through
 * `transaction`, never through the PGlite instance itself (that would wait for this transaction).
 */
export interface SqlTransaction {
  /**
   * Runs one statement with `$1`-style parameters in the transaction.
   * @returns The rows it returned, as plain objects.
   */
  query(text: string, params?: readonly unknown[]): Promise<Record<string, unknown>[]>
}

/** Something that runs one SQL statement with `$1`-style parameters. @internal */
export interface SqlQueryable extends SqlTransaction {
  /**
   * Runs one of the store's own statements, given `prepare`: as a named prepared statement where
   * the driver keeps them per connection (PostgreSQL), parsed and planned once per connection
   * rather than on every call. Only the store's fixed texts are prepared, never an effect's.
   */
  query(
    text: string,
    params?: readonly unknown[],
    prepare?: boolean,
  ): Promise<Record<string, unknown>[]>
}

/** A database the delivery store runs on: PGlite or a PostgreSQL pool. @internal */
export interface SqlClient extends SqlQueryable {
  /** Runs `fn` in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T>
  /** Releases the database if the store owns it. */
  close(): Promise<void>
}

/** Options shared by the SQL stores. */
export interface SqlStoreOptions {
  /**
   * The PostgreSQL schema the tables live in, created if missing: lower-case letters, digits and
   * `_`. Default `cta_delivery`. Give each deployment (or test run) its own.
   */
  readonly schema?: string
  /** "Now" in milliseconds, for the dedupe store's expiry checks. Default `Date.now`. */
  readonly now?: () => number
  /**
   * How long an event being processed through `dedupe` blocks its copies, in seconds: the lease
   * of a two-phase claim. A process that dies mid-event leaves the lease to run out; the retry is
   * then processed again. Make it longer than processing can take. Default 60.
   */
  readonly processingLease?: number
  /**
   * How long `inbox` waits for a copy of the same event that another connection is processing
   * before it answers "in progress" (`503`, `Retry-After`), in seconds. Default 5.
   */
  readonly inboxLockTimeout?: number
}

/**
 * A delivery store on SQL (PGlite or PostgreSQL), with an {@link InboxStore} whose effects commit
 * in the same transaction as the record of the event.
 */
export interface SqlDeliveryStore extends DeliveryStore {
  /**
   * Two-phase claims without a transaction: `receive` marks an event "processing" with a lease
   * (`processingLease`), runs the effect, and marks it done after. At least once across a crash.
   * The first phase is one statement that commits without waiting for the disk; the second
   * records every event whose effect finished meanwhile in one statement, and its commit waits
   * for all of them: a new event costs one round trip and one disk flush of its own, plus a
   * share of a batch. A crash of the
   * database server itself can lose a lease whose event is not done yet: its retry is then
   * processed again without waiting for the lease, as after a crash of the receiver.
   */
  readonly dedupe: TwoPhaseDedupeStore
  /**
   * Exactly once: `receive` records the event and runs the effect in ONE transaction, which the
   * effect gets to write through. Pass it to an inbox as `inbox`; a copy arriving while the first
   * is in flight waits for its outcome (at most `inboxLockTimeout`, then "in progress").
   * @see {@link https://w3id.org/cta/spec/delivery#crash-guarantees Spec: crash guarantees}
   */
  readonly inbox: InboxStore<SqlTransaction>
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/

/** The schema name of the options, checked. @internal */
export function schemaName(options: SqlStoreOptions): string {
  const schema = options.schema ?? 'cta_delivery'
  if (!IDENTIFIER.test(schema)) {
    throw new TypeError('schema must be lower-case letters, digits and _, at most 63')
  }
  return schema
}

/**
 * The tables, for PGlite and PostgreSQL alike. Times are milliseconds since the epoch
 * (`bigint`), set by the caller's clock, never by the database's.
 */
function migrations(s: string): string[] {
  return [
    `CREATE SCHEMA IF NOT EXISTS "${s}"`,
    `CREATE TABLE IF NOT EXISTS "${s}".dedupe (
      source text NOT NULL,
      id text NOT NULL,
      expires_at bigint NOT NULL,
      PRIMARY KEY (source, id))`,
    // `pending`: the first phase of a two-phase claim; `expires_at` is then the lease's end.
    `ALTER TABLE "${s}".dedupe ADD COLUMN IF NOT EXISTS pending boolean NOT NULL DEFAULT false`,
    `CREATE INDEX IF NOT EXISTS dedupe_expires_at ON "${s}".dedupe (expires_at)`,
    `CREATE TABLE IF NOT EXISTS "${s}".subscriptions (
      id text PRIMARY KEY,
      subscriber text NOT NULL,
      sink text NOT NULL,
      grp text NOT NULL,
      types jsonb,
      status text NOT NULL,
      created_at bigint NOT NULL,
      ended_at bigint)`,
    `CREATE INDEX IF NOT EXISTS subscriptions_grp ON "${s}".subscriptions (grp, status)`,
    `CREATE INDEX IF NOT EXISTS subscriptions_subscriber ON "${s}".subscriptions (subscriber)`,
    `CREATE TABLE IF NOT EXISTS "${s}".events (
      seq bigserial PRIMARY KEY,
      source text NOT NULL,
      event_id text NOT NULL,
      type text NOT NULL,
      grp text NOT NULL,
      jws text NOT NULL,
      created_at bigint NOT NULL,
      UNIQUE (source, event_id))`,
    `CREATE INDEX IF NOT EXISTS events_grp_seq ON "${s}".events (grp, seq)`,
    `CREATE TABLE IF NOT EXISTS "${s}".deliveries (
      id bigserial PRIMARY KEY,
      event_seq bigint NOT NULL REFERENCES "${s}".events (seq) ON DELETE CASCADE,
      subscription_id text NOT NULL,
      sink text NOT NULL,
      status text NOT NULL,
      attempts integer NOT NULL DEFAULT 0,
      due_at bigint NOT NULL,
      created_at bigint NOT NULL,
      updated_at bigint NOT NULL,
      lease_token text,
      lease_until bigint NOT NULL DEFAULT 0,
      last_answer jsonb,
      UNIQUE (event_seq, subscription_id))`,
    `CREATE INDEX IF NOT EXISTS deliveries_due ON "${s}".deliveries (due_at, id)
      WHERE status = 'pending'`,
    `CREATE INDEX IF NOT EXISTS deliveries_subscription
      ON "${s}".deliveries (subscription_id, status)`,
    // The outbox fills and drains in bursts: analyse and vacuum after a few per cent of change
    // rather than PostgreSQL's default 10–20%, so that the claim statement's plan follows the
    // queue (see ANALYZE_AFTER for what a burst still needs). Re-applied on every open, so an
    // existing schema takes them too.
    // Room on each page (fillfactor 70) lets a claim, which changes no indexed column, update
    // the row in place (a HOT update): no new entry in `deliveries_due` per claim, so the claims
    // of a deep queue do not wade through ever more dead index entries as it drains.
    `ALTER TABLE "${s}".deliveries SET (fillfactor = 70,
      autovacuum_analyze_scale_factor = 0.02, autovacuum_analyze_threshold = 1000,
      autovacuum_vacuum_scale_factor = 0.05, autovacuum_vacuum_threshold = 1000,
      autovacuum_vacuum_insert_scale_factor = 0.05, autovacuum_vacuum_insert_threshold = 1000)`,
    // Subscriptions end when they expire, when their subscriber's installation ends, or after
    // their deliveries failed for 5 days (DLV-SUB-009 to DLV-SUB-012): when, why, and since when
    // deliveries fail. Added to stores created before; NULL in their existing rows.
    `ALTER TABLE "${s}".subscriptions ADD COLUMN IF NOT EXISTS expires_at bigint`,
    `ALTER TABLE "${s}".subscriptions ADD COLUMN IF NOT EXISTS end_reason text`,
    `ALTER TABLE "${s}".subscriptions ADD COLUMN IF NOT EXISTS failing_since bigint`,
  ]
}

/**
 * The advisory locks a feed append takes, as the texts they are hashed from: the schema's feed
 * lock in shared mode, then the group's in exclusive mode. Appends to one group wait for each
 * other, so that within a group cursor order is commit order; appends to different groups
 * commit in parallel. The shared schema lock keeps that true beside a process of an older
 * version, which took the schema's feed lock exclusively for every append.
 * @see {@link https://w3id.org/cta/spec/delivery#DLV-FED-002 Spec: DLV-FED-002}
 * @internal
 */
export function feedLockKeys(schema: string, group: string): { schema: string; group: string } {
  return { schema: `cta-delivery:${schema}:feed`, group: `cta-delivery:${schema}:feed:${group}` }
}

/**
 * The statement that leases due deliveries: `$1` now, `$2` the most to claim, `$3` the lease
 * token, `$4` the lease's end (ms). It walks the partial index `deliveries_due` in order and
 * stops after `$2` rows, as long as the table's statistics are current.
 * @internal
 */
export function claimStatement(schema: string): string {
  const s = `"${schema}"`
  return `WITH due AS (
           SELECT id FROM ${s}.deliveries
           WHERE status = 'pending' AND due_at <= $1 AND lease_until <= $1
           ORDER BY due_at, id
           LIMIT $2
           FOR UPDATE SKIP LOCKED)
         UPDATE ${s}.deliveries d
         SET lease_token = $3, lease_until = $4, attempts = d.attempts + 1, updated_at = $1
         FROM due, ${s}.events e
         WHERE d.id = due.id AND e.seq = d.event_seq
         RETURNING d.id, d.subscription_id, d.sink, d.attempts, d.created_at, d.due_at,
                   e.jws, e.source, e.event_id`
}

/**
 * Deliveries one store queues before it analyses the deliveries table itself (at most once per
 * {@link ANALYZE_INTERVAL}). Right after a burst the table's statistics are stale until
 * autovacuum runs (up to a minute, and never on PGlite), and PostgreSQL would answer each claim
 * of a deep queue by reading and sorting every pending row instead of walking `deliveries_due`:
 * a drain in O(n²).
 */
const ANALYZE_AFTER = 10_000
/** Most two-phase completions one statement records. */
const DONE_BATCH = 256
/** Least time between two analyses by one store, in ms. */
const ANALYZE_INTERVAL = 60_000

const num = (value: unknown): number => Number(value)
const str = (value: unknown): string => String(value)
/** PostgreSQL text cannot hold NUL; an answer's body is the only text a peer controls here. */
const clean = (text: string): string => text.replaceAll('\u0000', '\uFFFD')

/** A nullable `bigint` of milliseconds as an RFC 3339 member, or nothing. */
const timeMember = <K extends string>(name: K, value: unknown): { [P in K]?: string } =>
  (value === null || value === undefined ? {} : { [name]: new Date(num(value)).toISOString() }) as {
    [P in K]?: string
  }

function toSubscription(row: Record<string, unknown>): Subscription {
  const types = row['types']
  const ended = row['ended_at']
  const reason = row['end_reason']
  return Object.freeze({
    id: str(row['id']),
    subscriber: str(row['subscriber']),
    sink: str(row['sink']),
    group: str(row['grp']),
    ...(types === null || types === undefined
      ? {}
      : { types: (typeof types === 'string' ? JSON.parse(types) : types) as string[] }),
    status: str(row['status']) as SubscriptionStatus,
    created: new Date(num(row['created_at'])).toISOString(),
    ...(ended === null || ended === undefined ? {} : { ended: new Date(num(ended)).toISOString() }),
    ...(typeof reason === 'string' ? { reason: reason as SubscriptionEndReason } : {}),
    ...timeMember('expires', row['expires_at']),
    ...timeMember('failingSince', row['failing_since']),
  })
}

function answerJson(answer: DeliveryAnswer): string {
  return JSON.stringify({
    at: answer.at.getTime(),
    ...(answer.status === undefined ? {} : { status: answer.status }),
    ...(answer.code === undefined ? {} : { code: answer.code }),
    ...(answer.detail === undefined ? {} : { detail: clean(answer.detail) }),
    ...(answer.body === undefined ? {} : { body: clean(answer.body) }),
  })
}

function toAnswer(value: unknown): DeliveryAnswer | undefined {
  if (value === null || value === undefined) return undefined
  const raw = (typeof value === 'string' ? JSON.parse(value) : value) as Record<string, unknown>
  const { at, status, code, detail, body } = raw
  return {
    at: new Date(num(at)),
    ...(typeof status === 'number' ? { status } : {}),
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof detail === 'string' ? { detail } : {}),
    ...(typeof body === 'string' ? { body } : {}),
  }
}

/**
 * The delivery store over SQL, shared by PGlite and PostgreSQL: the same statements run on both.
 * Concurrency rests on PostgreSQL itself: `INSERT … ON CONFLICT` for atomic dedupe claims,
 * `FOR UPDATE SKIP LOCKED` so concurrent workers claim disjoint deliveries, lease tokens checked
 * on every update, and a transaction-scoped advisory lock per group around feed appends so that
 * within a group cursors (a `bigserial`) grow in commit order and a reader paging a group's feed by
 * cursor never skips an event that committed late, while different groups append in parallel.
 * @internal
 */
export async function createSqlDeliveryStore(
  db: SqlClient,
  options: SqlStoreOptions,
): Promise<SqlDeliveryStore> {
  const s = `"${schemaName(options)}"`
  const now = options.now ?? Date.now
  const lockKey = `cta-delivery:${schemaName(options)}`
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`${lockKey}:migrate`])
    for (const statement of migrations(schemaName(options))) await tx.query(statement)
  })

  const leaseMs = (options.processingLease ?? DEFAULT_PROCESSING_LEASE) * 1000
  if (!(leaseMs > 0)) throw new TypeError('processingLease must be a positive number of seconds')
  const lockTimeout = (options.inboxLockTimeout ?? 5) * 1000
  if (!(lockTimeout > 0))
    throw new TypeError('inboxLockTimeout must be a positive number of seconds')

  /**
   * The statement that inserts a key, or takes over an expired one (a lapsed lease or record),
   * returning a row when it claimed the key: `$1` source, `$2` id, `$3` expiry (ms), `$4` now,
   * `$5` pending, `$6` the value of the transaction-local setting `setting` (none when
   * `undefined`), set by the same statement before it inserts anything, so that it costs no
   * round trip of its own.
   */
  const claimText = (setting?: 'lock_timeout' | 'synchronous_commit'): string =>
    `INSERT INTO ${s}.dedupe (source, id, expires_at, pending)
     SELECT $1::text, $2::text, $3::bigint, $5::boolean
     ${setting === undefined ? '' : `WHERE set_config('${setting}', $6::text, true) IS NOT NULL`}
     ON CONFLICT (source, id) DO UPDATE SET expires_at = EXCLUDED.expires_at, pending = $5
     WHERE ${s}.dedupe.expires_at <= $4
     RETURNING 1 AS claimed`
  const recordText = claimText()
  // The first phase of a two-phase claim commits without waiting for its WAL to reach the disk:
  // the claim is visible to every copy at once, and the second phase (or the release) waits for
  // both records together. Lost only with the database server itself (not the receiver), and then
  // before its effect was recorded done: the retry is processed again, which is the two-phase
  // store's guarantee (at least once) anyway. One disk flush per new event instead of two.
  const leaseText = claimText('synchronous_commit')
  // A copy in flight on another connection holds the key's index entry until it commits or rolls
  // back: the transaction's claim waits for its outcome, but not for ever (`lock_timeout`, set by
  // the claim itself rather than by a `SET LOCAL` round trip of its own).
  const inboxText = claimText('lock_timeout')
  // The second phase of every event whose effect finished while the previous one ran: one
  // statement and one commit for all of them, in key order (so that two stores' batches lock
  // their rows in the same order).
  const done = naturalBatch<readonly [source: string, id: string, expires: number]>(
    async (items) => {
      const sorted = [...items].sort(([a, b], [c, d]) =>
        a < c ? -1 : a > c ? 1 : b < d ? -1 : b > d ? 1 : 0,
      )
      await db.query(
        `UPDATE ${s}.dedupe AS d SET pending = false, expires_at = v.expires_at
         FROM unnest($1::text[], $2::text[], $3::bigint[]) AS v (source, id, expires_at)
         WHERE d.source = v.source AND d.id = v.id`,
        [sorted.map((i) => i[0]), sorted.map((i) => i[1]), sorted.map((i) => i[2])],
        true,
      )
    },
    DONE_BATCH,
  )
  const forgetText = `DELETE FROM ${s}.dedupe WHERE source = $1 AND id = $2 AND pending`

  /** Inserts the key, or takes over an expired one; `true` when this call claimed it. */
  const insertKey = async (
    q: SqlQueryable,
    text: string,
    params: readonly [source: string, id: string, expires: number, pending: boolean, arg?: string],
  ): Promise<boolean> => {
    const [source, id, expires, pending, arg] = params
    // Refused here, not as a raw database error (22P02) for `NaN`.
    if (!Number.isFinite(expires)) throw new TypeError('expiresAt is not a valid Date')
    const values = [source, id, expires, now(), pending]
    if (arg !== undefined) values.push(arg)
    const rows = await q.query(text, values, true)
    return rows.length === 1
  }
  /** Why a key could not be claimed: recorded (`duplicate`) or leased (`in-progress`). */
  const refusal = async (
    q: SqlQueryable,
    source: string,
    id: string,
  ): Promise<InboxReceipt<never>> => {
    const rows = await q.query(
      `SELECT pending, expires_at FROM ${s}.dedupe WHERE source = $1 AND id = $2`,
      [source, id],
    )
    const row = rows[0]
    if (row === undefined || row['pending'] !== true) return { status: 'duplicate' }
    const left = Math.ceil((num(row['expires_at']) - now()) / 1000)
    return {
      status: 'in-progress',
      retryAfter: Math.min(MAX_IN_PROGRESS_RETRY_AFTER, Math.max(1, left)),
    }
  }

  const dedupe: TwoPhaseDedupeStore = {
    claim(source, id, expiresAt) {
      return insertKey(db, recordText, [source, id, expiresAt.getTime(), false])
    },
    async release(source, id) {
      await db.query(`DELETE FROM ${s}.dedupe WHERE source = $1 AND id = $2`, [source, id])
    },
    async receive(key, expiresAt, effect) {
      const { source, id } = key
      if (!Number.isFinite(expiresAt.getTime()))
        throw new TypeError('expiresAt is not a valid Date')
      if (!(await insertKey(db, leaseText, [source, id, now() + leaseMs, true, 'off']))) {
        return refusal(db, source, id)
      }
      let value
      try {
        value = await effect(undefined)
      } catch (err) {
        await db.query(forgetText, [source, id], true)
        throw err
      }
      await done([source, id, expiresAt.getTime()])
      return { status: 'processed', value }
    },
  }

  const inbox: InboxStore<SqlTransaction> = {
    async receive(key, expiresAt, effect) {
      const { source, id } = key
      try {
        return await db.transaction(async (tx) => {
          const claimed = await insertKey(tx, inboxText, [
            source,
            id,
            expiresAt.getTime(),
            false,
            String(Math.ceil(lockTimeout)),
          ])
          if (!claimed) return refusal(tx, source, id)
          return { status: 'processed' as const, value: await effect(tx) }
        })
      } catch (err) {
        // 55P03 lock_not_available: the other copy is still being processed.
        if ((err as { code?: unknown } | null)?.code === '55P03') {
          return { status: 'in-progress', retryAfter: Math.max(1, Math.ceil(lockTimeout / 1000)) }
        }
        throw err
      }
    },
  }

  let queuedSinceAnalyze = 0
  let queuedAtAnalyze = 0
  let lastAnalyze = -Infinity
  /**
   * Analyses the deliveries table after a burst of enqueues (see ANALYZE_AFTER): at most once
   * per ANALYZE_INTERVAL, unless the queue has at least doubled since this store last analysed
   * it, so that statistics follow a fast burst in a logarithmic number of analyses.
   */
  const afterQueued = async (count: number): Promise<void> => {
    queuedSinceAnalyze += count
    const t = performance.now()
    if (queuedSinceAnalyze < ANALYZE_AFTER) return
    if (t - lastAnalyze < ANALYZE_INTERVAL && queuedSinceAnalyze < queuedAtAnalyze) return
    queuedAtAnalyze += queuedSinceAnalyze
    queuedSinceAnalyze = 0
    lastAnalyze = t
    // The event is committed whatever happens here: a failed analysis only leaves the
    // statistics to autovacuum, as before.
    await db.query(`ANALYZE ${s}.deliveries`).catch(() => undefined)
  }

  const cancelPending = (tx: SqlQueryable, subscriptionId: string, at: number) =>
    tx.query(
      `UPDATE ${s}.deliveries SET status = 'cancelled', lease_token = NULL, updated_at = $2
       WHERE subscription_id = $1 AND status = 'pending'`,
      [subscriptionId, at],
    )

  const finish = async (
    id: string,
    token: string,
    answer: DeliveryAnswer,
    status: DeliveryStatus,
    due?: Date,
  ): Promise<boolean> => {
    const rows = await db.query(
      `UPDATE ${s}.deliveries
       SET status = $3, lease_token = NULL, lease_until = 0, last_answer = $4::jsonb,
           updated_at = $5, due_at = COALESCE($6, due_at)
       WHERE id = $1 AND lease_token = $2 AND status = 'pending'
       RETURNING id`,
      [id, token, status, answerJson(answer), answer.at.getTime(), due?.getTime() ?? null],
    )
    return rows.length === 1
  }

  return {
    dedupe,
    inbox,

    async createSubscription(sub) {
      await db.query(
        `INSERT INTO ${s}.subscriptions
         (id, subscriber, sink, grp, types, status, created_at, ended_at, end_reason,
          expires_at, failing_since)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9, $10, $11)`,
        [
          sub.id,
          sub.subscriber,
          sub.sink,
          sub.group,
          sub.types === undefined ? null : JSON.stringify(sub.types),
          sub.status,
          Date.parse(sub.created),
          sub.ended === undefined ? null : Date.parse(sub.ended),
          sub.reason ?? null,
          sub.expires === undefined ? null : Date.parse(sub.expires),
          sub.failingSince === undefined ? null : Date.parse(sub.failingSince),
        ],
      )
    },
    async getSubscription(id) {
      const rows = await db.query(`SELECT * FROM ${s}.subscriptions WHERE id = $1`, [id])
      return rows[0] === undefined ? undefined : toSubscription(rows[0])
    },
    async listSubscriptions(filter) {
      const rows = await db.query(
        `SELECT * FROM ${s}.subscriptions
         WHERE ($1::text IS NULL OR subscriber = $1)
           AND ($2::text IS NULL OR grp = $2)
           AND ($3::text IS NULL OR status = $3)
         ORDER BY created_at, id`,
        [filter.subscriber ?? null, filter.group ?? null, filter.status ?? null],
      )
      return rows.map(toSubscription)
    },
    deleteSubscription(id) {
      return db.transaction(async (tx) => {
        const rows = await tx.query(`DELETE FROM ${s}.subscriptions WHERE id = $1 RETURNING id`, [
          id,
        ])
        await cancelPending(tx, id, now())
        return rows.length === 1
      })
    },
    async endSubscription(id, at, reason = 'gone') {
      await db.transaction(async (tx) => {
        await tx.query(
          `UPDATE ${s}.subscriptions SET status = 'ended', ended_at = $2, end_reason = $3
           WHERE id = $1 AND status = 'active'`,
          [id, at.getTime(), reason],
        )
        await cancelPending(tx, id, at.getTime())
      })
    },
    async setSubscriptionFailing(id, since) {
      await db.query(
        since === undefined
          ? `UPDATE ${s}.subscriptions SET failing_since = NULL
             WHERE id = $1 AND failing_since IS NOT NULL`
          : `UPDATE ${s}.subscriptions SET failing_since = $2
             WHERE id = $1 AND failing_since IS NULL`,
        since === undefined ? [id] : [id, since.getTime()],
      )
    },

    async enqueue(event, subscriptionIds, at) {
      const result = await db.transaction(async (tx) => {
        // Appends to one group are serialized so that cursor order is commit order within the
        // group (see feedLockKeys); the shared schema lock is taken first, in its own subquery.
        const keys = feedLockKeys(schemaName(options), event.group)
        await tx.query(
          `SELECT pg_advisory_xact_lock(hashtextextended($2, 0))
           FROM (SELECT pg_advisory_xact_lock_shared(hashtext($1))) AS schema_lock`,
          [keys.schema, keys.group],
        )
        const inserted = await tx.query(
          `INSERT INTO ${s}.events (source, event_id, type, grp, jws, created_at)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (source, event_id) DO NOTHING
           RETURNING seq`,
          [event.source, event.id, event.type, event.group, event.jws, at.getTime()],
        )
        const row = inserted[0]
        if (row === undefined) {
          const existing = await tx.query(
            `SELECT seq FROM ${s}.events WHERE source = $1 AND event_id = $2`,
            [event.source, event.id],
          )
          return { cursor: str(existing[0]?.['seq']), duplicate: true, deliveries: 0 }
        }
        const seq = str(row['seq'])
        const queued = await tx.query(
          `INSERT INTO ${s}.deliveries
           (event_seq, subscription_id, sink, status, due_at, created_at, updated_at)
           SELECT $1, id, sink, 'pending', $2, $2, $2 FROM ${s}.subscriptions
           WHERE status = 'active'
             AND id IN (SELECT jsonb_array_elements_text($3::jsonb))
           ON CONFLICT (event_seq, subscription_id) DO NOTHING
           RETURNING id`,
          [seq, at.getTime(), JSON.stringify([...subscriptionIds])],
        )
        return { cursor: seq, duplicate: false, deliveries: queued.length }
      })
      if (!result.duplicate) await afterQueued(result.deliveries)
      return result
    },

    async readFeed(query) {
      const rows = await db.query(
        `SELECT seq, jws FROM ${s}.events WHERE grp = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
        [query.group, query.after ?? '0', query.limit],
      )
      return rows.map((row) => ({ cursor: str(row['seq']), jws: str(row['jws']) }))
    },

    async claimDeliveries({ now: at, limit, leaseMs }) {
      const token = crypto.randomUUID()
      const t = at.getTime()
      const rows = await db.query(claimStatement(schemaName(options)), [
        t,
        limit,
        token,
        t + leaseMs,
      ])
      return rows
        .map((row): ClaimedDelivery => ({
          id: str(row['id']),
          subscriptionId: str(row['subscription_id']),
          sink: str(row['sink']),
          jws: str(row['jws']),
          eventSource: str(row['source']),
          eventId: str(row['event_id']),
          attempts: num(row['attempts']),
          created: new Date(num(row['created_at'])),
          leaseToken: token,
        }))
        .sort((a, b) => num(a.id) - num(b.id))
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
    async listDeliveries(filter) {
      const rows = await db.query(
        `SELECT d.*, e.source, e.event_id FROM ${s}.deliveries d
         JOIN ${s}.events e ON e.seq = d.event_seq
         WHERE ($1::text IS NULL OR d.status = $1)
           AND ($2::text IS NULL OR d.subscription_id = $2)
         ORDER BY d.id
         LIMIT $3`,
        [filter.status ?? null, filter.subscriptionId ?? null, filter.limit ?? 1000],
      )
      return rows.map((row): DeliveryRecord => {
        const lastAnswer = toAnswer(row['last_answer'])
        return {
          id: str(row['id']),
          subscriptionId: str(row['subscription_id']),
          sink: str(row['sink']),
          eventSource: str(row['source']),
          eventId: str(row['event_id']),
          status: str(row['status']) as DeliveryStatus,
          attempts: num(row['attempts']),
          created: new Date(num(row['created_at'])),
          due: new Date(num(row['due_at'])),
          ...(lastAnswer === undefined ? {} : { lastAnswer }),
        }
      })
    },

    prune({ now: at, retention }) {
      const t = at.getTime()
      const cutoff = t - retention * 1000
      return db.transaction(async (tx) => {
        const keys = await tx.query(
          `DELETE FROM ${s}.dedupe WHERE expires_at <= $1 RETURNING 1 AS gone`,
          [t],
        )
        const finished = await tx.query(
          `DELETE FROM ${s}.deliveries WHERE status <> 'pending' AND updated_at < $1
           RETURNING 1 AS gone`,
          [cutoff],
        )
        const events = await tx.query(
          `DELETE FROM ${s}.events e WHERE created_at < $1 AND NOT EXISTS (
             SELECT 1 FROM ${s}.deliveries d WHERE d.event_seq = e.seq AND d.status = 'pending')
           RETURNING 1 AS gone`,
          [cutoff],
        )
        return keys.length + finished.length + events.length
      })
    },
    close() {
      return db.close()
    },
  }
}
