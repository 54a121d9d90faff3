import {
  createSqlDeliveryStore,
  schemaName,
  type SqlDeliveryStore,
  type SqlQueryable,
  type SqlStoreOptions,
} from './sql-delivery-store.js'
import { verifyRowCounts } from './verify-row-counts.js'

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
  /**
   * Whether to count every table of the store when it opens, and refuse to open when one holds
   * fewer or more rows than were written to it (`ERR_STORE_CORRUPT`). Default `true`. Counting
   * reads every table once; turn it off only for a store too large to read at each start.
   */
  readonly verifyOnOpen?: boolean
}

/**
 * The embedded durable `DeliveryStore`: PostgreSQL compiled to WebAssembly (PGlite), in a
 * directory, with no server to run and nothing to compile at install time. It runs the same SQL
 * as {@link createPostgresDeliveryStore}, so a tool can move to a PostgreSQL server without a
 * change of semantics. Requires the optional peer dependency `@electric-sql/pglite`.
 *
 * PGlite has no server to lose, but its files can be damaged (a disk error, a copy cut short, a
 * file overwritten). PostgreSQL's page checksums (on in PGlite) do not notice a table file cut
 * short or zeroed: such a store would open with part of its outbox, or none, and say nothing.
 * So the store keeps the row count of each of its tables in another relation, updated in the
 * same transaction as every change, and compares it with the tables when it opens.
 *
 * @param options `dataDir` (or an open `db`), the `schema` for the tables, and `verifyOnOpen`.
 * @returns The store, with its tables created.
 * @throws {TypeError} When neither `dataDir` nor `db` is given, or `schema` is not a plain name.
 * @throws {ProtocolError} `ERR_STORE_CORRUPT` when a table holds fewer or more rows than were
 *   written to it, or cannot be read: the files are damaged; restore them from a backup.
 * @example
 * ```ts
 * import { createDeliveryWorker } from '@cta-interop/sdk'
 * import { createPgliteDeliveryStore, createSafeFetch } from '@cta-interop/sdk/node'
 * const store = await createPgliteDeliveryStore({ dataDir: './data/cta' })
 * const worker = createDeliveryWorker({ store, fetch: createSafeFetch() })
 * ```
 * @see {@link https://w3id.org/cta/spec/delivery#outbox Spec: the outbox}
 */
export async function createPgliteDeliveryStore(
  options: PgliteDeliveryStoreOptions,
): Promise<SqlDeliveryStore> {
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
  const client = {
    ...wrap(pglite),
    transaction: <T>(fn: (tx: SqlQueryable) => Promise<T>) =>
      pglite.transaction((tx) => fn(wrap(tx))),
    close: () => (owned ? pglite.close() : Promise.resolve()),
  }
  try {
    const store = await createSqlDeliveryStore(client, options)
    if (options.verifyOnOpen !== false) await verifyRowCounts(client, schemaName(options))
    return store
  } catch (error) {
    await client.close().catch(() => undefined)
    throw error
  }
}
