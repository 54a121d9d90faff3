// The SQL stores' feed appends: one lock per group (appends to different groups commit in
// parallel, appends to one group in cursor order), and a claim plan that survives a burst.
import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import type { DeliveryStore, OutgoingEvent, Subscription } from '../../src/index.js'
import {
  createPgliteDeliveryStore,
  createPostgresDeliveryStore,
  type SqlDeliveryStore,
} from '../../node/index.js'
import { claimStatement, feedLockKeys } from '../../node/stores/sql-delivery-store.js'
import { POSTGRES_URL } from './support.js'

async function probePostgres(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 })
  try {
    await client.connect()
    await client.query('SELECT 1')
    return undefined
  } catch (err) {
    return `no PostgreSQL server at ${POSTGRES_URL} (${err instanceof Error ? err.message : String(err)})`
  } finally {
    await client.end().catch(() => undefined)
  }
}
const pgSkip = await probePostgres()
if (pgSkip !== undefined) console.warn(`SKIPPED: PostgreSQL feed lock tests: ${pgSkip}`)

const RUN = `fl${process.pid}_${Date.now().toString(36)}`
let counter = 0
const schemas: string[] = []
const pools: pg.Pool[] = []
const stores: DeliveryStore[] = []

afterAll(async () => {
  for (const store of stores) await store.close().catch(() => undefined)
  const admin = new pg.Client({ connectionString: POSTGRES_URL })
  if (pgSkip === undefined) {
    await admin.connect()
    for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await admin.end()
  }
  for (const pool of pools) await pool.end().catch(() => undefined)
})

const group = (i: number, tag = ''): string => `https://decisions.example/g/${tag}${String(i)}`
const event = (id: string, grp: string): OutgoingEvent => ({
  source: 'https://decisions.example',
  id,
  type: 'tech.collaborative.ping',
  group: grp,
  jws: `jws-${id}`,
})
const subscription = (id: string, grp: string): Subscription => ({
  id,
  subscriber: 'https://dashboard.example',
  sink: 'https://dashboard.example/inbox',
  group: grp,
  status: 'active',
  created: new Date().toISOString(),
})

async function postgresStore(max = 16): Promise<{ store: SqlDeliveryStore; schema: string }> {
  const pool = new pg.Pool({ connectionString: POSTGRES_URL, max })
  pools.push(pool)
  const schema = `cta_${RUN}_${String(++counter)}`
  schemas.push(schema)
  const store = await createPostgresDeliveryStore({ pool, schema })
  stores.push(store)
  return { store, schema }
}

/**
 * Publishers appending concurrently (each awaits its own appends one by one) while one reader
 * per group pages the group's feed by cursor; then checks each group's feed against DLV-FED-002.
 */
async function publishAndRead(
  store: DeliveryStore,
  {
    groups,
    perGroup,
    events,
    tag,
  }: { groups: number; perGroup: number; events: number; tag: string },
): Promise<void> {
  const published = new Map<string, string[][]>()
  let writing = true
  const publishers = Promise.all(
    Array.from({ length: groups * perGroup }, async (_, p) => {
      const grp = group(p % groups, tag)
      const mine: string[] = []
      const lists = published.get(grp) ?? []
      lists.push(mine)
      published.set(grp, lists)
      for (let i = 0; i < events; i++) {
        const id = `${tag}p${String(p)}-${String(i)}`
        const queued = await store.enqueue(event(id, grp), [], new Date())
        expect(queued.duplicate).toBe(false)
        mine.push(`jws-${id}`)
      }
    }),
  ).finally(() => {
    writing = false
  })
  const stillWriting = (): boolean => writing
  const readers = Array.from({ length: groups }, async (_, g) => {
    const grp = group(g, tag)
    const seen: string[] = []
    const cursors: bigint[] = []
    let after: string | undefined
    const page = async (): Promise<number> => {
      const items = await store.readFeed({
        group: grp,
        limit: 7,
        ...(after === undefined ? {} : { after }),
      })
      for (const item of items) {
        seen.push(item.jws)
        cursors.push(BigInt(item.cursor))
      }
      after = items.at(-1)?.cursor ?? after
      return items.length
    }
    while (stillWriting()) await page()
    await publishers
    while ((await page()) > 0);
    return { grp, seen, cursors }
  })
  await publishers
  for (const { grp, seen, cursors } of await Promise.all(readers)) {
    // Every event once: the reader that paged during the appends skipped none that committed
    // late, and saw none twice.
    expect(seen).toHaveLength(perGroup * events)
    expect(new Set(seen).size).toBe(seen.length)
    const all = await store.readFeed({ group: grp, limit: 1000 })
    expect(seen).toEqual(all.map((item) => item.jws))
    // Cursors strictly increase, and each publisher's events (committed one after the other)
    // appear in its order.
    expect(cursors.every((c, i) => i === 0 || c > (cursors[i - 1] as bigint))).toBe(true)
    for (const mine of published.get(grp) ?? []) {
      expect(seen.filter((jws) => mine.includes(jws))).toEqual(mine)
    }
  }
}

