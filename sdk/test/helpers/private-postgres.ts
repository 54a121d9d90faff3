/**
 * A PostgreSQL server of the test's own, for tests that stop, restart or damage a server: never
 * the shared one on 5432. It runs from a temporary directory (initdb, trust authentication,
 * listening on 127.0.0.1 on an ephemeral port, its socket in the directory) and is removed by
 * {@link PrivatePostgres.destroy}, and killed when the test process exits, whatever happened.
 * Needs `initdb` and `pg_ctl` on PATH; when the test runs as root, the server runs as the
 * `postgres` user (PostgreSQL refuses to run as root).
 */
import { execFile, execFileSync } from 'node:child_process'
import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A private server; see {@link startPrivatePostgres}. */
export interface PrivatePostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`. */
  readonly url: string
  readonly port: number
  /** The data directory. */
  readonly dataDir: string
  /** Stops the server at once, as a crash would (`pg_ctl -m immediate stop`). */
  stop(): Promise<void>
  /** Starts the stopped server again on the same port, and waits until it accepts connections. */
  start(): Promise<void>
  /** Stops the server (if running) and removes its directory. Safe to call twice. */
  destroy(): Promise<void>
}

/** Whether `initdb` and `pg_ctl` can be run here. */
export function havePostgresBinaries(): boolean {
  try {
    execFileSync('pg_ctl', ['--version'], { stdio: 'ignore' })
    execFileSync('initdb', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => {
        resolve(port)
      })
    })
  })
}

/** The uid and gid to run the server as: the `postgres` user when we are root. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }))
  return { uid: id('-u'), gid: id('-g') }
}

/**
 * Creates and starts a private PostgreSQL server.
 * @returns The running server.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const user = serverUser()
  const dir = mkdtempSync(join(tmpdir(), 'cta-pg-'))
  chmodSync(dir, 0o700)
  if (user !== undefined) chownSync(dir, user.uid, user.gid)
  const dataDir = join(dir, 'data')
  const log = join(dir, 'server.log')
  const run = (file: string, args: string[], timeout = 120_000) =>
    new Promise<void>((resolve, reject) => {
      execFile(file, args, { ...user, cwd: dir, timeout }, (error, stdout, stderr) => {
        if (error === null) resolve()
        else reject(new Error(`${file} ${args.join(' ')}: ${stderr || stdout}`, { cause: error }))
      })
    })
  let running = false
  const killNow = () => {
    // Synchronous, for process exit: SIGQUIT is PostgreSQL's immediate shutdown.
    try {
      const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0])
      if (pid > 0) process.kill(pid, 'SIGQUIT')
    } catch {
      // not running
    }
    rmSync(dir, { recursive: true, force: true })
  }
  process.once('exit', killNow)
  try {
    await run('initdb', ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8'])
  } catch (error) {
    killNow()
    throw error
  }
  let port = 0
  const start = async (): Promise<void> => {
    await run('pg_ctl', [
      '-D',
      dataDir,
      '-l',
      log,
      '-w',
      '-t',
      '120',
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50`,
      'start',
    ])
    running = true
  }
  // Another process may take the free port before the server binds it: try a few.
  for (let tries = 0; ; tries++) {
    port = await freePort()
    try {
      await start()
      break
    } catch (error) {
      if (tries >= 4) {
        killNow()
        throw error
      }
    }
  }
  const stop = async (): Promise<void> => {
    await run('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop'])
    running = false
  }
  let destroyed = false
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    stop,
    start,
    async destroy() {
      if (destroyed) return
      destroyed = true
      if (running) await stop().catch(() => undefined)
      process.removeListener('exit', killNow)
      killNow()
    },
  }
}
