import { createHash } from 'node:crypto'
import {
  createSqlDeliveryStore,
  type SqlDeliveryStore,
  type SqlQueryable,
  type SqlStoreOptions,
} from './sql-delivery-store.js'

/** A named prepared statement, as `pg` takes it: parsed once per connection, then reused. */
export interface PgQueryConfig {
  /** The statement's name, the same for every call of the same text. */
  readonly name: string
  /** The statement, with `$1`-style parameters. */
  readonly text: string
  /** Its parameters. */
  readonly values: unknown[]
}

/** Something that runs statements: a pool or a client of one. */
export interface PgQueryableLike {
  /** Runs one statement with `$1`-style parameters, or a named prepared statement. */
  query(text: string | PgQueryConfig, values?: unknown[]): Promise<{ rows: unknown[] }>
}

/** A client checked out of a pool (`pg.PoolClient`). */
export interface PgPoolClientLike extends PgQueryableLike {
  /** Returns the client to its pool (destroying it when given an error). */
  release(error?: Error | boolean): void
  /** Listens for the connection failing while the client is checked out (`pg.Client` does). */
  on?(event: 'error', listener: (error: Error) => void): unknown
  /** Stops listening. */
  removeListener?(event: 'error', listener: (error: Error) => void): unknown
}

/** The part of a `pg.Pool` the store uses. */
export interface PgPoolLike extends PgQueryableLike {
  /** Checks a client out, for a transaction. */
  connect(): Promise<PgPoolClientLike>
  /** Closes every client. */
  end(): Promise<void>
}

const names = new Map<string, string>()
/**
 * The name of the prepared statement for `text`: derived from the text alone, so that stores of
 * different schemas sharing a pool never give one name to two texts on a connection.
 */
function statementName(text: string): string {
  let name = names.get(text)
  if (name === undefined) {
    name = `cta_${createHash('sha256').update(text).digest('hex').slice(0, 32)}`
    names.set(text, name)
  }
  return name
}

/** Options of {@link createPostgresDeliveryStore}: a pool, or a connection string. */
export interface PostgresDeliveryStoreOptions extends SqlStoreOptions {
  /**
   * A `pg.Pool` to use; the store never ends it. Its `error` events (an idle connection closed
   * by the server) are yours to listen for, as with any `pg.Pool`.
   */
  readonly pool?: PgPoolLike
  /** A PostgreSQL connection string; the store opens a pool and ends it on `close()`. */
  readonly connectionString?: string
  /** Most connections of a pool the store opens. Default 10. */
  readonly max?: number
  /**
   * How long opening a connection may take before the call that needs it fails, in ms, for a
   * pool the store opens. Default 10,000.
   */
  readonly connectionTimeout?: number
  /**
   * Called when a connection fails outside a call: an idle connection of the store's own pool,
   * or the connection of a transaction in progress, closed by a server restart or a network
   * failure. The failed connection is discarded and the next call opens a new one. Calls that
   * needed the database reject with the error themselves (the loop of `createDeliveryWorker` passes
   * those to its own `onError` and keeps polling); this callback is for logs and metrics.
   * Without it such failures are dropped: they never end the process as an unhandled `error`
   * event.
   */
  readonly onError?: (error: unknown) => void
}

/**
 * The `DeliveryStore` on a PostgreSQL server, for tools that run several processes or
 * outgrow one: the same SQL as {@link createPgliteDeliveryStore}. Workers in different processes
 * share the outbox safely: deliveries are claimed with `FOR UPDATE SKIP LOCKED` and leases, and
 * dedupe claims are atomic. Requires the optional peer dependency `pg`.
 *
 * When the server goes away (a restart, a failover, a network failure), each call that needs it
 * rejects with the driver's error, a transaction in progress is rolled back by the server, and
 * its connection is discarded; `onError` hears of connections that fail between calls. Nothing
 * ends the process, and the next call after the server is back succeeds. What was committed
 * stays committed: an outcome that could not be recorded leaves the delivery leased, and it is
 * attempted again once the lease runs out (the receiver deduplicates).
 *
 * @param options A `pool` or `connectionString`, the `schema` for the tables, and `onError`.
 * @returns The store, with its tables created.
 * @throws {TypeError} When neither `pool` nor `connectionString` is given, or `schema` is not a
 *   plain name.
 * @example
 * ```ts
 * import pg from 'pg'
 * import { createPostgresDeliveryStore } from '@cta-interop/sdk/node'
 * const store = await createPostgresDeliveryStore({ pool: new pg.Pool(), schema: 'cta' })
 * ```
 * @example
 * ```ts
 * const store = await createPostgresDeliveryStore({
 *   connectionString: process.env.DATABASE_URL,
 *   onError: (error) => console.warn('outbox database:', error),
 * })
 * const worker = createDeliveryWorker({ store, fetch: createSafeFetch(), onError: console.warn })
 * ```
 * @see {@link https://w3id.org/cta/spec/delivery#outbox Spec: the outbox}
 */
export async function createPostgresDeliveryStore(
  options: PostgresDeliveryStoreOptions,
): Promise<SqlDeliveryStore> {
  const report = (error: unknown): void => {
    try {
      options.onError?.(error)
    } catch {
      // A failing listener must not turn a handled database failure into an uncaught one.
    }
  }
  let pool = options.pool
  const owned = pool === undefined
  if (pool === undefined) {
    if (options.connectionString === undefined) throw new TypeError('give pool or connectionString')
    const { default: pg } = await import('pg')
    const own = new pg.Pool({
      connectionString: options.connectionString,
      max: options.max ?? 10,
      connectionTimeoutMillis: options.connectionTimeout ?? 10_000,
    })
    // pg-pool has already removed the failed idle client when it emits this.
    own.on('error', report)
    pool = own
  }
  const db = pool
  // The store's own statements are prepared once per connection (`prepare`); an effect's, run
  // through `transaction`, never are: their texts are not the store's to bound.
  const rows = async (
    q: PgQueryableLike,
    text: string,
    params: readonly unknown[],
    prepare = false,
  ) =>
    (
      await (prepare
        ? q.query({ name: statementName(text), text, values: [...params] })
        : q.query(text, [...params]))
    ).rows as Record<string, unknown>[]
  const store = createSqlDeliveryStore(
    {
      query: (text, params = [], prepare) => rows(db, text, params, prepare),
      async transaction(fn) {
        const client = await db.connect()
        // A checked-out client has no listener of the pool's: without one, a connection that
        // fails mid-transaction emits an `error` event nobody handles, and Node exits.
        let broken: Error | undefined
        const onClientError = (error: Error): void => {
          broken ??= error
          report(error)
        }
        client.on?.('error', onClientError)
        const release = (error?: Error): void => {
          client.removeListener?.('error', onClientError)
          // Given an error, the pool destroys the client instead of reusing it.
          client.release(error ?? broken)
        }
        const tx: SqlQueryable = {
          query: (text, params = [], prepare) => rows(client, text, params, prepare),
        }
        try {
          await client.query('BEGIN')
          const result = await fn(tx)
          await client.query('COMMIT')
          release()
          return result
        } catch (err) {
          let rollback: Error | undefined
          if (broken === undefined) {
            await client.query('ROLLBACK').catch((error: unknown) => {
              rollback = error instanceof Error ? error : new Error(String(error))
            })
          }
          release(rollback)
          throw err
        }
      },
      close: () => (owned ? db.end() : Promise.resolve()),
    },
    options,
  )
  if (owned) {
    // A pool the store opened is closed again when the tables cannot be created.
    return store.catch(async (error: unknown) => {
      await db.end().catch(() => undefined)
      throw error
    })
  }
  return store
}
