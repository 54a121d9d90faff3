/**
 * An implementation behind the JSON-lines stdio harness protocol (README: "Harness protocol"):
 * the suite starts a command, writes one request per line to its stdin and reads one response
 * per line from its stdout. Any language can implement it.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { createInterface } from 'node:readline'
import type { Implementation, ImplementationInfo, RunReply } from '../types.js'

/** The harness protocol version this suite speaks. */
export const HARNESS_PROTOCOL_VERSION = 1

/** A harness failed to start or answered outside the protocol: a configuration error. */
export class HarnessError extends Error {
  override readonly name = 'HarnessError'
}

interface Pending {
  resolve(line: Record<string, unknown>): void
  reject(err: Error): void
}

/**
 * Starts `command` through the shell and speaks the harness protocol with it.
 *
 * @param command e.g. `npx tsx conformance/harness/sdk-harness.ts` or `python harness.py`.
 * @param options `timeoutMs` per request (default 10 s), `suiteVersion` sent in `start`.
 */
export function stdioImplementation(
  command: string,
  options: { timeoutMs?: number; suiteVersion?: string; cwd?: string } = {},
): Implementation {
  const timeoutMs = options.timeoutMs ?? 10_000
  let child: ChildProcessWithoutNullStreams | undefined
  let seq = 0
  let exited: string | undefined
  let stderr = ''
  const pending = new Map<number, Pending>()
  let startWaiter: Pending | undefined

  function failAll(reason: string): void {
    exited = reason
    const err = new HarnessError(`${reason}${stderr === '' ? '' : `\nstderr: ${stderr.trim()}`}`)
    startWaiter?.reject(err)
    startWaiter = undefined
    for (const p of pending.values()) p.reject(err)
    pending.clear()
  }

  function request(message: Record<string, unknown>, id: number | 'start') {
    return new Promise<Record<string, unknown>>((resolve, reject) => {
      if (child === undefined || exited !== undefined) {
        reject(new HarnessError(exited ?? 'the harness is not running'))
        return
      }
      const timer = setTimeout(() => {
        if (id === 'start') startWaiter = undefined
        else pending.delete(id)
        reject(new HarnessError(`no answer within ${timeoutMs} ms`))
      }, timeoutMs)
      const waiter: Pending = {
        resolve: (line) => {
          clearTimeout(timer)
          resolve(line)
        },
        reject: (err) => {
          clearTimeout(timer)
          reject(err)
        },
      }
      if (id === 'start') startWaiter = waiter
      else pending.set(id, waiter)
      child.stdin.write(`${JSON.stringify(message)}\n`)
    })
  }

  return {
    async start(): Promise<ImplementationInfo> {
      child = spawn(command, {
        shell: true,
        stdio: ['pipe', 'pipe', 'pipe'],
        ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      })
      child.stderr.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString('utf8')).slice(-4000)
      })
      child.on('error', (err) => {
        failAll(`the harness could not start: ${err.message}`)
      })
      child.on('exit', (code, signal) => {
        failAll(`the harness exited (${signal ?? `code ${String(code)}`})`)
      })
      child.stdin.on('error', () => undefined)
      createInterface({ input: child.stdout }).on('line', (text) => {
        let line: unknown
        try {
          line = JSON.parse(text)
        } catch {
          failAll(`the harness wrote a line that is not JSON: ${text.slice(0, 200)}`)
          return
        }
        if (typeof line !== 'object' || line === null) return
        const message = line as Record<string, unknown>
        if (typeof message['seq'] === 'number') {
          const waiter = pending.get(message['seq'])
          pending.delete(message['seq'])
          waiter?.resolve(message)
        } else {
          startWaiter?.resolve(message)
          startWaiter = undefined
        }
      })
      const answer = await request(
        {
          cmd: 'start',
          version: HARNESS_PROTOCOL_VERSION,
          suite: options.suiteVersion ?? 'unknown',
        },
        'start',
      )
      const impl = answer['implementation'] as Partial<ImplementationInfo> | undefined
      if (
        answer['version'] !== HARNESS_PROTOCOL_VERSION ||
        typeof impl?.name !== 'string' ||
        typeof impl.version !== 'string'
      ) {
        throw new HarnessError(
          `the harness answered start outside protocol v1: ${JSON.stringify(answer)}`,
        )
      }
      return {
        name: impl.name,
        version: impl.version,
        ...(typeof impl.language === 'string' ? { language: impl.language } : {}),
        ...(typeof impl.homepage === 'string' ? { homepage: impl.homepage } : {}),
        profiles: Array.isArray(answer['profiles']) ? (answer['profiles'] as never) : [],
        features: Array.isArray(answer['features']) ? (answer['features'] as never) : [],
      }
    },

    async run(vector): Promise<RunReply> {
      const id = ++seq
      let answer: Record<string, unknown>
      try {
        answer = await request(
          {
            cmd: 'run',
            seq: id,
            vector: { id: vector.id, operation: vector.operation, input: vector.input },
          },
          id,
        )
      } catch (err) {
        return { errored: true, message: err instanceof Error ? err.message : String(err) }
      }
      if (answer['skipped'] === true) {
        return {
          skipped: true,
          message: typeof answer['message'] === 'string' ? answer['message'] : 'skipped',
          ...(typeof answer['issue_url'] === 'string' ? { issueUrl: answer['issue_url'] } : {}),
        }
      }
      if (answer['errored'] === true) {
        return {
          errored: true,
          message: typeof answer['message'] === 'string' ? answer['message'] : 'errored',
        }
      }
      if (typeof answer['result'] !== 'object' || answer['result'] === null) {
        return { errored: true, message: `answer without result: ${JSON.stringify(answer)}` }
      }
      return { actual: answer['result'] as never }
    },

    async stop(): Promise<void> {
      if (child === undefined || exited !== undefined) return
      const done = new Promise<void>((resolve) => {
        child?.once('exit', () => {
          resolve()
        })
      })
      child.stdin.end(`${JSON.stringify({ cmd: 'stop' })}\n`)
      const timer = setTimeout(() => child?.kill(), 2000)
      await done
      clearTimeout(timer)
    },
  }
}