/**
 * How many requests for a store's feed locks (the schema's, or one of `groups`') wait, in the
 * shared database: other test files' locks are not counted.
 */
async function waitingFeedLocks(
  client: pg.Client,
  schema: string,
  groups: readonly string[],
): Promise<number> {
  const keys = groups.map((grp) => feedLockKeys(schema, grp))
  const { rows } = await client.query<{ n: string }>(
    `WITH k(key) AS (
       SELECT hashtext($1)::bigint
       UNION ALL SELECT hashtextextended(g, 0) FROM unnest($2::text[]) AS g)
     SELECT count(*) AS n FROM pg_locks l JOIN k
       ON l.classid::bigint = (k.key >> 32) & 4294967295 AND l.objid::bigint = k.key & 4294967295
     WHERE l.locktype = 'advisory' AND NOT l.granted AND l.objsubid = 1
       AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    [keys[0]?.schema ?? '', keys.map((key) => key.group)],
  )
  return Number(rows[0]?.n ?? 0)
}

describe.skipIf(pgSkip !== undefined)('the PostgreSQL store’s feed lock', () => {
  /** A second connection holding `lock` in a transaction of its own, until `release()`. */
  async function holdLock(sql: string, key: string) {
    const client = new pg.Client({ connectionString: POSTGRES_URL })
    await client.connect()
    await client.query('BEGIN')
    await client.query(sql, [key])
    return {
      client,
      async release() {
        await client.query('COMMIT')
        await client.end()
      },
    }
  }
  /** Settles with which came first: `promise` resolving, or `waiters` advisory waiters seen. */
  async function resolvesOrWaits(
    watcher: pg.Client,
    locks: { schema: string; groups: readonly string[] },
    promise: Promise<unknown>,
    waiters: number,
  ): Promise<'resolved' | 'waiting'> {
    let settled = false
    const settledNow = (): boolean => settled
    const done = promise.then(() => {
      settled = true
    })
    for (;;) {
      if (settledNow()) return 'resolved'
      if ((await waitingFeedLocks(watcher, locks.schema, locks.groups)) >= waiters) {
        await Promise.race([done, Promise.resolve()])
        return settledNow() ? 'resolved' : 'waiting'
      }
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
  }

  it('[DLV-FED-002] lets a group append while another group’s append waits for its lock, and holds the waiting one until the lock is free', async () => {
    const { store, schema } = await postgresStore()
    const a = group(1)
    const b = group(2)
    const locks = { schema, groups: [a, b] }
    const held = await holdLock(
      'SELECT pg_advisory_xact_lock(hashtextextended($1, 0))',
      feedLockKeys(schema, a).group,
    )
    const watcher = new pg.Client({ connectionString: POSTGRES_URL })
    await watcher.connect()
    try {
      const first = store.enqueue(event('a-1', a), [], new Date())
      // Group A's append waits for the lock the other transaction holds…
      expect(await resolvesOrWaits(watcher, locks, first, 1)).toBe('waiting')
      // …while group B's append commits: only a second waiter would stop it.
      const other = store.enqueue(event('b-1', b), [], new Date())
      expect(await resolvesOrWaits(watcher, locks, other, 2)).toBe('resolved')
      expect((await store.readFeed({ group: b, limit: 10 })).map((i) => i.jws)).toEqual(['jws-b-1'])
      expect(await store.readFeed({ group: a, limit: 10 })).toEqual([])
      await held.release()
      expect((await first).duplicate).toBe(false)
      expect((await store.readFeed({ group: a, limit: 10 })).map((i) => i.jws)).toEqual(['jws-a-1'])
    } finally {
      await watcher.end()
      await held.client.end().catch(() => undefined)
    }
  })

  it('[DLV-FED-002] holds every group’s append while a process of an older version holds the schema’s feed lock', async () => {
    const { store, schema } = await postgresStore()
    const held = await holdLock(
      'SELECT pg_advisory_xact_lock(hashtext($1))',
      feedLockKeys(schema, group(3)).schema,
    )
    const watcher = new pg.Client({ connectionString: POSTGRES_URL })
    await watcher.connect()
    try {
      const append = store.enqueue(event('c-1', group(3)), [], new Date())
      expect(await resolvesOrWaits(watcher, { schema, groups: [group(3)] }, append, 1)).toBe(
        'waiting',
      )
      await held.release()
      expect((await append).duplicate).toBe(false)
    } finally {
      await watcher.end()
      await held.client.end().catch(() => undefined)
    }
  })

  it('[DLV-FED-002] 16 publishers on 16 groups, and 4 per group: each group’s feed read by cursor during the appends has every event once, in commit order', async () => {
    const { store } = await postgresStore(16)
    await publishAndRead(store, { groups: 16, perGroup: 1, events: 12, tag: 'one-' })
    await publishAndRead(store, { groups: 4, perGroup: 4, events: 12, tag: 'four-' })
  }, 180_000)

  it('analyses the deliveries table after a burst, so that a claim on the freshly filled queue walks the due index instead of sorting every pending row', async () => {
    const { store, schema } = await postgresStore(8)
    // Only the store may analyse: autovacuum could otherwise do it during the test.
    const admin = new pg.Client({ connectionString: POSTGRES_URL })
    await admin.connect()
    try {
      await admin.query(`ALTER TABLE "${schema}".deliveries SET (autovacuum_enabled = false)`)
      const ids = Array.from({ length: 20 }, (_, i) => `s${String(i)}`)
      for (const id of ids) await store.createSubscription(subscription(id, group(0)))
      let next = 0
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (next < 520) {
            const i = next++
            await store.enqueue(event(`burst-${String(i)}`, group(0)), ids, new Date())
          }
        }),
      )
      await admin.query('BEGIN')
      const t = Date.now()
      const { rows } = await admin.query<{ 'QUERY PLAN': unknown }>(
        `EXPLAIN (FORMAT JSON) ${claimStatement(schema)}`,
        [t, 32, 'token', t + 60_000],
      )
      await admin.query('ROLLBACK')
      const plan = JSON.stringify(rows[0]?.['QUERY PLAN'])
      expect(plan).toContain('"Index Name":"deliveries_due"')
      expect(plan).toContain('"Node Type":"Index Scan"')
      expect(plan).not.toContain('"Node Type":"Sort"')
      const stats = await admin.query<{ analysed: boolean }>(
        `SELECT last_analyze IS NOT NULL AS analysed FROM pg_stat_user_tables
         WHERE schemaname = $1 AND relname = 'deliveries'`,
        [schema],
      )
      expect(stats.rows[0]?.analysed).toBe(true)
    } finally {
      await admin.end()
    }
  }, 120_000)

  it('sets the outbox’s autovacuum options on an existing schema that lacks them, and opens twice', async () => {
    const { schema } = await postgresStore(2)
    const admin = new pg.Client({ connectionString: POSTGRES_URL })
    await admin.connect()
    try {
      await admin.query(`ALTER TABLE "${schema}".deliveries RESET (fillfactor,
        autovacuum_analyze_scale_factor, autovacuum_analyze_threshold,
        autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold,
        autovacuum_vacuum_insert_scale_factor, autovacuum_vacuum_insert_threshold)`)
      const options = async () =>
        (
          await admin.query<{ reloptions: string[] | null }>(
            `SELECT reloptions FROM pg_class WHERE oid = '"${schema}".deliveries'::regclass`,
          )
        ).rows[0]?.reloptions ?? []
      expect(await options()).toEqual([])
      const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 2 })
      pools.push(pool)
      const [one, two] = await Promise.all([
        createPostgresDeliveryStore({ pool, schema }),
        createPostgresDeliveryStore({ pool, schema }),
      ])
      stores.push(one, two)
      expect(await options()).toContain('autovacuum_analyze_scale_factor=0.02')
      expect(await options()).toContain('fillfactor=70')
    } finally {
      await admin.end()
    }
  })
})

describe('the PGlite store’s feed', () => {
  it('[DLV-FED-002] 16 publishers on 16 groups, and 3 per group: each group’s feed read by cursor during the appends has every event once, in commit order', async () => {
    const db = await PGlite.create()
    try {
      const store = await createPgliteDeliveryStore({ db, schema: 'cta_feed_lock' })
      await publishAndRead(store, { groups: 16, perGroup: 1, events: 6, tag: 'one-' })
      await publishAndRead(store, { groups: 4, perGroup: 3, events: 6, tag: 'three-' })
    } finally {
      await db.close()
    }
  }, 180_000)
})
