// A PostgreSQL restart under a running delivery worker is an error to report, not an exit
// (issue 12, item 4). The sender runs in its own process against a private server that this test
// starts, stops with `pg_ctl -m immediate` twice mid-delivery, and starts again; the receiver
// counts what its application processed.
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { exportJWK } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createMemoryDedupeStore,
  generateSigningKey,
  staticKeyResolver,
  toJwks,
} from '../../src/index.js'
import { GROUP, receiver, startServer, type Receiver, type Server } from '../delivery/support.js'
import { ROOT } from '../helpers/documents.js'
import {
  havePostgresBinaries,
  startPrivatePostgres,
  type PrivatePostgres,
} from '../helpers/private-postgres.js'

const SENDER = fileURLToPath(new URL('../fixtures/delivery/pg-restart-sender.ts', import.meta.url))
const SOURCE = 'https://sender.example'
const EVENTS = 150
/** The server is stopped when the receiver has processed this many events, and again at the second. */
const RESTART_AT = [40, 95]

interface Sender {
  readonly child: ChildProcess
  readonly output: string[]
  exited: { code: number | null; signal: NodeJS.Signals | null } | undefined
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

function startSender(env: Record<string, string>): Sender {
  const child = spawn(process.execPath, ['--import', 'tsx', SENDER], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const sender: Sender = {
    child,
    output: [],
    exited: undefined,
    exit: new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        sender.exited = { code, signal }
        resolve({ code, signal })
      })
    }),
  }
  child.stdout.on('data', (chunk: Buffer) => sender.output.push(chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => sender.output.push(chunk.toString()))
  return sender
}

const lines = (sender: Sender, prefix: string): number =>
  sender.output
    .join('')
    .split('\n')
    .filter((line) => line.startsWith(prefix)).length

/** Waits until `ready()`; fails when the sender exits first or after `ms`. */
async function until(sender: Sender, what: string, ready: () => boolean, ms = 90_000) {
  const deadline = Date.now() + ms
  while (!ready()) {
    if (sender.exited !== undefined) {
      throw new Error(`the sender exited (${JSON.stringify(sender.exited)}) before ${what}:
${sender.output.join('').slice(-2000)}`)
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

describe.skipIf(!havePostgresBinaries())('a PostgreSQL restart under a delivery worker', () => {
  let server: PrivatePostgres | undefined
  let inbox: Server | undefined
  let sender: Sender | undefined
  let app: Receiver
  let exit: { code: number | null; signal: NodeJS.Signals | null }
  let summary: Record<string, number> = {}
  const workerErrorsDuringOutage: number[] = []
  const processedAtStop: number[] = []

  beforeAll(async () => {
    server = await startPrivatePostgres()
    const key = await generateSigningKey({ origin: SOURCE, extractable: true })
    const jwk = { ...(await exportJWK(key.privateKey)), kid: key.kid }
    // While `paused`, the inbox answers 503: deliveries stay pending and the worker keeps
    // attempting them, so the server goes away mid-delivery however fast this machine is.
    let paused = false
    let pauseAt = RESTART_AT[0] ?? Infinity
    app = receiver(
      staticKeyResolver([{ source: SOURCE, jwks: toJwks([key]) }]),
      createMemoryDedupeStore(),
      {
        onEvent: () => {
          // `>=`: events processed concurrently may step over the threshold together.
          if (app.processed.size + 1 >= pauseAt) paused = true
        },
      },
    )
    inbox = await startServer(async (request: Request) => {
      if (paused) return new Response(null, { status: 503, headers: { 'retry-after': '1' } })
      return app.handler(request)
    })
    const running = startSender({
      CTA_PG_URL: server.url,
      CTA_SCHEMA: `restart_${Math.random().toString(36).slice(2, 10)}`,
      CTA_SOURCE: SOURCE,
      CTA_GROUP: GROUP,
      CTA_SINK: `${inbox.origin}/inbox`,
      CTA_EVENTS: String(EVENTS),
      CTA_KEY: JSON.stringify(jwk),
    })
    sender = running
    for (const [round, threshold] of RESTART_AT.entries()) {
      await until(running, `${threshold} events processed`, () => app.processed.size >= threshold)
      processedAtStop.push(app.processed.size)
      const before = lines(running, 'worker-error')
      await server.stop()
      // The worker polls while the server is down: wait until its onError heard of it.
      await until(
        running,
        'the worker to report the outage',
        () => lines(running, 'worker-error') > before,
      )
      workerErrorsDuringOutage.push(lines(running, 'worker-error') - before)
      await server.start()
      pauseAt = RESTART_AT[round + 1] ?? Infinity
      paused = false
    }
    await until(
      running,
      `all ${EVENTS} events processed`,
      () => app.processed.size >= EVENTS,
      120_000,
    )
    running.child.kill('SIGTERM')
    exit = await running.exit
    const last = running.output.join('').match(/^summary (.*)$/m)?.[1]
    summary = last === undefined ? {} : (JSON.parse(last) as Record<string, number>)
    console.log('sender summary', summary, 'processed at each stop', processedAtStop)
  }, 300_000)

  afterAll(async () => {
    if (sender !== undefined && sender.exited === undefined) {
      sender.child.kill('SIGKILL')
      await sender.exit
    }
    await inbox?.close()
    await server?.destroy()
  }, 60_000)

  it('keeps the sending process up across two immediate restarts, and it exits cleanly when asked', () => {
    expect(exit, sender?.output.join('').slice(-2000)).toEqual({ code: 0, signal: null })
    expect(sender?.output.join('')).not.toContain('Unhandled')
  })

  it('stopped the server mid-delivery, twice', () => {
    // Requests already past the pause check may still be processed: at least the threshold.
    expect(processedAtStop).toHaveLength(2)
    processedAtStop.forEach((n, i) => {
      expect(n).toBeGreaterThanOrEqual(RESTART_AT[i] ?? Infinity)
      expect(n).toBeLessThan(EVENTS)
    })
  })

  it('tells the worker’s onError of every outage, and the worker resumes when the server is back', () => {
    expect(workerErrorsDuringOutage).toHaveLength(2)
    expect(workerErrorsDuringOutage.every((n) => n >= 1)).toBe(true)
    expect(summary['workerErrors']).toBeGreaterThanOrEqual(2)
    // Publishing went on after the restarts too.
    expect(summary['published']).toBeGreaterThan(0)
  })

  it('[DLV-OUT-001] delivers every event, and the receiver processes each exactly once', () => {
    expect(app.processed.size).toBe(EVENTS)
    for (let i = 0; i < EVENTS; i++)
      expect(app.processed.get(`pg-restart-${i}`), `pg-restart-${i}`).toBe(1)
  })
})
