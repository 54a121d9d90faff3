import { readFileSync } from 'node:fs'
import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  SUBSCRIPTION_ENDED_TYPE,
  SUBSCRIPTION_FAILURE_PERIOD,
  createDeliveryWorker,
  createMemoryDeliveryStore,
  publishEvent,
  signEvent,
  toInboxStore,
  validateDocument,
  type DeliveryWorkerOptions,
  type IsInstalled,
  type SigningKey,
  type DeliveryAnswer,
  type DeliveryStore,
  type OutgoingEvent,
  type Subscription,
} from '../../src/index.js'
import {
  createPgliteDeliveryStore,
  createPostgresDeliveryStore,
  type SqlDeliveryStore,
  type SqlTransaction,
} from '../../node/index.js'
import {
  GROUP,
  LOCAL,
  OTHER_GROUP,
  POSTGRES_URL,
  PRODUCER,
  fakeClock,
  producerKeys,
  scriptedSink,
  signedPings,
  type Clock,
  type ScriptedSink,
} from './support.js'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { createJetStreamDeliveryStore } from '../../nats/index.js'
import { natsServerMissing, startNatsServer, type NatsServer } from '../helpers/nats-server.js'

/** Why the PostgreSQL tests cannot run here, or `undefined` when they can. */
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
if (pgSkip !== undefined) {
  console.warn(`SKIPPED: PostgreSQL delivery store tests: ${pgSkip}. Set CTA_TEST_POSTGRES_URL.`)
}

const RUN = `t${process.pid}_${Date.now().toString(36)}`
const natsSkip = natsServerMissing()
if (natsSkip !== undefined) console.warn(`SKIPPED: JetStream delivery store tests: ${natsSkip}`)
let nats: NatsServer | undefined
const natsConnections: NatsConnection[] = []
let pglite: PGlite | undefined
let pool: pg.Pool | undefined
const schemas: string[] = []
let counter = 0

interface Factory {
  readonly name: string
  readonly skip?: string
  /** A SQL store, with a transactional `inbox`; `query` reaches its database directly. */
  readonly sql?: boolean
  create(clock: Clock): Promise<DeliveryStore>
}

/** Runs a statement on the database of the last SQL store created, outside any store call. */
let direct: (text: string) => Promise<Record<string, unknown>[]> = () => Promise.resolve([])
/** The schema of the last SQL store created. */
let lastSchema = ''
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A gate an effect waits at, and a signal that the effect has started. */
function gate() {
  let open!: () => void
  let started!: () => void
  const opened = new Promise<void>((resolve) => {
    open = resolve
  })
  const running = new Promise<void>((resolve) => {
    started = resolve
  })
  return { open, opened, started, running }
}

const factories: Factory[] = [
  { name: 'memory', create: (clock) => Promise.resolve(createMemoryDeliveryStore({ now: clock })) },
  {
    name: 'PGlite',
    sql: true,
    async create(clock) {
      const db = (pglite ??= await PGlite.create())
      lastSchema = `cta_${RUN}_${++counter}`
      direct = async (text) => (await db.query<Record<string, unknown>>(text)).rows
      return createPgliteDeliveryStore({ db, schema: lastSchema, now: clock })
    },
  },
  {
    name: 'PostgreSQL',
    ...(pgSkip === undefined ? {} : { skip: pgSkip }),
    sql: true,
    async create(clock) {
      const p = (pool ??= new pg.Pool({ connectionString: POSTGRES_URL, max: 8 }))
      const schema = `cta_${RUN}_${++counter}`
      schemas.push(schema)
      lastSchema = schema
      direct = async (text) => (await p.query(text)).rows as Record<string, unknown>[]
      return createPostgresDeliveryStore({ pool: p, schema, now: clock })
    },
  },
  {
    // Feed and deliveries on the test's own nats-server; subscriptions and dedupe in memory.
    name: 'NATS JetStream',
    ...(natsSkip === undefined ? {} : { skip: natsSkip }),
    async create(clock) {
      nats ??= await startNatsServer()
      const nc = await connect({ servers: nats.url })
      natsConnections.push(nc)
      const state = createMemoryDeliveryStore({ now: clock })
      return createJetStreamDeliveryStore({
        connection: nc,
        state,
        prefix: `T${++counter}`,
        recheck: 200,
      })
    },
  },
]

