// pg-drain: a deep outbox drained by the delivery worker on the PostgreSQL store. Each round
// enqueues 100,000 deliveries (5,000 events × 20 subscriptions over 16 groups, 8 publishers) in
// one child process, then drains them in another with `createDeliveryWorker` (defaults: batch
// 32, 8 lanes) whose fetch is a stub answering 202, so that the store is what is measured. The
// drain rate of each tenth of the queue is recorded: the target is a flat drain, the slowest tenth
// at least 0.5× the fastest (a claim that reads every pending row makes the first tenths slow).
// Both sides open their pool's connections before the clock starts (a cold start is not the
// queue's depth). The baseline, alternating with it, is the same rows bulk-inserted by hand into the same tables
// (then analysed) and drained by hand (claim 32 with FOR UPDATE SKIP LOCKED, 8 lanes, one UPDATE
// per delivery).
//
// CTA_BENCH_DRAIN_DELIVERIES sets the queue's depth (default 100,000). The store is imported from
// source (sdk/node/stores); CTA_BENCH_PG_STORE names another copy of postgres-delivery-store.ts.
import { pathToFileURL } from 'node:url'
import pg from 'pg'
import { createDeliveryWorker } from '@cta-interop/sdk'
import { forkLoad, serveLoad } from './lib/child.js'
import { roundsResult, summarise, type Bench, type BenchRound } from './lib/measure.js'

