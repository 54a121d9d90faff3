/**
 * Runs the exactly-once chaos scenario: a sender and a receiver in their own processes, each
 * SIGKILLed and restarted on a seeded schedule while the events flow; then counts the rows the
 * receiving application wrote. Used by `exactly-once.test.ts`.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { ROOT } from '../helpers/documents.js'

const SENDER = fileURLToPath(new URL('./chaos-sender.ts', import.meta.url))
const RECEIVER = fileURLToPath(new URL('./chaos-receiver.ts', import.meta.url))

/** A child process and the lines it printed. */
export interface Child {
  readonly name: string
  readonly process: ChildProcess
  readonly lines: string[]
  readonly log: string[]
  exited: { code: number | null; signal: NodeJS.Signals | null } | undefined
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

function start(name: string, script: string, env: Record<string, string>): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  const result: Child = {
    name,
    process: child,
    lines: [],
    log: [],
    exited: undefined,
    exit: new Promise((resolve) => {
      child.on('close', (code, signal) => {
        result.exited = { code, signal }
        resolve({ code, signal })
      })
    }),
  }
  let partial = ''
  child.stdout.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split('\n')
    partial = parts.pop() ?? ''
    result.lines.push(...parts)
  })
  child.stderr.on('data', (chunk: Buffer) => {
    if (result.log.length < 200) result.log.push(chunk.toString())
  })
  child.stdin.on('error', () => undefined)
  return result
}