afterAll(async () => {
  for (const nc of natsConnections) await nc.close()
  await nats?.stop()
  if (pool !== undefined) {
    for (const schema of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await pool.end()
  }
  await pglite?.close()
})

const T0 = Date.parse('2026-08-20T09:13:00Z')
const at = (ms = 0): Date => new Date(T0 + ms)
const answer = (status: number, ms = 0): DeliveryAnswer => ({ at: at(ms), status, body: 'nope' })

function subscription(id: string, extra: Partial<Subscription> = {}): Subscription {
  return {
    id,
    subscriber: 'https://dashboard.example',
    sink: 'https://dashboard.example/inbox',
    group: GROUP,
    status: 'active',
    created: at().toISOString(),
    ...extra,
  }
}

function outgoing(id: string, group = GROUP): OutgoingEvent {
  return {
    source: 'https://decisions.example',
    id,
    type: 'tech.collaborative.ping',
    group,
    jws: `jws-${id}`,
  }
}

for (const factory of factories) {
  describe.skipIf(factory.skip !== undefined)(`the ${factory.name} delivery store`, () => {
    let store: DeliveryStore
    let clock: Clock
    let query: typeof direct
    let schema = ''
    beforeAll(async () => {
      clock = fakeClock(T0)
      store = await factory.create(clock)
      query = direct
      schema = lastSchema
    }, 120_000)

    it('[DLV-INB-005] answers a key being processed "in progress", never "duplicate", until it is done', async () => {
      const inbox = toInboxStore(store.dedupe)
      const key = { source: 'https://a.example', id: 'two-phase' }
      const g = gate()
      const first = inbox.receive(key, at(9e9), async () => {
        g.started()
        await g.opened
        return 'done'
      })
      await g.running
      const copy = await inbox.receive(key, at(9e9), () => 'again')
      expect(copy.status).toBe('in-progress')
      expect(copy.status === 'in-progress' && copy.retryAfter >= 1).toBe(true)
      g.open()
      expect(await first).toEqual({ status: 'processed', value: 'done' })
      expect(await inbox.receive(key, at(9e9), () => 'again')).toEqual({ status: 'duplicate' })
    })

    it('[DLV-INB-003] forgets a key whose effect throws, so that the retry is processed', async () => {
      const inbox = toInboxStore(store.dedupe)
      const key = { source: 'https://a.example', id: 'fails-once' }
      await expect(
        inbox.receive(key, at(9e9), () => {
          throw new Error('database down')
        }),
      ).rejects.toThrow('database down')
      expect(await inbox.receive(key, at(9e9), () => 1)).toEqual({ status: 'processed', value: 1 })
    })

    it('[DLV-INB-006] takes over a two-phase claim whose process died, once its lease ran out, and not before', async () => {
      const inbox = toInboxStore(store.dedupe)
      const key = { source: 'https://a.example', id: 'died' }
      const g = gate()
      // An effect that never ends: its process died mid-event.
      void inbox.receive(key, at(9e9), () => {
        g.started()
        return new Promise<never>(() => undefined)
      })
      await g.running
      clock.set(T0 + 59_000)
      expect((await inbox.receive(key, at(9e9), () => 'retry')).status).toBe('in-progress')
      clock.set(T0 + 60_000)
      expect(await inbox.receive(key, at(9e9), () => 'retry')).toEqual({
        status: 'processed',
        value: 'retry',
      })
      clock.set(T0)
    })

    it.skipIf(factory.sql !== true)(
      '[DLV-INB-007] commits the effect with the record of the event, or neither: a failed effect leaves nothing',
      async () => {
        const { inbox } = store as SqlDeliveryStore
        await query(`CREATE TABLE "${schema}".effects (id text)`)
        const effect = (fail: boolean) => async (tx: SqlTransaction) => {
          await tx.query(`INSERT INTO "${schema}".effects (id) VALUES ($1)`, ['e1'])
          if (fail) throw new Error('crashed after writing')
          return 'ok'
        }
        const key = { source: 'https://a.example', id: 'tx-1' }
        await expect(inbox.receive(key, at(9e9), effect(true))).rejects.toThrow('crashed')
        expect(await query(`SELECT id FROM "${schema}".effects`)).toEqual([])
        expect(await inbox.receive(key, at(9e9), effect(false))).toEqual({
          status: 'processed',
          value: 'ok',
        })
        expect(await inbox.receive(key, at(9e9), effect(false))).toEqual({ status: 'duplicate' })
        expect(await query(`SELECT id FROM "${schema}".effects`)).toEqual([{ id: 'e1' }])
      },
    )

    it.skipIf(factory.sql !== true)(
      '[DLV-INB-005] never answers a copy "duplicate" before the first one in flight has committed',
      async () => {
        const { inbox } = store as SqlDeliveryStore
        await query(`CREATE TABLE IF NOT EXISTS "${schema}".copies (id text)`)
        const key = { source: 'https://a.example', id: 'in-flight' }
        const g = gate()
        const first = inbox.receive(key, at(9e9), async (tx) => {
          await tx.query(`INSERT INTO "${schema}".copies (id) VALUES ('first')`)
          g.started()
          await g.opened
        })
        await g.running
        // The copy's answer, and what had committed when it came.
        const copy = inbox
          .receive(key, at(9e9), () => 'copy')
          .then(async (receipt) => ({
            receipt,
            committed: (await query(`SELECT id FROM "${schema}".copies`)).length,
          }))
        await Promise.race([copy, sleep(1000)])
        g.open()
        await first
        const { receipt, committed } = await copy
        if (receipt.status === 'duplicate') expect(committed).toBe(1)
        else expect(receipt.status).toBe('in-progress')
      },
    )

    it('[DLV-INB-006] lets exactly one of two concurrent copies take over a lapsed lease', async () => {
      const inbox = toInboxStore(store.dedupe)
      const key = { source: 'https://a.example', id: 'lapsed-race' }
      const died = gate()
      // The first copy's process died mid-event: its effect never ends.
      void inbox.receive(key, at(9e9), () => {
        died.started()
        return new Promise<never>(() => undefined)
      })
      await died.running
      clock.set(T0 + 60_000)
      const g = gate()
      let runs = 0
      const effect = async () => {
        runs++
        g.started()
        await g.opened
        return 'retried'
      }
      const copies = [inbox.receive(key, at(9e9), effect), inbox.receive(key, at(9e9), effect)]
      await g.running
      // The winner waits at the gate, so the first copy to settle is the loser.
      const loser = await Promise.race(copies)
      expect(loser.status).toBe('in-progress')
      g.open()
      const receipts = await Promise.all(copies)
      expect(receipts.map((r) => r.status).sort()).toEqual(['in-progress', 'processed'])
      expect(runs).toBe(1)
      expect(await inbox.receive(key, at(9e9), effect)).toEqual({ status: 'duplicate' })
      clock.set(T0)
    })

    it('[DLV-INB-004] records every one of many events finishing together, each answered duplicate after', async () => {
      const inbox = toInboxStore(store.dedupe)
      const keys = Array.from({ length: 40 }, (_, i) => ({
        source: 'https://a.example',
        id: `together-${String(i)}`,
      }))
      const first = await Promise.all(keys.map((key) => inbox.receive(key, at(9e9), () => key.id)))
      expect(first).toEqual(keys.map((key) => ({ status: 'processed', value: key.id })))
      // Past the lease: only a record of the second phase still answers "duplicate".
      clock.set(T0 + 120_000)
      const again = await Promise.all(keys.map((key) => inbox.receive(key, at(9e9), () => 'twice')))
      expect(again).toEqual(keys.map(() => ({ status: 'duplicate' })))
      clock.set(T0)
    })

    it.skipIf(factory.name !== 'PostgreSQL')(
      '[DLV-INB-005] answers a copy "in progress" when the first copy outlasts inboxLockTimeout',
      async () => {
        const p = pool as pg.Pool
        const short = await createPostgresDeliveryStore({
          pool: p,
          schema,
          now: clock,
          inboxLockTimeout: 0.2,
        })
        const key = { source: 'https://a.example', id: 'lock-timeout' }
        const g = gate()
        const first = short.inbox.receive(key, at(9e9), async () => {
          g.started()
          await g.opened
          return 'first'
        })
        await g.running
        const copy = await short.inbox.receive(key, at(9e9), () => 'copy')
        expect(copy).toEqual({ status: 'in-progress', retryAfter: 1 })
        g.open()
        expect(await first).toEqual({ status: 'processed', value: 'first' })
        expect(await short.inbox.receive(key, at(9e9), () => 'again')).toEqual({
          status: 'duplicate',
        })
      },
    )

    it('claims a dedupe key once until it expires, and again after release', async () => {
      const { dedupe } = store
      expect(await dedupe.claim('https://a.example', 'k1', at(1000))).toBe(true)
      expect(await dedupe.claim('https://a.example', 'k1', at(1000))).toBe(false)
      expect(await dedupe.claim('https://b.example', 'k1', at(1000))).toBe(true)
      clock.set(T0 + 1000)
      expect(await dedupe.claim('https://a.example', 'k1', at(5000))).toBe(true)
      await dedupe.release('https://a.example', 'k1')
      expect(await dedupe.claim('https://a.example', 'k1', at(5000))).toBe(true)
      clock.set(T0)
    })

    it('lets exactly one of many concurrent claims of a key win', async () => {
      const results = await Promise.all(
        Array.from({ length: 16 }, () => store.dedupe.claim('https://a.example', 'race', at(9e9))),
      )
      expect(results.filter(Boolean)).toHaveLength(1)
    })

    it('stores, lists, ends and deletes subscriptions', async () => {
      await store.createSubscription(subscription('s1', { types: ['tech.collaborative.*'] }))
      await store.createSubscription(
        subscription('s2', { subscriber: 'https://other.example', group: OTHER_GROUP }),
      )
      expect(await store.getSubscription('s1')).toEqual(
        subscription('s1', { types: ['tech.collaborative.*'] }),
      )
      expect(await store.getSubscription('nope')).toBeUndefined()
      expect((await store.listSubscriptions({ group: GROUP })).map((s) => s.id)).toEqual(['s1'])
      expect(
        (await store.listSubscriptions({ subscriber: 'https://other.example' })).map((s) => s.id),
      ).toEqual(['s2'])
      await store.endSubscription('s2', at(5))
      expect(await store.getSubscription('s2')).toMatchObject({
        status: 'ended',
        ended: at(5).toISOString(),
      })
      expect((await store.listSubscriptions({ status: 'active' })).map((s) => s.id)).toEqual(['s1'])
      expect(await store.deleteSubscription('s2')).toBe(true)
      expect(await store.deleteSubscription('s2')).toBe(false)
    })

    it('queues deliveries for active listed subscriptions only, once per event', async () => {
      await store.createSubscription(subscription('q1'))
      await store.createSubscription(subscription('q2'))
      await store.createSubscription(subscription('q3', { status: 'ended' }))
      const first = await store.enqueue(outgoing('e1'), ['q1', 'q2', 'q3', 'missing'], at())
      expect(first).toMatchObject({ duplicate: false, deliveries: 2 })
      const again = await store.enqueue(outgoing('e1'), ['q1', 'q2'], at())
      expect(again).toEqual({ cursor: first.cursor, duplicate: true, deliveries: 0 })
      const second = await store.enqueue(outgoing('e2'), [], at())
      expect(Number(second.cursor)).toBeGreaterThan(Number(first.cursor))
      const pending = await store.listDeliveries({ subscriptionId: 'q1' })
      expect(pending.map((d) => [d.eventId, d.status, d.attempts])).toEqual([['e1', 'pending', 0]])
    })

    it('pages the feed of one group by cursor, exclusive, in order', async () => {
      const cursors: string[] = []
      for (let i = 0; i < 5; i++) {
        cursors.push((await store.enqueue(outgoing(`f${i}`, OTHER_GROUP), [], at())).cursor)
        await store.enqueue(outgoing(`g${i}`, `${GROUP}/x`), [], at())
      }
      const all = await store.readFeed({ group: OTHER_GROUP, limit: 100 })
      expect(all.map((i) => i.jws)).toEqual(['jws-f0', 'jws-f1', 'jws-f2', 'jws-f3', 'jws-f4'])
      expect(all.map((i) => i.cursor)).toEqual(cursors)
      const page = await store.readFeed({ group: OTHER_GROUP, after: String(cursors[1]), limit: 2 })
      expect(page.map((i) => i.jws)).toEqual(['jws-f2', 'jws-f3'])
      expect(
        await store.readFeed({ group: OTHER_GROUP, after: String(cursors[4]), limit: 9 }),
      ).toEqual([])
    })

    it('[DLV-OUT-002] never gives one delivery to two concurrent claimers', async () => {
      await store.createSubscription(subscription('c1'))
      for (let i = 0; i < 12; i++) await store.enqueue(outgoing(`c-${i}`), ['c1'], at(-1))
      const batches = await Promise.all(
        Array.from({ length: 4 }, () =>
          store.claimDeliveries({ now: at(), limit: 5, leaseMs: 60_000 }),
        ),
      )
      const ids = batches
        .flat()
        .filter((d) => d.subscriptionId === 'c1')
        .map((d) => d.id)
      expect(new Set(ids).size).toBe(ids.length)
      expect(ids).toHaveLength(12)
      // Everything due is leased now: nothing more to claim until the leases run out.
      expect(await store.claimDeliveries({ now: at(59_000), limit: 50, leaseMs: 60_000 })).toEqual(
        [],
      )
      const again = await store.claimDeliveries({ now: at(60_000), limit: 50, leaseMs: 60_000 })
      expect(again.filter((d) => d.subscriptionId === 'c1')).toHaveLength(12)
      expect(again.every((d) => d.attempts === 2)).toBe(true)
    })

    it('[DLV-OUT-002] refuses to record an attempt for a lease that was lost', async () => {
      await store.createSubscription(subscription('l1'))
      await store.enqueue(outgoing('l-1'), ['l1'], at(1e6))
      const claim = async (ms: number) =>
        (await store.claimDeliveries({ now: at(ms), limit: 100, leaseMs: 1000 })).find(
          (d) => d.eventId === 'l-1',
        )
      const first = await claim(1e6)
      expect(first).toBeDefined()
      expect(await claim(1e6 + 999)).toBeUndefined()
      const second = await claim(1e6 + 1000)
      expect(second?.id).toBe(first?.id)
      expect(
        await store.completeDelivery(first?.id ?? '', first?.leaseToken ?? '', answer(202)),
      ).toBe(false)
      expect(
        await store.completeDelivery(second?.id ?? '', second?.leaseToken ?? '', answer(202)),
      ).toBe(true)
      expect(
        await store.completeDelivery(second?.id ?? '', second?.leaseToken ?? '', answer(202)),
      ).toBe(false)
      expect((await store.listDeliveries({ subscriptionId: 'l1' }))[0]?.status).toBe('delivered')
    })

    it('reschedules, dead-letters with the last answer, and cancels on end and delete', async () => {
      await store.createSubscription(subscription('r1'))
      await store.createSubscription(subscription('r2'))
      await store.enqueue(outgoing('r-1'), ['r1'], at(2e6))
      await store.enqueue(outgoing('r-2'), ['r1', 'r2'], at(2e6))
      await store.enqueue(outgoing('r-3'), ['r1', 'r2'], at(2e6))
      const claimed = await store.claimDeliveries({ now: at(2e6), limit: 100, leaseMs: 1000 })
      const mine = claimed.filter((d) => d.eventId.startsWith('r-'))
      expect(mine).toHaveLength(5)
      const [a, b, ...rest] = mine
      if (a === undefined || b === undefined) throw new Error('claimed too few')
      expect(await store.retryDelivery(a.id, a.leaseToken, at(3e6), answer(503, 2e6))).toBe(true)
      expect(
        await store.deadLetterDelivery(b.id, b.leaseToken, {
          ...answer(400, 2e6),
          body: 'bad\u0000',
        }),
      ).toBe(true)
      for (const d of rest) await store.retryDelivery(d.id, d.leaseToken, at(2e6), answer(500, 2e6))
      const dead = (await store.listDeliveries({ status: 'dead' })).find((d) => d.id === b.id)
      expect(dead?.lastAnswer).toMatchObject({ status: 400, at: at(2e6) })
      expect(dead?.lastAnswer?.body).toMatch(/^bad/)
      const retried = (await store.listDeliveries({ subscriptionId: 'r1' })).find(
        (d) => d.id === a.id,
      )
      expect(retried).toMatchObject({ status: 'pending', due: at(3e6), attempts: 1 })
      expect(retried?.lastAnswer?.status).toBe(503)
      await store.endSubscription('r1', at(2e6))
      expect(await store.listDeliveries({ subscriptionId: 'r1', status: 'pending' })).toEqual([])
      expect(await store.deleteSubscription('r2')).toBe(true)
      expect(await store.listDeliveries({ subscriptionId: 'r2', status: 'pending' })).toEqual([])
      expect(
        await store.listDeliveries({ subscriptionId: 'r2', status: 'cancelled' }),
      ).toHaveLength(2)
    })

    it('[DLV-FED-002] lets a reader paging during concurrent appends see every event once, in order', async () => {
      const group = `${GROUP}/concurrent`
      const total = 60
      const seen: string[] = []
      const cursors: number[] = []
      let after: string | undefined
      const page = async () => {
        const items = await store.readFeed({
          group,
          limit: 5,
          ...(after === undefined ? {} : { after }),
        })
        for (const item of items) {
          seen.push(item.jws)
          cursors.push(Number(item.cursor))
        }
        after = items.at(-1)?.cursor ?? after
        return items.length
      }
      let writing = true
      const stillWriting = (): boolean => writing
      const writers = Promise.all(
        Array.from({ length: total }, (_, i) =>
          store.enqueue(outgoing(`cc-${i}`, group), [], at()),
        ),
      ).finally(() => {
        writing = false
      })
      while (stillWriting()) await page()
      await writers
      while ((await page()) > 0);
      expect(seen).toHaveLength(total)
      expect(new Set(seen).size).toBe(total)
      expect(cursors).toEqual([...cursors].sort((a, b) => a - b))
    })

    it('prunes expired keys and old finished work, keeping pending deliveries', async () => {
      await store.dedupe.claim('https://p.example', 'old', at(10))
      await store.createSubscription(subscription('p1'))
      await store.enqueue(outgoing('p-1'), ['p1'], at(-5e9))
      await store.enqueue(outgoing('p-2'), [], at(-5e9))
      const removed = await store.prune({ now: at(1e9), retention: 4 * 86_400 })
      expect(removed).toBeGreaterThan(0)
      const feed = await store.readFeed({ group: GROUP, limit: 1000 })
      expect(feed.some((i) => i.jws === 'jws-p-1')).toBe(true)
      expect(feed.some((i) => i.jws === 'jws-p-2')).toBe(false)
      clock.set(T0 + 1e9)
      expect(await store.dedupe.claim('https://p.example', 'old', at(2e9))).toBe(true)
      clock.set(T0)
    })

    it("[DLV-SUB-010] keeps a subscription's expiry, why it ended, and since when it fails", async () => {
      const expires = at(90 * 86_400_000).toISOString()
      await store.createSubscription(subscription('x1', { expires }))
      expect(await store.getSubscription('x1')).toEqual(subscription('x1', { expires }))
      await store.setSubscriptionFailing('x1', at(1000))
      await store.setSubscriptionFailing('x1', at(2000))
      expect((await store.getSubscription('x1'))?.failingSince).toBe(at(1000).toISOString())
      await store.setSubscriptionFailing('x1', undefined)
      expect((await store.getSubscription('x1'))?.failingSince).toBeUndefined()
      await store.setSubscriptionFailing('x1', at(3000))
      expect((await store.getSubscription('x1'))?.failingSince).toBe(at(3000).toISOString())
      await store.endSubscription('x1', at(4000), 'uninstalled')
      await store.endSubscription('x1', at(5000), 'failing')
      expect(await store.getSubscription('x1')).toMatchObject({
        status: 'ended',
        ended: at(4000).toISOString(),
        reason: 'uninstalled',
        expires,
      })
      await store.createSubscription(subscription('x2'))
      await store.endSubscription('x2', at(6000))
      expect((await store.getSubscription('x2'))?.reason).toBe('gone')
      await store.setSubscriptionFailing('missing', at(1))
    })

    describe('with a delivery worker', () => {
      let sink: ScriptedSink
      let key: SigningKey
      beforeAll(async () => {
        sink = await scriptedSink()
        key = (await producerKeys()).key
      })
      afterAll(async () => {
        await sink.close()
      })

      /** A fresh store (other cases leave deliveries behind), a worker on it, and a clock. */
      async function setup(extra: Partial<DeliveryWorkerOptions> = {}) {
        const time = fakeClock(Date.now())
        const fresh = await factory.create(time)
        const worker = createDeliveryWorker({
          store: fresh,
          ...LOCAL,
          now: time,
          retry: { initialDelay: 60, maxDelay: 3600 },
          announce: { key, name: 'Decisions', subscriptions: `${PRODUCER}/cta/subscriptions` },
          ...extra,
        })
        const sub = (id: string, more: Partial<Subscription> = {}): Subscription =>
          subscription(id, { sink: sink.url, created: new Date(time()).toISOString(), ...more })
        const publish = async (n: number, prefix: string) => {
          for (const jws of await signedPings(key, n, { prefix, time: new Date(time()) })) {
            await publishEvent(jws, { store: fresh, currentDate: new Date(time()) })
          }
        }
        return { time, fresh, worker, sub, publish }
      }

      /** The events of the group's feed whose type is `subscription.ended`, decoded. */
      async function endedEvents(fresh: DeliveryStore) {
        const feed = await fresh.readFeed({ group: GROUP, limit: 1000 })
        return feed
          .map(
            (item) =>
              JSON.parse(
                Buffer.from(item.jws.split('.')[1] ?? '', 'base64url').toString('utf8'),
              ) as { type?: string },
          )
          .filter((event: { type?: string }) => event.type === SUBSCRIPTION_ENDED_TYPE) as {
          id: string
          type: string
          data: { endReason: string; object: { attributedTo: string; id: string } }
        }[]
      }

      it('[DLV-SUB-009] asks whether the subscriber is installed before each delivery, and ends the subscription with reason uninstalled instead of delivering', async () => {
        const installed = new Map([['https://dashboard.example', true]])
        const asked: string[] = []
        const isInstalled: IsInstalled = (group, tool) => {
          asked.push(`${group} ${tool}`)
          return installed.get(tool) === true
        }
        const { fresh, worker, sub, publish } = await setup({ isInstalled })
        await fresh.createSubscription(sub('u1'))
        await publish(1, 'u-a')
        const before = sink.bodies.length
        expect(await worker.runOnce()).toMatchObject({ delivered: 1, ended: 0 })
        expect(asked).toEqual([`${GROUP} https://dashboard.example`])
        installed.set('https://dashboard.example', false)
        await publish(2, 'u-b')
        const reports: unknown[] = []
        const run = await createDeliveryWorker({
          store: fresh,
          ...LOCAL,
          isInstalled,
          now: () => Date.now(),
          onOutcome: (report) => reports.push(report.reason),
        }).runOnce()
        expect(run).toMatchObject({ delivered: 0, ended: 2 })
        expect(reports).toEqual(['uninstalled', 'uninstalled'])
        expect(sink.bodies.length).toBe(before + 1)
        expect(await fresh.getSubscription('u1')).toMatchObject({
          status: 'ended',
          reason: 'uninstalled',
        })
        expect(await fresh.listDeliveries({ subscriptionId: 'u1', status: 'pending' })).toEqual([])
        await publish(1, 'u-c')
        expect(await fresh.listDeliveries({ subscriptionId: 'u1', status: 'pending' })).toEqual([])
        await fresh.close()
      })

      it('[DLV-SUB-009] still delivers the disconnected tool its own group.tool.disconnected, then ends its subscription', async () => {
        const { time, fresh, worker, sub } = await setup({
          isInstalled: (_group, tool) => tool !== 'https://dashboard.example',
        })
        await fresh.createSubscription(sub('d1'))
        const example = JSON.parse(
          readFileSync(
            new URL(
              '../../../examples/documents/events/group-tool-disconnected.json',
              import.meta.url,
            ),
            'utf8',
          ),
        ) as { time: string; group: string; data: Record<string, unknown> }
        const now = new Date(time()).toISOString().replace(/\.\d{3}Z$/, 'Z')
        const farewell = {
          ...example,
          id: 'farewell-1',
          group: GROUP,
          time: now,
          data: {
            ...example.data,
            audience: GROUP,
            target: GROUP,
            published: now,
            object: {
              ...(example.data['object'] as object),
              organization: GROUP,
              tool: 'https://dashboard.example',
            },
          },
        }
        await publishEvent(await signEvent(farewell, key), {
          store: fresh,
          currentDate: new Date(time()),
        })
        const before = sink.bodies.length
        expect(await worker.runOnce()).toMatchObject({ claimed: 1, ended: 1 })
        expect(sink.bodies.length).toBe(before + 1)
        expect(await fresh.listDeliveries({ subscriptionId: 'd1' })).toMatchObject([
          { eventId: 'farewell-1', status: 'delivered' },
        ])
        expect(await fresh.getSubscription('d1')).toMatchObject({
          status: 'ended',
          reason: 'uninstalled',
        })
        await fresh.close()
      })

      it('[DLV-SUB-009] sends nothing while the installation cannot be checked, and tries again later', async () => {
        const { time, fresh, worker, sub, publish } = await setup({
          isInstalled: () => Promise.reject(new Error('the authority is down')),
        })
        await fresh.createSubscription(sub('k1'))
        await publish(1, 'k')
        const before = sink.bodies.length
        expect(await worker.runOnce()).toMatchObject({ retried: 1, delivered: 0 })
        expect(sink.bodies.length).toBe(before)
        const [pending] = await fresh.listDeliveries({ subscriptionId: 'k1' })
        expect(pending).toMatchObject({ status: 'pending' })
        expect(pending?.due.getTime()).toBeGreaterThan(time())
        expect((await fresh.getSubscription('k1'))?.status).toBe('active')
        await fresh.close()
      })

      it('[DLV-SUB-011] delivers nothing to a subscription at or after its expires, and ends it as expired', async () => {
        const { time, fresh, worker, sub, publish } = await setup()
        const expires = new Date(time() + 60_000).toISOString()
        await fresh.createSubscription(sub('e1', { expires }))
        await publish(1, 'e-a')
        time.advance(60_000)
        const before = sink.bodies.length
        expect(await worker.runOnce()).toMatchObject({ ended: 1, delivered: 0 })
        expect(sink.bodies.length).toBe(before)
        expect(await fresh.getSubscription('e1')).toMatchObject({
          status: 'ended',
          reason: 'expired',
        })
        // Published after it expired: never queued, even before anyone ended it.
        await fresh.createSubscription(sub('e2', { expires: new Date(time()).toISOString() }))
        expect((await publishPing(fresh, key, 'e-b', time())).deliveries).toBe(0)
        await fresh.close()
      })

      it('[DLV-SUB-012] ends a subscription whose deliveries all failed for 5 days, not before, and keeps it when a success starts the count again', async () => {
        const { time, fresh, worker, sub, publish } = await setup()
        await fresh.createSubscription(sub('f1'))
        sink.script([{ status: 500 }])
        const t0 = time()
        await publish(1, 'f-a')
        expect(await worker.runOnce()).toMatchObject({ retried: 1 })
        expect((await fresh.getSubscription('f1'))?.failingSince).toBe(new Date(t0).toISOString())
        // A success clears the count.
        sink.script([{ status: 202 }])
        time.advance(3_600_000)
        expect(await runClaiming(worker)).toMatchObject({ delivered: 1 })
        expect((await fresh.getSubscription('f1'))?.failingSince).toBeUndefined()
        // From here on every attempt fails.
        sink.script([{ status: 503 }])
        const start = time()
        for (let day = 0; day < 5; day++) {
          await publish(1, `f-day-${day}`)
          await worker.runOnce()
          expect((await fresh.getSubscription('f1'))?.status).toBe('active')
          time.advance(86_400_000 - 1)
        }
        expect((await fresh.getSubscription('f1'))?.failingSince).toBe(
          new Date(start).toISOString(),
        )
        time.set(start + SUBSCRIPTION_FAILURE_PERIOD * 1000)
        await publish(1, 'f-last')
        const run = await worker.runOnce()
        expect(run.ended).toBeGreaterThan(0)
        expect(await fresh.getSubscription('f1')).toMatchObject({
          status: 'ended',
          reason: 'failing',
        })
        expect(await fresh.listDeliveries({ subscriptionId: 'f1', status: 'pending' })).toEqual([])
        sink.script([{ status: 202 }])
        await fresh.close()
      })

      it('[DLV-RTY-003] on 410 ends the subscription (reason gone), cancels its pending deliveries and never delivers to it again', async () => {
        const { fresh, worker, sub, publish } = await setup({ concurrency: 1, batchSize: 1 })
        await fresh.createSubscription(sub('g1'))
        await publish(3, 'g')
        sink.script([{ status: 410 }])
        const before = sink.bodies.length
        expect(await worker.runOnce()).toMatchObject({ ended: 1 })
        expect(await worker.runOnce()).toMatchObject({ claimed: 0 })
        expect(sink.bodies.length).toBe(before + 1)
        expect(await fresh.getSubscription('g1')).toMatchObject({ status: 'ended', reason: 'gone' })
        expect(
          await fresh.listDeliveries({ subscriptionId: 'g1', status: 'cancelled' }),
        ).toHaveLength(2)
        await publish(1, 'g-after')
        expect(await fresh.listDeliveries({ subscriptionId: 'g1', status: 'pending' })).toEqual([])
        sink.script([{ status: 202 }])
        await fresh.close()
      })

      it("[DLV-SUB-013] publishes subscription.ended with the reason into the group's feed and delivers it to the group's other subscriptions, never to the ended one", async () => {
        const { fresh, worker, sub, publish } = await setup({
          isInstalled: (_group, tool) => tool !== 'https://dashboard.example',
        })
        await fresh.createSubscription(sub('n1'))
        await fresh.createSubscription(
          sub('n2', { subscriber: 'https://calendar.example', types: ['tech.collaborative.*'] }),
        )
        await fresh.createSubscription(
          sub('n3', { subscriber: 'https://map.example', types: ['tech.collaborative.ping'] }),
        )
        await publish(1, 'n')
        await worker.runOnce()
        const events = await endedEvents(fresh)
        expect(events).toHaveLength(1)
        const [event] = events
        expect(event?.data.endReason).toBe('uninstalled')
        expect(event?.data.object.attributedTo).toBe('https://dashboard.example')
        expect(event?.data.object.id).toBe(`${PRODUCER}/cta/subscriptions/n1`)
        expect(validateDocument(event).valid).toBe(true)
        const queued = async (id: string) =>
          (await fresh.listDeliveries({ subscriptionId: id })).map((d) => d.eventId)
        expect(await queued('n2')).toContain(event?.id)
        expect(await queued('n3')).not.toContain(event?.id)
        expect(await queued('n1')).not.toContain(event?.id)
        // Ending it again publishes nothing more: the event's id comes from the subscription's.
        await fresh.endSubscription('n1', new Date(), 'uninstalled')
        expect(await endedEvents(fresh)).toHaveLength(1)
        await fresh.close()
      })
    })
  })
}

/**
 * Runs the worker until it claims something (at most about 3 s): JetStream hands a retried
 * delivery back only after a short real delay (`recheck`), whatever the test's clock says.
 */
async function runClaiming(worker: { runOnce(): Promise<{ claimed: number }> }) {
  for (let i = 0; ; i++) {
    const result = await worker.runOnce()
    if (result.claimed > 0 || i >= 60) return result
    await sleep(50)
  }
}

/** Publishes one signed ping at `time` and returns what the store queued. */
async function publishPing(store: DeliveryStore, key: SigningKey, id: string, time: number) {
  const [jws] = await signedPings(key, 1, { prefix: id, time: new Date(time) })
  return publishEvent(jws ?? '', { store, currentDate: new Date(time) })
}
