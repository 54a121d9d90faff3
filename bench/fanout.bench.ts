// Fan-out (issue 14, §3): deliveries per second (events × subscriptions, each enqueued, claimed
// and completed through the store) for the PostgreSQL store with 1 and 16 publishers, PGlite,
// and the JetStream store with 1 and 2 worker processes; each against raw JetStream publish of
// the same messages (events × subscriptions messages of the same size, from one process, each
// event's messages published together with the same number of events in flight as the store's
// publisher) in the same round. Publishers and workers run in their own processes, started and
// ready before the clock starts; 5 rounds alternate subject and baseline (min / median / max).
// The target (≥ 0.5× median) names `fanout-jetstream-1-worker`; the others are reported.
// No HTTP: the figure is the store's work, not the sinks'.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { connect } from '@nats-io/transport-node'
import { createMemoryDeliveryStore } from '@cta-interop/sdk'
import { createPostgresDeliveryStore } from '@cta-interop/sdk/node'
import { createJetStreamDeliveryStore } from '@cta-interop/sdk/nats'
import { startNatsServer, type NatsServer } from '../sdk/test/helpers/nats-server.js'
import {
  alternate,
  roundsResult,
  type Bench,
  type BenchResult,
  type Measured,
} from './lib/measure.js'

const LOAD = fileURLToPath(new URL('./servers/fanout-load.ts', import.meta.url))
const ROOT = fileURLToPath(new URL('../', import.meta.url))
const POSTGRES_URL =
  process.env['CTA_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test'
const EVENTS = Number(process.env['CTA_BENCH_FANOUT_EVENTS'] ?? 400)
const SUBS = 8
const GROUPS = 16
const IN_FLIGHT = 16
const ROUNDS = Number(process.env['CTA_BENCH_FANOUT_ROUNDS'] ?? 5)
/** `jetstream` measures the JetStream figures only (a quicker look while working on the store). */
const ONLY = process.env['CTA_BENCH_FANOUT_ONLY']

interface Load {
  readonly process: ChildProcess
  done: number
  finished: boolean
  /** When (performance.now()) it printed `finished`. */
  finishedAt?: number
  readonly ready: Promise<void>
}

function load(env: Record<string, string>): Load {
  const child = spawn(process.execPath, ['--import', 'tsx', LOAD], {
    cwd: ROOT,
    env: { ...process.env, FANOUT_GROUPS: String(GROUPS), FANOUT_SUBS: String(SUBS), ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  let ready!: () => void
  let died!: () => void
  const l: Load = {
    process: child,
    done: 0,
    finished: false,
    ready: new Promise((resolve, reject) => {
      ready = resolve
      died = () => {
        reject(new Error('a load process died before it was ready'))
      }
    }),
  }
  child.once('exit', () => {
    died()
  })
  let partial = ''
  child.stdout.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split('\n')
    partial = parts.pop() ?? ''
    for (const line of parts) {
      if (line === 'ready') ready()
      else if (line === 'finished') {
        l.finished = true
        l.finishedAt = performance.now()
      } else if (line.startsWith('done ')) l.done = Number(line.slice(5))
    }
  })
  return l
}

/**
 * Starts the loads together once all are ready; resolves with items per second when `count` items
 * are done, and in `detail` the seconds it took and when the last publisher (a load not counted)
 * finished: which side held the figure back.
 */
async function drive(
  loads: readonly Load[],
  counted: readonly Load[],
  count: number,
): Promise<Exclude<Measured, number>> {
  await Promise.all(loads.map((l) => l.ready))
  const start = performance.now()
  for (const l of loads) l.process.stdin?.write('go\n')
  for (;;) {
    const done = counted.reduce((n, l) => n + l.done, 0)
    if (done >= count) break
    if (loads.some((l) => l.process.exitCode !== null)) throw new Error('a load process died')
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  const seconds = (performance.now() - start) / 1000
  await Promise.all(
    loads.map(
      (l) =>
        new Promise<void>((resolve) => {
          l.process.once('exit', () => {
            resolve()
          })
          l.process.stdin?.write('stop\n')
        }),
    ),
  )
  const publishers = loads.filter((l) => !counted.includes(l))
  const published = publishers.map((l) => ((l.finishedAt ?? Infinity) - start) / 1000)
  return {
    value: count / seconds,
    detail: {
      seconds: Number(seconds.toFixed(3)),
      ...(published.length === 0
        ? {}
        : { publishersDoneSeconds: Number(Math.max(...published).toFixed(3)) }),
    },
  }
}

const slices = (n: number): [number, number][] =>
  Array.from({ length: n }, (_, i) => [
    Math.floor((i * EVENTS) / n),
    Math.floor(((i + 1) * EVENTS) / n),
  ])

let counter = 0
const unique = () => `F${String(process.pid)}_${String(++counter)}`

async function rawPublish(nats: NatsServer): Promise<Measured> {
  const prefix = unique()
  const nc = await connect({ servers: nats.url })
  const jsm = await (await import('@nats-io/jetstream')).jetstreamManager(nc)
  await jsm.streams.add({ name: prefix, subjects: [`${prefix}.raw`] })
  const l = load({
    FANOUT_ROLE: 'raw',
    FANOUT_STORE: 'raw',
    FANOUT_NATS_URL: nats.url,
    FANOUT_PREFIX: prefix,
    FANOUT_FROM: '0',
    FANOUT_TO: String(EVENTS),
    FANOUT_CONCURRENCY: String(IN_FLIGHT),
  })
  const rate = await drive([l], [l], EVENTS * SUBS)
  await jsm.streams.delete(prefix)
  await nc.close()
  return rate
}

async function jetStreamFanout(nats: NatsServer, workers: number): Promise<Measured> {
  const prefix = unique()
  const nc = await connect({ servers: nats.url })
  const store = await createJetStreamDeliveryStore({
    connection: nc,
    state: createMemoryDeliveryStore(),
    prefix,
  })
  const common = { FANOUT_STORE: 'nats', FANOUT_NATS_URL: nats.url, FANOUT_PREFIX: prefix }
  const publisher = load({
    ...common,
    FANOUT_ROLE: 'publish',
    FANOUT_FROM: '0',
    FANOUT_TO: String(EVENTS),
    FANOUT_CONCURRENCY: String(IN_FLIGHT),
  })
  const workerLoads = Array.from({ length: workers }, () =>
    load({
      ...common,
      FANOUT_ROLE: 'work',
      FANOUT_FROM: '0',
      FANOUT_TO: '0',
      FANOUT_CONCURRENCY: '4',
    }),
  )
  const rate = await drive([publisher, ...workerLoads], workerLoads, EVENTS * SUBS)
  await store.close()
  const jsm = await (await import('@nats-io/jetstream')).jetstreamManager(nc)
  for (const name of Object.values(store.names)) {
    if (name !== store.names.consumer) await jsm.streams.delete(name).catch(() => false)
  }
  await nc.close()
  return rate
}

async function postgresFanout(publishers: number): Promise<Measured> {
  const schema = `cta_fanout_${unique().toLowerCase()}`
  const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 2 })
  const store = await createPostgresDeliveryStore({ pool, schema })
  for (let g = 0; g < GROUPS; g++) {
    for (let s = 0; s < SUBS; s++) {
      await store.createSubscription({
        id: `s${String(g)}-${String(s)}`,
        subscriber: 'https://tool.example',
        sink: `https://tool.example/inbox/${String(g)}-${String(s)}`,
        group: `https://hub.example/g/${String(g)}`,
        status: 'active',
        created: new Date().toISOString(),
      })
    }
  }
  const common = { FANOUT_STORE: 'pg', FANOUT_PG_URL: POSTGRES_URL, FANOUT_SCHEMA: schema }
  // 16 publishers: 4 processes with 4 publishes in flight each (16 processes would not fit 2 cores).
  const processes = publishers === 1 ? 1 : 4
  const pubs = slices(processes).map(([a, b]) =>
    load({
      ...common,
      FANOUT_ROLE: 'publish',
      FANOUT_FROM: String(a),
      FANOUT_TO: String(b),
      FANOUT_CONCURRENCY: String(publishers / processes),
    }),
  )
  const worker = load({
    ...common,
    FANOUT_ROLE: 'work',
    FANOUT_FROM: '0',
    FANOUT_TO: '0',
    FANOUT_CONCURRENCY: '4',
  })
  const rate = await drive([...pubs, worker], [worker], EVENTS * SUBS)
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  await pool.end()
  return rate
}

async function pgliteFanout(): Promise<Measured> {
  const dir = mkdtempSync(join(tmpdir(), 'cta-fanout-'))
  try {
    const both = load({
      FANOUT_STORE: 'pglite',
      FANOUT_DIR: dir,
      FANOUT_ROLE: 'both',
      FANOUT_FROM: '0',
      FANOUT_TO: String(EVENTS),
      FANOUT_CONCURRENCY: '4',
    })
    return await drive([both], [both], EVENTS * SUBS)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

async function probePostgres(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 })
  try {
    await client.connect()
    return true
  } catch {
    return false
  } finally {
    await client.end().catch(() => undefined)
  }
}

export const run: Bench = async () => {
  const nats = await startNatsServer()
  const results: BenchResult[] = []
  const baseline = `raw JetStream publish of the same ${String(EVENTS * SUBS)} messages, ${String(IN_FLIGHT)} events × ${String(SUBS)} in flight, msgs/s`
  const figure = async (
    name: string,
    subject: () => Promise<Measured>,
    target: number | null,
    notes: string,
  ) => {
    process.stderr.write(`  ${name}…\n`)
    const measured = await alternate(subject, () => rawPublish(nats), { rounds: ROUNDS })
    results.push(
      roundsResult(
        { name, unit: 'deliveries/s', baseline, target, higherIsBetter: true, notes },
        measured,
      ),
    )
  }
  const shape = `${String(EVENTS)} events × ${String(SUBS)} subscriptions over ${String(GROUPS)} groups`
  try {
    await figure(
      'fanout-jetstream-1-worker',
      () => jetStreamFanout(nats, 1),
      0.5,
      `${shape}; 1 publisher process (${String(IN_FLIGHT)} in flight), 1 worker process; the target (≥ 0.5× raw publish, median) names this figure`,
    )
    await figure(
      'fanout-jetstream-2-workers',
      () => jetStreamFanout(nats, 2),
      null,
      `${shape}; 1 publisher process (${String(IN_FLIGHT)} in flight), 2 worker processes (reported; the target names the 1-worker figure)`,
    )
    if (ONLY === 'jetstream') return results
    if (await probePostgres()) {
      await figure(
        'fanout-postgres-1-publisher',
        () => postgresFanout(1),
        null,
        `${shape}; 1 publisher, 1 worker process`,
      )
      await figure(
        'fanout-postgres-16-publishers',
        () => postgresFanout(16),
        null,
        `${shape}; 16 publishers (4 processes × 4 in flight), 1 worker process`,
      )
    } else process.stderr.write('  SKIPPED: fanout on PostgreSQL: no server\n')
    await figure(
      'fanout-pglite',
      pgliteFanout,
      null,
      `${shape}; one process publishes and works (PGlite is embedded)`,
    )
  } finally {
    await nats.stop()
  }
  return results
}
