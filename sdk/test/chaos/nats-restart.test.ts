// Exactly once at the application on the JetStream delivery store (issue 14, §2): 10,000 events
// are published to one subscription while two delivery workers, each in its own process, are
// SIGKILLed mid-flight and restarted at random points of the run (6 kills, alternating), and the
// test's own nats-server is killed and restarted twice. The receiving application (an inbox with
// a dedupe store, in this process) counts its effects per event: at the end every event has
// exactly one, and every delivery is recorded delivered.
//
// The test waits on progress, never on a wall-clock guess: each wait lasts as long as effects (or
// recorded outcomes) keep coming, however slow a loaded machine makes them, and fails at once
// when a worker exits without being killed (a worker must outlive NATS timeouts and restarts).
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { connect } from '@nats-io/transport-node'
import { afterAll, describe, expect, it } from 'vitest'
import {
  createMemoryDeliveryStore,
  createEvent,
  generateSigningKey,
  publishEvent,
  signEvent,
  staticKeyResolver,
  toJwks,
  type Event,
} from '../../src/index.js'
import { createNodeInbox, nodeSignatureVerifier } from '../../node/index.js'
import { createJetStreamDeliveryStore } from '../../nats/index.js'
import { GROUP } from '../delivery/support.js'
import { ROOT } from '../helpers/documents.js'
import { natsServerMissing, startNatsServer, type NatsServer } from '../helpers/nats-server.js'

const SOURCE = 'https://sender.example'
const EVENTS = 10_000
const WORKERS = 2
const KILLS = 6
const PREFIX = 'CHAOS'
const WORKER = new URL('./nats-worker.ts', import.meta.url).pathname
const built = existsSync(`${ROOT}sdk/dist/nats.js`)
const missing = natsServerMissing()
if (missing !== undefined) console.warn(`SKIPPED: JetStream chaos run: ${missing}`)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
/**
 * How long a wait may see no progress at all before the run is declared stuck: far above the
 * longest legitimate pause (a server restart, then a lease's 3 s), so never reached by a slow run.
 */
const STALL = 120_000

interface Worker {
  readonly process: ChildProcess
  /** The test killed it (an exit otherwise is a crash). */
  killed: boolean
  /** Resolves once the worker has started working. */
  readonly ready: Promise<void>
}

const log: string[] = []
/** Workers that exited without the test killing them. */
const crashes: string[] = []
/** The subscription the test made, handed to each worker (they read it before each attempt). */
let subscription = ''

function startWorker(url: string): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER], {
    cwd: ROOT,
    env: {
      ...process.env,
      CHAOS_NATS_URL: url,
      CHAOS_PREFIX: PREFIX,
      CHAOS_SUBSCRIPTION: subscription,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stderr.on('data', (chunk: Buffer) => {
    // The last lines (a crash's stack comes last), after the chaos plan.
    log.push(chunk.toString())
    if (log.length > 50) log.splice(1, 1)
  })
  const ready = new Promise<void>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('working')) resolve()
    })
    child.once('exit', (code, signal) => {
      if (!worker.killed)
        crashes.push(`worker ${String(child.pid)} exited (${String(code ?? signal)})`)
      resolve()
    })
  })
  const worker: Worker = { process: child, killed: false, ready }
  return worker
}

async function kill(worker: Worker): Promise<void> {
  const child = worker.process
  worker.killed = true
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGKILL')
  await exited
}

/**
 * Waits until `done()`, as long as `progress()` keeps growing: throws when it has not grown for
 * {@link STALL} ms (the run is stuck) or a worker crashed, with what the workers logged.
 */
async function waitFor(
  what: string,
  done: () => boolean | Promise<boolean>,
  progress: () => number | Promise<number>,
  every = 10,
): Promise<void> {
  let last = await progress()
  let since = Date.now()
  while (!(await done())) {
    if (crashes.length > 0) throw new Error(`${what}: ${crashes.join(', ')}\n${log.join('')}`)
    const now = await progress()
    if (now > last) {
      last = now
      since = Date.now()
    } else if (Date.now() - since > STALL) {
      throw new Error(`${what}: no progress at ${String(now)}\n${log.join('')}`)
    }
    await sleep(every)
  }
}

