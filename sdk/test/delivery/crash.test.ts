import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { exportJWK } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createMemoryDedupeStore,
  generateSigningKey,
  staticKeyResolver,
  toJwks,
} from '../../src/index.js'
import { ROOT } from '../helpers/documents.js'
import { GROUP, receiver, startServer, type Receiver, type Server } from './support.js'

const SENDER = fileURLToPath(new URL('../fixtures/delivery/crash-sender.ts', import.meta.url))
const SOURCE = 'https://sender.example'
const EVENTS = 40
const KILL_AFTER = 12
const built = existsSync(`${ROOT}sdk/dist/node.js`)

interface Run {
  readonly child: ChildProcess
  readonly output: string[]
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

function startSender(env: Record<string, string>): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', SENDER], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const output: string[] = []
  child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()))
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      resolve({ code, signal })
    })
  })
  return { child, output, exit }
}

describe.skipIf(!built)('a sender killed mid-delivery (needs `npm run build`)', () => {
  let app: Receiver
  let inbox: Server
  let dir: string
  let first: Run | undefined
  let firstExit: { code: number | null; signal: NodeJS.Signals | null }
  let secondExit: { code: number | null; signal: NodeJS.Signals | null }
  let secondOutput: string[]
  let processedAtKill = 0

  beforeAll(async () => {
    const key = await generateSigningKey({ origin: SOURCE, extractable: true })
    const jwk = { ...(await exportJWK(key.privateKey)), kid: key.kid }
    const resolveKey = staticKeyResolver([{ source: SOURCE, jwks: toJwks([key]) }])
    let seen = 0
    app = receiver(resolveKey, createMemoryDedupeStore(), {
      onEvent: async () => {
        await new Promise((resolve) => setTimeout(resolve, 10))
        seen++
        // Kill the sender while this event is processed but not yet acknowledged, with more
        // deliveries in flight: the kill lands mid-delivery for certain.
        if (seen === KILL_AFTER && first !== undefined) {
          processedAtKill = seen
          first.child.kill('SIGKILL')
        }
      },
    })
    inbox = await startServer(app.handler)
    dir = mkdtempSync(join(tmpdir(), 'cta-crash-'))
    const env = {
      CTA_SOURCE: SOURCE,
      CTA_GROUP: GROUP,
      CTA_SINK: `${inbox.origin}/inbox`,
      CTA_EVENTS: String(EVENTS),
      CTA_KEY: JSON.stringify(jwk),
      CTA_DATA_DIR: join(dir, 'outbox'),
    }
    first = startSender(env)
    firstExit = await first.exit
    const second = startSender(env)
    secondOutput = second.output
    secondExit = await second.exit
  }, 240_000)

  afterAll(async () => {
    await inbox.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('[DLV-OUT-001] resumes after SIGKILL and restart, and the receiver processes every event exactly once', () => {
    expect(firstExit.signal).toBe('SIGKILL')
    expect(processedAtKill).toBe(KILL_AFTER)
    expect(secondExit, secondOutput.join('')).toEqual({ code: 0, signal: null })
    expect(secondOutput.join('')).toContain('drained')
    expect(app.processed.size).toBe(EVENTS)
    for (let i = 0; i < EVENTS; i++) expect(app.processed.get(`crash-${i}`), `crash-${i}`).toBe(1)
    // What was in flight at the kill came again, and the inbox's dedupe answered it with 200.
    expect(app.statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(1)
  })

  it('[DLV-OUT-001] does not send again what was recorded as delivered before the crash', () => {
    const accepted = app.statuses.filter((s) => s === 202).length
    const repeats = app.statuses.filter((s) => s === 200).length
    expect(accepted).toBe(EVENTS)
    // Only deliveries in flight at the kill (at most the worker's concurrency) are repeated.
    expect(repeats).toBeLessThanOrEqual(4)
    expect(app.statuses.every((s) => s === 200 || s === 202)).toBe(true)
  })
})
