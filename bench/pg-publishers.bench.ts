// pg-publishers: events enqueued per second by the PostgreSQL delivery store, 20 subscriptions per
// event, from 16 concurrent publishers on 16 groups against 1 publisher (target: 16 faster than
// 1), and each against the same rows inserted by hand with plain INSERTs (one event row and its 20
// delivery rows per transaction, no lock) by as many publishers. Every configuration runs in a
// child process of its own on a fresh schema, so that neither the load nor the table's growth is
// in the figure; the four configurations rotate their order over at least 3 rounds.
//
// The store is imported from source (sdk/node/stores), so that the figure is the code in the tree
// whether or not dist/ was rebuilt; CTA_BENCH_PG_STORE names another copy of
// postgres-delivery-store.ts to compare (for example the code before a change).
import { pathToFileURL } from 'node:url'
import pg from 'pg'
import { forkLoad, serveLoad } from './lib/child.js'
import { roundsResult, summarise, type Bench, type BenchRound } from './lib/measure.js'

const URL_PG = process.env['CTA_BENCH_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test'
const GROUPS = 16
const SUBSCRIPTIONS = 20
/** Events per configuration and round: the same for 1 and 16 publishers. */
const EVENTS = Number(process.env['CTA_BENCH_PG_EVENTS'] ?? 960)
const ROUNDS = Math.max(3, Number(process.env['CTA_BENCH_ROUNDS'] ?? 3))
const CHILD = 'pg-publishers'
const STORE_MODULE =
  process.env['CTA_BENCH_PG_STORE'] ??
  new URL('../sdk/node/stores/postgres-delivery-store.ts', import.meta.url).href

const group = (g: number): string => `https://decisions.example/g/bench-${String(g)}`
const subscriptionIds = (g: number): string[] =>
  Array.from({ length: SUBSCRIPTIONS }, (_, i) => `g${String(g)}-s${String(i)}`)
const SINK = 'https://budgeting.example/inbox'
const JWS = `eyJhbGciOiJFZERTQSJ9.${'x'.repeat(900)}.${'y'.repeat(86)}`

type Mode = 'sdk' | 'raw'
interface LoadInput {
  readonly mode: Mode
  readonly schema: string
  readonly publishers: number
  readonly events: number
  readonly storeModule: string
}

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

/** Publishes `events` events from `publishers` concurrent loops; returns events per second. */
async function load(input: LoadInput): Promise<number> {
  const pool = new pg.Pool({ connectionString: URL_PG, max: input.publishers })
  try {
    let append: (i: number, g: number) => Promise<unknown>
    if (input.mode === 'sdk') {
      const { createPostgresDeliveryStore } = (await import(input.storeModule)) as StoreModule
      const store = await createPostgresDeliveryStore({ pool, schema: input.schema })
      append = (i, g) =>
        store.enqueue(
          {
            source: 'https://decisions.example',
            id: `evt-${String(i)}`,
            type: 'tech.collaborative.ping',
            group: group(g),
            jws: JWS,
          },
          subscriptionIds(g),
          new Date(),
        )
    } else {
      const s = `"${input.schema}"`
      const values = Array.from(
        { length: SUBSCRIPTIONS },
        (_, k) =>
          `($1, $${String(k + 3)}, $2, 'pending', $${String(SUBSCRIPTIONS + 3)}, ` +
          `$${String(SUBSCRIPTIONS + 3)}, $${String(SUBSCRIPTIONS + 3)})`,
      ).join(', ')
      append = async (i, g) => {
        const client = await pool.connect()
        try {
          const t = Date.now()
          await client.query('BEGIN')
          const { rows } = await client.query<{ seq: string }>(
            `INSERT INTO ${s}.events (source, event_id, type, grp, jws, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING seq`,
            [
              'https://decisions.example',
              `evt-${String(i)}`,
              'tech.collaborative.ping',
              group(g),
              JWS,
              t,
            ],
          )
          await client.query(
            `INSERT INTO ${s}.deliveries
             (event_seq, subscription_id, sink, status, due_at, created_at, updated_at)
             VALUES ${values}`,
            [rows[0]?.seq, SINK, ...subscriptionIds(g), t],
          )
          await client.query('COMMIT')
        } finally {
          client.release()
        }
      }
    }
    // Warm-up: one event per publisher (connections open, statements planned), not counted.
    await Promise.all(
      Array.from({ length: input.publishers }, (_, p) => append(1_000_000 + p, p % GROUPS)),
    )
    let next = 0
    const start = performance.now()
    await Promise.all(
      Array.from({ length: input.publishers }, async (_, p) => {
        // One publisher cycles through every group; 16 publishers own a group each.
        while (next < input.events) {
          const i = next++
          await append(i, input.publishers === 1 ? i % GROUPS : p % GROUPS)
        }
      }),
    )
    return (input.events / (performance.now() - start)) * 1000
  } finally {
    await pool.end()
  }
}

if (process.env['CTA_BENCH_CHILD'] === CHILD) serveLoad(load)

/** A fresh schema with the store's tables and 20 subscriptions per group, made by the store. */
async function prepare(schema: string, storeModule: string): Promise<void> {
  const pool = new pg.Pool({ connectionString: URL_PG, max: 2 })
  try {
    const { createPostgresDeliveryStore } = (await import(storeModule)) as StoreModule
    const store = await createPostgresDeliveryStore({ pool, schema })
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

async function drop(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: URL_PG })
  await client.connect()
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  await client.end()
}

interface Config {
  readonly key: 'sdk1' | 'sdk16' | 'raw1' | 'raw16'
  readonly mode: Mode
  readonly publishers: number
}
const CONFIGS: readonly Config[] = [
  { key: 'sdk1', mode: 'sdk', publishers: 1 },
  { key: 'sdk16', mode: 'sdk', publishers: 16 },
  { key: 'raw1', mode: 'raw', publishers: 1 },
  { key: 'raw16', mode: 'raw', publishers: 16 },
]

export const run: Bench = async () => {
  const storeModule = STORE_MODULE.startsWith('file:')
    ? STORE_MODULE
    : pathToFileURL(STORE_MODULE).href
  const measured: Record<Config['key'], number>[] = []
  const orders: Config['key'][][] = []
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order, so that no configuration always runs first (or last).
    const order = CONFIGS.map((_, i) => CONFIGS[(i + round) % CONFIGS.length] as Config)
    orders.push(order.map((c) => c.key))
    const values = {} as Record<Config['key'], number>
    for (const config of order) {
      const schema = `bench_pgpub_${String(process.pid)}_${String(round)}_${config.key}`
      await drop(schema)
      await prepare(schema, storeModule)
      try {
        values[config.key] = await forkLoad<number>(
          new URL(import.meta.url),
          {
            mode: config.mode,
            schema,
            publishers: config.publishers,
            events: EVENTS,
            storeModule,
          } satisfies LoadInput,
          { env: { CTA_BENCH_CHILD: CHILD } },
        )
      } finally {
        await drop(schema)
      }
    }
    process.stderr.write(
      `  pg-publishers round ${String(round + 1)}: ${CONFIGS.map((c) => `${c.key} ${values[c.key].toFixed(0)}/s`).join(', ')}\n`,
    )
    measured.push(values)
  }
  const pairs = (subject: Config['key'], baseline: Config['key']): BenchRound[] =>
    measured.map((v, round) => ({
      value: v[subject],
      baselineValue: v[baseline],
      ratio: v[subject] / v[baseline],
      first:
        (orders[round]?.indexOf(subject) ?? 0) < (orders[round]?.indexOf(baseline) ?? 0)
          ? 'subject'
          : 'baseline',
    }))
  const common = {
    unit: 'events/s',
    higherIsBetter: true,
    notes:
      `${String(EVENTS)} events per configuration and round, ${String(SUBSCRIPTIONS)} subscriptions per event, ` +
      `${String(GROUPS)} groups, each configuration in its own child process on a fresh schema; ` +
      `round orders: ${orders.map((o) => o.join(' → ')).join('; ')}`,
  }
  return [
    roundsResult(
      {
        ...common,
        name: 'pg-publishers-16-vs-1',
        baseline: 'the same store, 1 publisher over the 16 groups',
        target: 1,
      },
      summarise(pairs('sdk16', 'sdk1')),
    ),
    roundsResult(
      {
        ...common,
        name: 'pg-publishers-16-vs-raw',
        baseline: 'the same rows by plain INSERTs, 16 publishers',
        target: null,
      },
      summarise(pairs('sdk16', 'raw16')),
    ),
    roundsResult(
      {
        ...common,
        name: 'pg-publishers-1-vs-raw',
        baseline: 'the same rows by plain INSERTs, 1 publisher',
        target: null,
      },
      summarise(pairs('sdk1', 'raw1')),
    ),
  ]
}
