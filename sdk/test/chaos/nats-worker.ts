/**
 * A delivery worker of the JetStream chaos test, in its own process: it claims deliveries from the
 * test's nats-server and POSTs them to the receiver, until the test SIGKILLs it. It survives the
 * server's restarts: the connection reconnects, and a store call that fails ends the batch (the
 * leases run out and another worker, or this one, takes the deliveries again).
 */
import {
  createDeliveryWorker,
  createMemoryDeliveryStore,
  type Subscription,
} from '@cta-interop/sdk'
import { createJetStreamDeliveryStore } from '@cta-interop/sdk/nats'
import { connect } from '@nats-io/transport-node'

function env(name: string): string {
  const value = process.env[name]
  if (value === undefined) throw new TypeError(`${name} is not set`)
  return value
}

const nc = await connect({
  servers: env('CHAOS_NATS_URL'),
  maxReconnectAttempts: -1,
  reconnectTimeWait: 100,
  waitOnFirstConnect: true,
})
// The worker reads each delivery's subscription before attempting it (DLV-SUB-009); in a
// deployment they live in a shared database, here the test hands this process the one it made.
const state = createMemoryDeliveryStore()
await state.createSubscription(JSON.parse(env('CHAOS_SUBSCRIPTION')) as Subscription)
let store: Awaited<ReturnType<typeof createJetStreamDeliveryStore>> | undefined
while (store === undefined) {
  try {
    store = await createJetStreamDeliveryStore({
      connection: nc,
      state,
      prefix: env('CHAOS_PREFIX'),
      recheck: 500,
      ackWait: 3000,
    })
  } catch {
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
const worker = createDeliveryWorker({
  store,
  allowHttp: true,
  allowPrivateNetwork: true,
  concurrency: 32,
  batchSize: 128,
  // A killed worker's leases run out after 3 s; an attempt is bounded to 2 s.
  lease: 3,
  timeout: 2000,
  pollInterval: 20,
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
process.stdout.write('working\n')