describe.skipIf(!built || missing !== undefined)(
  'JetStream delivery workers SIGKILLed and the nats-server restarted (needs `npm run build`)',
  () => {
    let nats: NatsServer | undefined
    let server: http.Server | undefined
    const workers: Worker[] = []
    afterAll(async () => {
      for (const w of workers) await kill(w)
      server?.close()
      server?.closeAllConnections()
      await nats?.stop()
    })

    it('[DLV-OUT-002] [DLV-INB-006] processes each of 10,000 events exactly once: nothing lost, nothing twice', async () => {
      nats = await startNatsServer()
      const key = await generateSigningKey({ origin: SOURCE })
      // The receiving application: one effect per event it processes, counted per id.
      const effects = new Map<string, number>()
      server = http.createServer(
        createNodeInbox({
          speaksFor: 'any-source',
          resolveKey: staticKeyResolver([{ source: SOURCE, jwks: toJwks([key]) }]),
          verifySignature: nodeSignatureVerifier(),
          dedupe: createMemoryDeliveryStore().dedupe,
          onEvent: (event: Event) => {
            effects.set(event.id, (effects.get(event.id) ?? 0) + 1)
          },
        }),
      )
      await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve))
      const sink = `http://127.0.0.1:${(server.address() as AddressInfo).port}/inbox`

      const nc = await connect({
        servers: nats.url,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 100,
      })
      const state = createMemoryDeliveryStore()
      const store = await createJetStreamDeliveryStore({
        connection: nc,
        state,
        prefix: PREFIX,
        recheck: 500,
        ackWait: 3000,
      })
      const made = {
        id: 'chaos',
        subscriber: new URL(sink).origin,
        sink,
        group: GROUP,
        status: 'active' as const,
        created: new Date().toISOString(),
      }
      await store.createSubscription(made)
      subscription = JSON.stringify(made)
      const time = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')
      const ids = Array.from({ length: EVENTS }, (_, i) => `chaos-${String(i).padStart(5, '0')}`)
      const signed = await Promise.all(
        ids.map((id, i) =>
          signEvent(
            createEvent(
              'tech.collaborative.ping',
              {
                type: 'Create',
                actor: { id: SOURCE, type: 'Application', name: 'Sender' },
                object: { type: 'Note', content: `event ${i}` },
                summary: `Sender says ${i}`,
                published: time,
                url: `${SOURCE}/cta`,
                audience: GROUP,
              },
              { source: SOURCE, id, time },
            ),
            key,
          ),
        ),
      )

      for (let i = 0; i < WORKERS; i++) workers.push(startWorker(nats.url))
      // The publisher retries what fails (the server may be down): Nats-Msg-Id makes it idempotent.
      let next = 0
      const publishing = Promise.all(
        Array.from({ length: 16 }, async () => {
          while (next < signed.length) {
            const event = signed[next++] as (typeof signed)[number]
            for (;;) {
              try {
                await publishEvent(event, { store })
                break
              } catch {
                await sleep(100)
              }
            }
          }
        }),
      )
      // Chaos: a working worker SIGKILLed and restarted at each of KILLS points drawn at random
      // between 5% and 95% of the events processed (alternating workers); the server killed and
      // restarted when a third and two thirds have been processed. Points, not timers: every kill
      // lands mid-run however fast the run goes.
      const points = Array.from({ length: KILLS }, () =>
        Math.floor(EVENTS * (0.05 + 0.9 * Math.random())),
      )
      const chaos = [
        ...points.map((at) => ({ at, what: 'kill' as const })),
        { at: Math.floor(EVENTS / 3), what: 'restart' as const },
        { at: Math.floor((2 * EVENTS) / 3), what: 'restart' as const },
      ].sort((a, b) => a.at - b.at)
      log.push(`chaos at ${chaos.map((c) => `${c.what}@${String(c.at)}`).join(' ')}\n`)
      let kills = 0
      let restarts = 0
      for (const step of chaos) {
        await waitFor(
          `waiting for ${String(step.at)} events processed`,
          () => effects.size >= step.at,
          () => effects.size,
        )
        if (step.what === 'restart') {
          await nats.kill()
          await sleep(500)
          await nats.start()
          restarts++
          continue
        }
        const index = kills % WORKERS
        const worker = workers[index] as Worker
        await worker.ready
        await kill(worker)
        workers[index] = startWorker(nats.url)
        kills++
      }
      await publishing
      // Every event processed, then every outcome recorded (a success is recorded after the
      // receiver answered), each waited for as long as it progresses.
      await waitFor(
        'waiting for every event processed',
        () => effects.size >= EVENTS,
        () => effects.size,
      )
      let delivered = 0
      await waitFor(
        'waiting for every delivery recorded',
        async () => {
          delivered = (await store.listDeliveries({ status: 'delivered', limit: 2 * EVENTS }))
            .length
          return delivered >= EVENTS
        },
        () => delivered,
        500,
      )
      const twice = [...effects].filter(([, n]) => n !== 1).map(([id]) => id)
      const lost = ids.filter((id) => !effects.has(id))
      expect({ lost: lost.length, twice, log }).toEqual({ lost: 0, twice: [], log })
      expect(delivered).toBe(EVENTS)
      expect(restarts).toBe(2)
      expect(kills).toBe(KILLS)
      await store.close()
      await nc.close()
      // A backstop only: the waits above fail first when the run stops progressing.
    }, 900_000)
  },
)
