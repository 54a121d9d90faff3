// Load from a separate process: a benchmark's client (or server) must not share the event loop of
// the process it measures. `forkLoad` forks a script, sends it its input and resolves with the
// result the script returns through `serveLoad`; `spawnServer` starts a server script that prints
// its port.
import { fork, spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** Node flags for a child that runs a TypeScript file (tsx), as the bench itself does. */
const execArgvFor = (script: URL): string[] =>
  /\.[cm]?ts$/.test(script.pathname) ? ['--import', 'tsx'] : []

/**
 * Forks `script` (a file using {@link serveLoad}), sends it `input`, and resolves with what it
 * returns. Rejects when the child throws, exits before answering, or takes longer than
 * `timeoutMs`. The child is gone when the promise settles.
 */
export async function forkLoad<T>(
  script: URL,
  input: unknown,
  { timeoutMs = 300_000, env = {} }: { timeoutMs?: number; env?: Record<string, string> } = {},
): Promise<T> {
  const child = fork(fileURLToPath(script), [], {
    execArgv: execArgvFor(script),
    env: { ...process.env, ...env },
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  try {
    return await new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`${script.pathname} took longer than ${timeoutMs} ms`))
      }, timeoutMs)
      child.once('message', (m: { ok: boolean; result?: T; error?: string }) => {
        clearTimeout(timer)
        if (m.ok) resolve(m.result as T)
        else reject(new Error(`${script.pathname}: ${m.error ?? 'failed'}`))
      })
      child.once('exit', (code, signal) => {
        clearTimeout(timer)
        reject(new Error(`${script.pathname} exited (${String(code ?? signal)}) before answering`))
      })
      child.once('error', reject)
      child.send({ input })
    })
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
  }
}

/**
 * The child's side of {@link forkLoad}: waits for the input, runs `fn`, sends back its result (or
 * its error) and lets the process end.
 */
export function serveLoad(fn: (input: never) => unknown): void {
  process.once('message', (m: { input: never }) => {
    void (async () => {
      try {
        const result = await fn(m.input)
        process.send?.({ ok: true, result })
      } catch (err) {
        process.send?.({ ok: false, error: err instanceof Error ? err.stack : String(err) })
      }
      if (process.connected) process.disconnect()
    })()
  })
}

/** A running server process started by {@link spawnServer}. */
export interface ServerProcess {
  readonly port: number
  readonly child: ChildProcess
  /**
   * CPU time the process has used so far (user + system, all its threads), in microseconds, read
   * from `/proc` (10 ms resolution); `NaN` where `/proc` cannot be read.
   */
  cpuMicros(): number
  /** Sends SIGTERM and waits for the process to exit. */
  stop(): Promise<void>
}

/**
 * Spawns `script`, which must print its port on the first line of stdout once it listens. The
 * child's stderr goes to ours.
 */
export async function spawnServer(
  script: URL,
  env: Record<string, string> = {},
): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...execArgvFor(script), fileURLToPath(script)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const port = await new Promise<number>((resolve, reject) => {
    let out = ''
    const onData = (d: Buffer): void => {
      out += d.toString()
      const nl = out.indexOf('\n')
      if (nl < 0) return
      child.stdout.off('data', onData)
      child.stdout.resume()
      resolve(Number(out.slice(0, nl).trim()))
    }
    child.stdout.on('data', onData)
    child.once('exit', (code) => {
      reject(new Error(`${script.pathname} exited with ${String(code)}`))
    })
  })
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve()
    else
      child.once('exit', () => {
        resolve()
      })
  })
  return {
    port,
    child,
    cpuMicros: () => processCpuMicros(child.pid),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await exited
    },
  }
}

/** User + system CPU time of a process, in microseconds, from `/proc/<pid>/stat`. */
function processCpuMicros(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN
  try {
    const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8')
    // Fields after the command name (which may hold spaces), which ends with the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const ticks = Number(fields[11]) + Number(fields[12])
    return (ticks / CLOCK_TICKS) * 1e6
  } catch {
    return Number.NaN
  }
}

/** `getconf CLK_TCK` on Linux. */
const CLOCK_TICKS = 100