/** Waits until `child` has printed a line matching `pattern` after line `from`; its index. */
async function waitLine(
  child: Child,
  pattern: RegExp,
  from: number,
  ms: number,
  others: readonly (Child | undefined)[] = [],
): Promise<number> {
  const deadline = Date.now() + ms
  for (;;) {
    const index = child.lines.findIndex((line, i) => i >= from && pattern.test(line))
    if (index >= 0) return index
    for (const c of [child, ...others]) {
      if (c?.exited !== undefined && (c === child || c.exited.code !== 0)) {
        throw new Error(
          `${c.name} exited (${JSON.stringify(c.exited)}) before ${child.name} printed ${String(pattern)}:\n${c.log.join('')}`,
        )
      }
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${child.name} printed no ${String(pattern)} in ${ms} ms:\n${child.log.join('')}`,
      )
    }
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

async function kill(child: Child): Promise<void> {
  if (child.exited === undefined) child.process.kill('SIGKILL')
  await child.exit
}

/** A small seeded PRNG (mulberry32), so that every run kills at the same points. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A port that was free a moment ago, for the receiver to listen on across its restarts. */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise((resolve) => server.close(resolve))
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

/** How a chaos run is set up. */
export interface ChaosOptions {
  /** `pg` or `pglite`. */
  readonly store: 'pg' | 'pglite'
  readonly seed: number
  readonly events: number
  readonly receiverKills: number
  readonly senderKills: number
  /** Environment of the sender (its store) and of the receiver (its store); the port is added. */
  readonly senderEnv: Record<string, string>
  readonly receiverEnv: Record<string, string>
  /** The rest of both environments: key, source, group, time. */
  readonly env: Record<string, string>
  /** The receiver's mode: `exactly-once` (default) or `claim-first` (the old receiver). */
  readonly mode?: string
  /** How many of the kills hit both processes at once (restarted together). Default 0. */
  readonly killsOfBoth?: number
  /** Milliseconds of work per event in the receiving application. */
  readonly delayMs: number
}

/** What happened in a chaos run. */
export interface ChaosReport {
  /** The kills, in order: `R` the receiver, `S` the sender. */
  readonly kills: string[]
  /** Ids of the events the receiver was stopped in when a kill landed. */
  readonly hungIds: string[]
  readonly receiverStarts: number
  readonly senderStarts: number
  readonly senderExit: { code: number | null; signal: NodeJS.Signals | null }
  readonly receiverExit: { code: number | null; signal: NodeJS.Signals | null }
}

/**
 * Runs the scenario until the sender has nothing pending, killing the receiver `receiverKills`
 * times and the sender `senderKills` times, each while the receiver holds an event inside
 * `onEvent` (so the kill lands mid-flight for certain), and restarting each after its kill.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const random = seeded(options.seed)
  const between = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1))
  // Kills in a seeded order: some of the receiver alone, some of the sender alone, some of both
  // at once (restarted together, which also keeps the run short).
  const both = Math.min(options.receiverKills, options.senderKills, options.killsOfBoth ?? 0)
  const schedule = [
    ...Array.from({ length: options.receiverKills - both }, () => 'R'),
    ...Array.from({ length: options.senderKills - both }, () => 'S'),
    ...Array.from({ length: both }, () => 'RS'),
  ]
  for (let i = schedule.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[schedule[i], schedule[j]] = [schedule[j] as string, schedule[i] as string]
  }
  // Hang points: the n-th new event of a receiver's life. Their sum stays far below the number
  // of events, so every kill happens while events are still flowing.
  const maxGap = Math.floor((options.events * 0.6) / Math.max(1, schedule.length))
  const gap = (): number => between(Math.max(2, Math.floor(maxGap / 3)), maxGap)
  const where = (): string => (random() < 0.5 ? 'before' : 'after')
  const common = { ...options.env, CHAOS_STORE: options.store }
  const port = String(await freePort())
  const startReceiver = (hangAt: number): Child =>
    start('receiver', RECEIVER, {
      ...common,
      ...options.receiverEnv,
      CHAOS_PORT: port,
      CHAOS_MODE: options.mode ?? 'exactly-once',
      CHAOS_DELAY_MS: String(options.delayMs),
      CHAOS_HANG_AT: String(hangAt),
      CHAOS_HANG_WHERE: where(),
    })
  const startSender = (): Child =>
    start('sender', SENDER, {
      ...common,
      ...options.senderEnv,
      CHAOS_SINK: `http://127.0.0.1:${port}/inbox`,
    })

  const kills: string[] = []
  const hungIds: string[] = []
  let receiverStarts = 1
  let senderStarts = 1
  const t0 = Date.now()
  let receiver = startReceiver(gap())
  // Both start at once; the sender retries until the receiver listens.
  let sender = startSender()
  try {
    await waitLine(receiver, /^listening$/, 0, 120_000, [sender])
    let seen = 0
    for (const victims of schedule) {
      const index = await waitLine(receiver, /^hang /, seen, 120_000, [sender])
      seen = index + 1
      hungIds.push((receiver.lines[index] ?? '').slice('hang '.length))
      if (victims.includes('S')) {
        await kill(sender)
        kills.push('S')
      }
      if (victims.includes('R')) {
        await kill(receiver)
        kills.push('R')
        receiver = startReceiver(gap())
        receiverStarts++
        seen = 0
      } else {
        receiver.process.stdin?.write(`go ${String(gap())}\n`)
      }
      if (victims.includes('S')) {
        sender = startSender()
        senderStarts++
      }
      if (victims.includes('R')) await waitLine(receiver, /^listening$/, 0, 120_000, [sender])
      if (process.env['CTA_CHAOS_VERBOSE'] !== undefined) {
        console.log(`${((Date.now() - t0) / 1000).toFixed(1)} s: killed ${victims}`)
      }
    }
    // No more kills: let the last receiver go on without hanging, and the sender drain.
    receiver.process.stdin?.write('go 0\n')
    await waitLine(sender, /^drained$/, 0, 240_000, [receiver])
    if (process.env['CTA_CHAOS_VERBOSE'] !== undefined) {
      console.log(`${((Date.now() - t0) / 1000).toFixed(1)} s: drained`)
    }
    const senderExit = await sender.exit
    receiver.process.stdin?.write('exit\n')
    const receiverExit = await Promise.race([
      receiver.exit,
      new Promise<never>((_, reject) =>
        setTimeout(() => {
          reject(new Error('the receiver did not exit'))
        }, 60_000),
      ),
    ])
    return { kills, hungIds, receiverStarts, senderStarts, senderExit, receiverExit }
  } finally {
    await kill(receiver)
    await kill(sender)
  }
}
