// Where the inbox-http servers record events when the benchmark asks for a durable dedupe
// (`BENCH_DEDUPE=postgres` or `pglite`): a fresh schema on the shared PostgreSQL server, or a
// fresh PGlite directory, per server process, removed when the process ends.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** The shared PostgreSQL server of this machine (trust authentication, database `test`). */
export const POSTGRES_URL =
  process.env['BENCH_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test'
/** Connections of the pool, for the SDK's store and the bare server alike. */
export const POOL_SIZE = Number(process.env['BENCH_POOL_SIZE'] ?? 10)

export type DedupeKind = 'memory' | 'postgres' | 'pglite'

/** The dedupe the benchmark asked for. */
export function dedupeKind(): DedupeKind {
  const kind = process.env['BENCH_DEDUPE'] ?? 'memory'
  if (kind !== 'memory' && kind !== 'postgres' && kind !== 'pglite') {
    throw new Error(`unknown BENCH_DEDUPE ${kind}`)
  }
  return kind
}

/** A schema name of this process's own. */
export const schemaName = `bench_inbox_${String(process.pid)}`

/** A fresh directory for a PGlite database, removed by `cleanup`. */
export function pgliteDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cta-bench-pglite-'))
  cleanups.push(() => {
    rmSync(dir, { recursive: true, force: true })
  })
  return dir
}

const cleanups: (() => Promise<void> | void)[] = []

/** Whether the process is stopping: requests still in flight may then fail without a word. */
export let stopping = false

/** Runs `fn` when the process is asked to stop (after earlier ones, in reverse order). */
export function onStop(fn: () => Promise<void> | void): void {
  cleanups.push(fn)
}

/** Stops on SIGTERM: runs the cleanups (dropping schemas, removing directories), then exits. */
export function exitOnSigterm(report: () => string): void {
  process.once('SIGTERM', () => {
    stopping = true
    void (async () => {
      for (const fn of cleanups.reverse()) {
        try {
          await fn()
        } catch (err) {
          console.error(err)
        }
      }
      console.error(report())
      process.exit(0)
    })()
  })
}
