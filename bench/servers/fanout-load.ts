// A load process of bench/fanout.bench.ts: publishes a slice of the events through a delivery
// store, or claims and completes deliveries, or both (PGlite, which one process owns), or
// publishes the same messages raw to JetStream (the baseline). It prints `ready` once set up,
// starts on `go` (stdin), prints `done <n>` as it completes deliveries (or publishes, raw), and
// exits on `stop`.
import { createInterface } from 'node:readline'
import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { jetstream } from '@nats-io/jetstream'
import { createMemoryDeliveryStore, type DeliveryStore } from '@cta-interop/sdk'
import { createPgliteDeliveryStore, createPostgresDeliveryStore } from '@cta-interop/sdk/node'
import { createJetStreamDeliveryStore } from '@cta-interop/sdk/nats'

const env = (name: string): string => {
  const value = process.env[name]
  if (value === undefined) throw new TypeError(`${name} is not set`)
  return value
}
const role = env('FANOUT_ROLE')
const kind = env('FANOUT_STORE')
const from = Number(env('FANOUT_FROM'))
const to = Number(env('FANOUT_TO'))
const concurrency = Number(env('FANOUT_CONCURRENCY'))
const groups = Number(env('FANOUT_GROUPS'))
const subs = Number(env('FANOUT_SUBS'))
const jws = (i: number) => `${'x'.repeat(1200)}.${String(i)}`
const groupOf = (i: number) => `https://hub.example/g/${String(i % groups)}`
const subsOf = (i: number) =>
  Array.from({ length: subs }, (_, s) => `s${String(i % groups)}-${String(s)}`)

let nc: NatsConnection | undefined
let pool: pg.Pool | undefined
let pglite: PGlite | undefined
let store: DeliveryStore | undefined
let raw: (() => Promise<number>) | undefined

if (kind === 'pg') {
  pool = new pg.Pool({ connectionString: env('FANOUT_PG_URL'), max: concurrency + 2 })
  store = await createPostgresDeliveryStore({ pool, schema: env('FANOUT_SCHEMA') })
} else if (kind === 'pglite') {
  pglite = await PGlite.create(env('FANOUT_DIR'))
  store = await createPgliteDeliveryStore({ db: pglite, schema: 'fanout' })
} else {
  nc = await connect({ servers: env('FANOUT_NATS_URL') })
  if (kind === 'nats') {
    // Publishers read subscriptions from their state store (PostgreSQL in production): here each
    // process holds the same ones in memory, so that the figure is JetStream's alone.
    const state = createMemoryDeliveryStore()
    store = await createJetStreamDeliveryStore({
      connection: nc,
      state,
      prefix: env('FANOUT_PREFIX'),
    })
  } else {
    const js = jetstream(nc)
    const subject = `${env('FANOUT_PREFIX')}.raw`
    // The same messages as the store's work queue (one per event and subscription), published the
    // way the store does: an event's messages together, `concurrency` events in flight.
    raw = async () => {
      let next = from
      let sent = 0
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < to) {
            const i = next++
            await Promise.all(
              Array.from({ length: subs }, async (_, s) => {
                await js.publish(subject, jws(i), { msgID: `${String(i)}.${String(s)}` })
                sent++
              }),
            )
          }
        }),
      )
      return sent
    }
  }
}
if (store !== undefined && (role === 'publish' || role === 'both') && kind !== 'pg') {
  for (let g = 0; g < groups; g++) {
    for (const id of subsOf(g)) {
      if ((await store.getSubscription(id)) !== undefined) continue
      await store.createSubscription({
        id,
        subscriber: 'https://tool.example',
        sink: `https://tool.example/inbox/${id}`,
        group: groupOf(g),
        status: 'active',
        created: new Date().toISOString(),
      })
    }
  }
}

let done = 0
let stopping = false
const report = () => process.stdout.write(`done ${String(done)}\n`)

async function publish(s: DeliveryStore): Promise<void> {
  let next = from
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < to) {
        const i = next++
        await s.enqueue(
          {
            source: 'https://hub.example',
            id: `e${String(i)}`,
            type: 'tech.collaborative.ping',
            group: groupOf(i),
            jws: jws(i),
          },
          subsOf(i),
          new Date(),
        )
      }
    }),
  )
}

async function work(s: DeliveryStore): Promise<void> {
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (!stopping) {
        const claimed = await s.claimDeliveries({ now: new Date(), limit: 64, leaseMs: 60_000 })
        if (claimed.length === 0) {
          await new Promise((resolve) => setTimeout(resolve, 5))
          continue
        }
        await Promise.all(
          claimed.map(async (d) => {
            if (await s.completeDelivery(d.id, d.leaseToken, { at: new Date(), status: 200 }))
              done++
          }),
        )
      }
    }),
  )
}

const lines = createInterface({ input: process.stdin })
let running: Promise<unknown> = Promise.resolve()
lines.on('line', (line) => {
  if (line === 'go') {
    const timer = setInterval(report, 50)
    running = (async () => {
      if (raw !== undefined) done = await raw()
      else if (store !== undefined) {
        if (role === 'publish') await publish(store)
        else if (role === 'work') await work(store)
        else await Promise.all([publish(store), work(store)])
      }
    })().finally(() => {
      clearInterval(timer)
      report()
      process.stdout.write('finished\n')
    })
  } else if (line === 'stop') {
    stopping = true
    void running.then(async () => {
      await store?.close()
      await nc?.close()
      await pool?.end()
      await pglite?.close()
      process.exit(0)
    })
  }
})
process.stdout.write('ready\n')