const URL_PG = process.env['CTA_BENCH_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test'
const DELIVERIES = Number(process.env['CTA_BENCH_DRAIN_DELIVERIES'] ?? 100_000)
const SUBSCRIPTIONS = 20
const GROUPS = 16
const EVENTS = Math.ceil(DELIVERIES / SUBSCRIPTIONS)
const PUBLISHERS = 8
const ROUNDS = Math.max(3, Number(process.env['CTA_BENCH_ROUNDS'] ?? 3))
const CHILD = 'pg-drain'
const STORE_MODULE =
  process.env['CTA_BENCH_PG_STORE'] ??
  new URL('../sdk/node/stores/postgres-delivery-store.ts', import.meta.url).href

const SINK = 'https://budgeting.example/inbox'
const JWS = `eyJhbGciOiJFZERTQSJ9.${'x'.repeat(900)}.${'y'.repeat(86)}`
const group = (g: number): string => `https://decisions.example/g/bench-${String(g)}`
const subscriptionIds = (g: number): string[] =>
  Array.from({ length: SUBSCRIPTIONS }, (_, i) => `g${String(g)}-s${String(i)}`)
const stubFetch = (): Promise<Response> => Promise.resolve(new Response(null, { status: 202 }))

interface Store {
  enqueue(
    event: { source: string; id: string; type: string; group: string; jws: string },
    ids: readonly string[],
    at: Date,
  ): Promise<unknown>
  createSubscription(sub: Record<string, unknown>): Promise<void>
  close(): Promise<void>
}
interface StoreModule {
  readonly createPostgresDeliveryStore: (options: {
    pool: pg.Pool
    schema: string
  }) => Promise<Store>
}

interface Task {
  readonly task: 'fill-sdk' | 'drain-sdk' | 'fill-raw' | 'drain-raw'
  readonly schema: string
  readonly storeModule: string
}

/** A drain: overall deliveries per second, and the rate of each tenth of the queue. */
interface Drained {
  readonly rate: number
  readonly tenths: number[]
  readonly seconds: number
}

/** Drains `total` deliveries with `step` (which returns how many it finished, 0 when none). */
async function drain(total: number, step: () => Promise<number>): Promise<Drained> {
  const tenths: number[] = []
  const start = performance.now()
  let sliceStart = start
  let done = 0
  let boundary = 1
  while (done < total) {
    const n = await step()
    if (n === 0) throw new Error(`the queue ran dry after ${String(done)} of ${String(total)}`)
    done += n
    while (boundary <= 10 && done >= (total * boundary) / 10) {
      const t = performance.now()
      const size = total / 10
      tenths.push((size / (t - sliceStart)) * 1000)
      sliceStart = t
      boundary++
    }
  }
  const seconds = (performance.now() - start) / 1000
  return { rate: done / seconds, tenths, seconds }
}

/** Opens every connection of `pool` before a drain is timed, on both sides alike. */
async function connectAll(pool: pg.Pool): Promise<void> {
  const clients = await Promise.all(Array.from({ length: 10 }, () => pool.connect()))
  for (const client of clients) client.release()
}

async function task(input: Task): Promise<number | Drained> {
  const pool = new pg.Pool({ connectionString: URL_PG, max: 10 })
  const s = `"${input.schema}"`
  try {
    switch (input.task) {
      case 'fill-sdk': {
        const { createPostgresDeliveryStore } = (await import(input.storeModule)) as StoreModule
        const store = await createPostgresDeliveryStore({ pool, schema: input.schema })
        let next = 0
        const start = performance.now()
        await Promise.all(
          Array.from({ length: PUBLISHERS }, async () => {
            while (next < EVENTS) {
              const i = next++
              await store.enqueue(
                {
                  source: 'https://decisions.example',
                  id: `evt-${String(i)}`,
                  type: 'tech.collaborative.ping',
                  group: group(i % GROUPS),
                  jws: JWS,
                },
                subscriptionIds(i % GROUPS),
                new Date(),
              )
            }
          }),
        )
        return (EVENTS / (performance.now() - start)) * 1000
      }
      case 'drain-sdk': {
        const { createPostgresDeliveryStore } = (await import(input.storeModule)) as StoreModule
        const store = await createPostgresDeliveryStore({ pool, schema: input.schema })
        const worker = createDeliveryWorker({
          store: store as unknown as Parameters<typeof createDeliveryWorker>[0]['store'],
          fetch: stubFetch,
        })
        await connectAll(pool)
        return await drain(EVENTS * SUBSCRIPTIONS, async () => {
          const counts = await worker.runOnce()
          if (counts.delivered !== counts.claimed) throw new Error(JSON.stringify(counts))
          return counts.delivered
        })
      }
      case 'fill-raw': {
        const start = performance.now()
        const t = Date.now()
        await pool.query(
          `INSERT INTO ${s}.events (source, event_id, type, grp, jws, created_at)
           SELECT 'https://decisions.example', 'evt-' || i, 'tech.collaborative.ping',
                  'https://decisions.example/g/bench-' || (i % ${String(GROUPS)}), $1, $2
           FROM generate_series(0, ${String(EVENTS - 1)}) AS i`,
          [JWS, t],
        )
        await pool.query(
          `INSERT INTO ${s}.deliveries
           (event_seq, subscription_id, sink, status, due_at, created_at, updated_at)
           SELECT e.seq, 's' || k, $1, 'pending', $2, $2, $2
           FROM ${s}.events e, generate_series(0, ${String(SUBSCRIPTIONS - 1)}) AS k
           ORDER BY e.seq, k`,
          [SINK, t],
        )
        // A hand-written bulk load analyses what it loaded: the baseline's claims then walk the
        // due index from the first one (without it they read every pending row, as the SDK's did).
        await pool.query(`ANALYZE ${s}.deliveries`)
        return (EVENTS / (performance.now() - start)) * 1000
      }
      case 'drain-raw': {
        const claim = `WITH due AS (
            SELECT id FROM ${s}.deliveries
            WHERE status = 'pending' AND due_at <= $1 AND lease_until <= $1
            ORDER BY due_at, id LIMIT 32 FOR UPDATE SKIP LOCKED)
          UPDATE ${s}.deliveries d SET lease_token = $2, lease_until = $3, attempts = d.attempts + 1
          FROM due, ${s}.events e WHERE d.id = due.id AND e.seq = d.event_seq
          RETURNING d.id, d.sink, e.jws`
        await connectAll(pool)
        return await drain(EVENTS * SUBSCRIPTIONS, async () => {
          const t = Date.now()
          const token = crypto.randomUUID()
          const { rows } = await pool.query<{ id: string; sink: string; jws: string }>(claim, [
            t,
            token,
            t + 60_000,
          ])
          let next = 0
          await Promise.all(
            Array.from({ length: Math.min(8, rows.length) }, async () => {
              while (next < rows.length) {
                const row = rows[next++] as { id: string; sink: string; jws: string }
                await stubFetch()
                await pool.query(
                  `UPDATE ${s}.deliveries SET status = 'delivered', lease_token = NULL
                   WHERE id = $1 AND lease_token = $2 AND status = 'pending'`,
                  [row.id, token],
                )
              }
            }),
          )
          return rows.length
        })
      }
    }
  } finally {
    await pool.end()
  }
}

if (process.env['CTA_BENCH_CHILD'] === CHILD) serveLoad(task)

async function withClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: URL_PG })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

