import type { DeliveryStore } from '@cta-interop/sdk'
import {
  createSqlDeliveryStore,
  type SqlQueryable,
  type SqlStoreOptions,
} from './sql-delivery-store.js'

/** The part of a PGlite instance the store uses (`import { PGlite } from '@electric-sql/pglite'`). */
export interface PgliteLike {
  /** Runs one statement with `$1`-style parameters. */
  query(query: string, params?: unknown[]): Promise<{ rows: unknown[] }>
  /** Runs `callback` in one transaction. */
  transaction<T>(
    callback: (tx: {
      query(query: string, params?: unknown[]): Promise<{ rows: unknown[] }>
    }) => Promise<T>,
  ): Promise<T>
  /** Closes the database. */
  close(): Promise<void>
}

/** Options of {@link createPgliteDeliveryStore}: a directory to open, or an open database. */
export interface PgliteDeliveryStoreOptions extends SqlStoreOptions {
  /**
   * The directory that holds the database, created if missing; the store opens it, and closes it
   * on `close()`. Only one process may have a directory open at a time.
   */
  readonly dataDir?: string
  /** An open PGlite database to use instead; the store never closes it. */
  readonly db?: PgliteLike
}

/**
 * The embedded durable `DeliveryStore`: PostgreSQL compiled to WebAssembly (PGlite), in a
 * directory, with no server to run and nothing to compile at install time. It runs the same SQL
 * as {@link createPostgresDeliveryStore}, so a tool can move to a PostgreSQL server without a
 * change of semantics. Requires the optional peer dependency `@electric-sql/pglite`.
 *
 * @param options `dataDir` (or an open `db`), and the `schema` for the tables.
 * @returns The store, with its tables created.
 * @throws {TypeError} When neither `dataDir` nor `db` is given, or `schema` is not a plain name.
 * @example
 * ```ts
 * import { createPgliteDeliveryStore } from '@cta-interop/sdk/node'
 * const store = await createPgliteDeliveryStore({ dataDir: './data/cta' })
 * const worker = createDeliveryWorker({ store, fetch: createSafeFetch() })
 * ```
 * @see {@link https://w3id.org/cta/spec/delivery#outbox Spec: the outbox}
 */
export async function createPgliteDeliveryStore(
  options: PgliteDeliveryStoreOptions,
): Promise<DeliveryStore> {
  let db = options.db
  const owned = db === undefined
  if (db === undefined) {
    if (options.dataDir === undefined) throw new TypeError('give dataDir or db')
    const { PGlite } = await import('@electric-sql/pglite')
    db = await PGlite.create(options.dataDir)
  }
  const pglite = db
  const wrap = (q: {
    query(query: string, params?: unknown[]): Promise<{ rows: unknown[] }>
  }): SqlQueryable => ({
    async query(text, params = []) {
      return (await q.query(text, [...params])).rows as Record<string, unknown>[]
    },
  })
  return createSqlDeliveryStore(
    {
      ...wrap(pglite),
      transaction: (fn) => pglite.transaction((tx) => fn(wrap(tx))),
      close: () => (owned ? pglite.close() : Promise.resolve()),
    },
    options,
  )
}
