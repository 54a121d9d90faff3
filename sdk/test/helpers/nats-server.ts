// Starts a JetStream-enabled nats-server of the test's own (Debian's `nats-server`), on an
// ephemeral port with a temporary store directory: tests never touch the shared server's streams.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'

/** Why no nats-server can be started here, or `undefined`. */
export function natsServerMissing(): string | undefined {
  const probe = spawnSync('nats-server', ['--version'], { encoding: 'utf8' })
  return probe.status === 0 ? undefined : 'no nats-server on PATH (apt-get install nats-server)'
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise((resolve) => server.close(resolve))
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

/** A nats-server this process started; it can be stopped and started again on the same port and store. */
export interface NatsServer {
  readonly url: string
  readonly port: number
  readonly dir: string
  /** Kills the server (SIGKILL: no clean shutdown) and waits for it to exit. */
  kill(): Promise<void>
  /** Starts it again on the same port and store directory; resolves once it accepts clients. */
  start(): Promise<void>
  /** Kills it and removes its store directory. */
  stop(): Promise<void>
}

/** Starts a nats-server with JetStream on a free loopback port and a temporary store. */
export async function startNatsServer(): Promise<NatsServer> {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'cta-nats-'))
  let child: ChildProcess | undefined
  let exited: Promise<void> = Promise.resolve()
  const start = async () => {
    const proc = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir], {
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    child = proc
    exited = new Promise((resolve) =>
      proc.once('exit', () => {
        resolve()
      }),
    )
    let log = ''
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`nats-server did not start:\n${log}`))
      }, 15_000)
      proc.stderr.on('data', (chunk: Buffer) => {
        if (log.length < 20_000) log += chunk.toString()
        if (log.includes('Server is ready')) {
          clearTimeout(timer)
          resolve()
        }
      })
      proc.once('exit', (code) => {
        clearTimeout(timer)
        reject(new Error(`nats-server exited with ${String(code)}:\n${log}`))
      })
    })
  }
  const kill = async () => {
    child?.kill('SIGKILL')
    await exited
    child = undefined
  }
  await start()
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    dir,
    kill,
    start,
    async stop() {
      await kill()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