/** A fresh schema with the store's tables (and subscriptions, for the SDK's round). */
async function prepare(schema: string, storeModule: string, subscriptions: boolean) {
  await withClient((c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`))
  const pool = new pg.Pool({ connectionString: URL_PG, max: 2 })
  try {
    const { createPostgresDeliveryStore } = (await import(storeModule)) as StoreModule
    const store = await createPostgresDeliveryStore({ pool, schema })
    if (!subscriptions) return
    for (let g = 0; g < GROUPS; g++) {
      for (const id of subscriptionIds(g)) {
        await store.createSubscription({
          id,
          subscriber: 'https://budgeting.example',
          sink: SINK,
          group: group(g),
          status: 'active',
          created: new Date().toISOString(),
        })
      }
    }
  } finally {
    await pool.end()
  }
}

/** Slowest tenth over fastest tenth of a drain. */
const flatnessOf = (d: Drained): number => Math.min(...d.tenths) / Math.max(...d.tenths)

const fmt = (xs: readonly number[]): string => xs.map((x) => x.toFixed(0)).join(', ')

export const run: Bench = async () => {
  const storeModule = STORE_MODULE.startsWith('file:')
    ? STORE_MODULE
    : pathToFileURL(STORE_MODULE).href
  const child = <T>(input: Task) =>
    forkLoad<T>(new URL(import.meta.url), input, {
      env: { CTA_BENCH_CHILD: CHILD },
      timeoutMs: 1_800_000,
    })
  const side = async (kind: 'sdk' | 'raw', round: number) => {
    const schema = `bench_pgdrain_${String(process.pid)}_${String(round)}_${kind}`
    await prepare(schema, storeModule, kind === 'sdk')
    try {
      const fill = await child<number>({ task: `fill-${kind}`, schema, storeModule })
      const drained = await child<Drained>({ task: `drain-${kind}`, schema, storeModule })
      process.stderr.write(
        `  pg-drain round ${String(round + 1)} ${kind}: fill ${fill.toFixed(0)} events/s, ` +
          `drain ${drained.rate.toFixed(0)}/s in ${drained.seconds.toFixed(1)} s; ` +
          `tenths ${fmt(drained.tenths)}\n`,
      )
      return drained
    } finally {
      await withClient((c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`))
    }
  }
  const sdk: Drained[] = []
  const raw: Drained[] = []
  const vsRaw: BenchRound[] = []
  for (let round = 0; round < ROUNDS; round++) {
    const first = round % 2 === 0 ? 'baseline' : 'subject'
    let s: Drained
    let r: Drained
    if (first === 'baseline') {
      r = await side('raw', round)
      s = await side('sdk', round)
    } else {
      s = await side('sdk', round)
      r = await side('raw', round)
    }
    sdk.push(s)
    raw.push(r)
    vsRaw.push({ value: s.rate, baselineValue: r.rate, ratio: s.rate / r.rate, first })
  }
  const flatness: BenchRound[] = sdk.map((d, round) => {
    const slowest = Math.min(...d.tenths)
    const fastest = Math.max(...d.tenths)
    return {
      value: slowest,
      baselineValue: fastest,
      ratio: flatnessOf(d),
      first: vsRaw[round]?.first ?? 'subject',
    }
  })
  const tenths = (ds: readonly Drained[]) =>
    ds.map((d, i) => `round ${String(i + 1)}: ${fmt(d.tenths)}`).join('; ')
  const depth = `${String(EVENTS * SUBSCRIPTIONS)} deliveries (${String(EVENTS)} events × ${String(SUBSCRIPTIONS)} subscriptions, ${String(GROUPS)} groups)`
  return [
    roundsResult(
      {
        name: 'pg-drain-flatness',
        unit: 'deliveries/s (slowest tenth)',
        baseline: 'fastest tenth of the same drain',
        target: 0.5,
        higherIsBetter: true,
        notes:
          `SDK worker draining ${depth} right after they were enqueued; deliveries/s per tenth, ${tenths(sdk)}. ` +
          `Noise reference: the hand-written drain of the same rows, in the same rounds, has a flatness ` +
          `(slowest / fastest tenth) of ${raw
            .map(flatnessOf)
            .map((x) => x.toFixed(2))
            .join(' / ')}`,
      },
      summarise(flatness),
    ),
    roundsResult(
      {
        name: 'pg-drain-vs-raw',
        unit: 'deliveries/s',
        baseline: 'the same rows bulk-inserted, analysed and drained by hand (claim 32, 8 lanes)',
        target: null,
        higherIsBetter: true,
        notes: `${depth}; raw deliveries/s per tenth, ${tenths(raw)}`,
      },
      summarise(vsRaw),
    ),
  ]
}
