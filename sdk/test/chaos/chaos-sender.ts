/**
 * The sending tool of the exactly-once chaos test: opens its outbox (PostgreSQL or PGlite),
 * publishes the events with fixed ids that are not in its feed yet (publishing is idempotent, and a
 * restart resumes where a killed run stopped), and runs a delivery worker until nothing is pending.
 * The test SIGKILLs it mid-delivery and starts it again on the same outbox.
 * Run with `node --import tsx chaos-sender.ts`; configured by environment variables (CHAOS_*).
 */
import {
  createDeliveryWorker,
  createEvent,
  importSigningKey,
  publishEvent,
  signEvent,
} from '@cta-interop/sdk'
import { createPgliteDeliveryStore, createPostgresDeliveryStore } from '@cta-interop/sdk/node'

function env(name: string): string {
  const value = process.env[name]
  if (value === undefined) throw new TypeError(`${name} is not set`)
  return value
}

const source = env('CHAOS_SOURCE')
const group = env('CHAOS_GROUP')
const sink = env('CHAOS_SINK')
const count = Number(env('CHAOS_EVENTS'))
const time = env('CHAOS_TIME')
const key = await importSigningKey(JSON.parse(env('CHAOS_KEY')) as Record<string, string>)
const store =
  env('CHAOS_STORE') === 'pglite'
    ? await createPgliteDeliveryStore({ dataDir: env('CHAOS_DIR'), schema: 'outbox' })
    : await createPostgresDeliveryStore({
        connectionString: env('CHAOS_PG_URL'),
        schema: 'outbox',
        max: 4,
      })

if ((await store.getSubscription('chaos')) === undefined) {
  await store.createSubscription({
    id: 'chaos',
    subscriber: new URL(sink).origin,
    sink,
    group,
    status: 'active',
    created: new Date().toISOString(),
  })
}
// The worker delivers while the events are being published.
const worker = createDeliveryWorker({
  store,
  allowHttp: true,
  allowPrivateNetwork: true,
  concurrency: 8,
  batchSize: 16,
  // A killed sender's leases run out after 2 s; an attempt is bounded to 1.5 s.
  lease: 2,
  timeout: 1500,
  pollInterval: 25,
  retry: {
    initialDelay: 0.1,
    multiplier: 1.5,
    maxDelay: 0.5,
    jitter: 0.1,
    maxAttempts: 10_000,
    horizon: 3600,
    maxRetryAfter: 1,
  },
  onError: (error) => process.stderr.write(`worker: ${String(error)}\n`),
})
worker.start()
// Events are published in id order, so the feed's length says where a killed run stopped.
const published = (await store.readFeed({ group, limit: count })).length
for (let i = published; i < count; i++) {
  const event = createEvent(
    'tech.collaborative.ping',
    {
      type: 'Create',
      actor: { id: source, type: 'Application', name: 'Sender' },
      object: { type: 'Note', content: `event ${i}` },
      summary: `Sender says ${i}`,
      published: time,
      url: `${source}/cta`,
      audience: group,
    },
    { source, id: `chaos-${String(i).padStart(4, '0')}`, time },
  )
  await publishEvent(await signEvent(event, key), { store })
}
process.stdout.write('published\n')

for (;;) {
  await new Promise((resolve) => setTimeout(resolve, 100))
  const [pending] = await store.listDeliveries({ status: 'pending', limit: 1 })
  if (pending === undefined) break
}
await worker.stop()
await store.close()
process.stdout.write('drained\n')
