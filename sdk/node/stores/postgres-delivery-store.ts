import type { DeliveryStore } from '@cta-interop/sdk'
import {
  createSqlDeliveryStore,
  type SqlQueryable,
  type SqlStoreOptions,
} from './sql-delivery-store.js'

/** A client checked out of a pool (`pg.PoolClient`). */
export interface PgPoolClientLike {
  /** Runs one statement with `$1`-style parameters. */
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>
  /** Returns the client to its pool (destroying it when given an error). */
  release(error?: Error | boolean): void
}

/** The part of a `pg.Pool` the store uses. */
export interface PgPoolLike {
  /** Runs one statement on any client of the pool. */
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>
  /** Checks a client out, for a transaction. */
  connect(): Promise<PgPoolClientLike>
  /** Closes every client. */
  end(): Promise<void>
}

/** Options of {@link createPostgresDeliveryStore}: a pool, or a connection string. */
export interface PostgresDeliveryStoreOptions extends SqlStoreOptions {
  /** A `pg.Pool` to use; the store never ends it. */
  readonly pool?: PgPoolLike
  /** A PostgreSQL connection string; the store opens a pool and ends it on `close()`. */
  readonly connectionString?: string
  /** Most connections of a pool the store opens. Default 10. */
  readonly max?: number
}

/**
 * The `DeliveryStore` on a PostgreSQL server, for tools that run several processes or
 * outgrow one: the same SQL as {@link createPgliteDeliveryStore}. Workers in different processes
 * share the outbox safely: deliveries are claimed with `FOR UPDATE SKIP LOCKED` and leases, and
 * dedupe claims are atomic. Requires the optional peer dependency `pg`.
 *
 * @param options A `pool` or `connectionString`, and the `schema` for the tables.
 * @returns The store, with its tables created.
 * @throws {TypeError} When neither `pool` nor `connectionString` is given, or `schema` is not a
 *   plain name.
 * @example
 * ```ts
 * import pg from 'pg'
 * const store = await createPostgresDeliveryStore({ pool: new pg.Pool(), schema: 'cta' })
 * ```
 * @see {@link https://w3id.org/cta/spec/delivery#outbox Spec: the outbox}
 */
export async function createPostgresDeliveryStore(
  options: PostgresDeliveryStoreOptions,
): Promise<DeliveryStore> {
  let pool = options.pool
  const owned = pool === undefined
  if (pool === undefined) {
    if (options.connectionString === undefined) throw new TypeError('give pool or connectionString')
    const { default: pg } = await import('pg')
    pool = new pg.Pool({ connectionString: options.connectionString, max: options.max ?? 10 })
  }
  const db = pool
  const rows = async (
    q: { query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }> },
    text: string,
    params: readonly unknown[],
  ) => (await q.query(text, [...params])).rows as Record<string, unknown>[]
  return createSqlDeliveryStore(
    {
      query: (text, params = []) => rows(db, text, params),
      async transaction(fn) {
        const client = await db.connect()
        const tx: SqlQueryable = { query: (text, params = []) => rows(client, text, params) }
        try {
          await client.query('BEGIN')
          const result = await fn(tx)
          await client.query('COMMIT')
          client.release()
          return result
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined)
          client.release(err instanceof Error ? err : true)
          throw err
        }
      },
      close: () => (owned ? db.end() : Promise.resolve()),
    },
    options,
  )
}
