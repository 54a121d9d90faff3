import { createMemoryDeliveryStore, type DeliveryStore } from '@cta-interop/sdk'
import { createPgliteDeliveryStore, type PgliteLike } from '../stores/pglite-delivery-store.js'
import { createPostgresDeliveryStore, type PgPoolLike } from '../stores/postgres-delivery-store.js'
import { schemaName } from '../stores/sql-delivery-store.js'
import type { CursorStore } from '../subscribe.js'

/**
 * Where a tool made by `createTool` keeps its outbox, feed, subscriptions, dedupe records and feed
 * cursors: an embedded PGlite database (in `dataDir`, or without one in memory, shared by the
 * process's tools in a schema each), PostgreSQL, or
 * plain memory (`{ memory: true }`: nothing survives a restart; starts at once, for tests).
 */
export type ToolStoreOptions =
  | { readonly dataDir?: string; readonly schema?: string }
  | { readonly memory: true }
  | {
      /** A connection string, or a `pg.Pool` the tool uses and never ends. */
      readonly postgres: string | PgPoolLike
      readonly schema?: string
    }

/** An open tool store. @internal */
export interface ToolStore {
  readonly store: DeliveryStore
  readonly cursors: CursorStore
  close(): Promise<void>
}

type Queryable = Pick<PgliteLike, 'query'>

async function cursorStore(db: Queryable, schema: string): Promise<CursorStore> {
  const table = `"${schema}".tool_cursors`
  await db.query(
    `CREATE TABLE IF NOT EXISTS ${table} (producer text, grp text, cursor text NOT NULL,
     PRIMARY KEY (producer, grp))`,
  )
  return {
    async get(producer, group) {
      const { rows } = await db.query(
        `SELECT cursor FROM ${table} WHERE producer = $1 AND grp = $2`,
        [producer, group],
      )
      return (rows[0] as { cursor?: string } | undefined)?.cursor
    },
    async set(producer, group, cursor) {
      await db.query(
        `INSERT INTO ${table} (producer, grp, cursor) VALUES ($1, $2, $3)
         ON CONFLICT (producer, grp) DO UPDATE SET cursor = EXCLUDED.cursor`,
        [producer, group, cursor],
      )
    },
  }
}

/**
 * Opens the store `createTool` was given (default: PGlite in memory).
 * @internal
 */
export async function openToolStore(options: ToolStoreOptions = {}): Promise<ToolStore> {
  if ('memory' in options) {
    const store = createMemoryDeliveryStore()
    const saved = new Map<string, string>()
    return {
      store,
      cursors: {
        get: (producer, group) => Promise.resolve(saved.get(`${producer} ${group}`)),
        set(producer, group, cursor) {
          saved.set(`${producer} ${group}`, cursor)
          return Promise.resolve()
        },
      },
      close: () => store.close(),
    }
  }
  const schema = schemaName('schema' in options ? options : {})
  if ('postgres' in options) {
    let pool: PgPoolLike
    let end = (): Promise<void> => Promise.resolve()
    if (typeof options.postgres === 'string') {
      const { default: pg } = await import('pg')
      const own = new pg.Pool({ connectionString: options.postgres, max: 10 })
      own.on('error', () => undefined) // an idle connection closed: the next call opens another
      pool = own
      end = () => own.end()
    } else {
      pool = options.postgres
    }
    try {
      const store = await createPostgresDeliveryStore({ pool, schema })
      const cursors = await cursorStore(pool, schema)
      return {
        store,
        cursors,
        async close() {
          await store.close()
          await end()
        },
      }
    } catch (err) {
      await end()
      throw err
    }
  }
  if (options.dataDir === undefined) {
    return inMemory(options.schema === undefined ? undefined : schema)
  }
  const { PGlite } = await import('@electric-sql/pglite')
  return onPglite(await PGlite.create(options.dataDir), schema, (db) => db.close())
}

async function onPglite(
  db: PgliteLike,
  schema: string,
  release: (db: PgliteLike) => Promise<void>,
): Promise<ToolStore> {
  try {
    const store = await createPgliteDeliveryStore({ db, schema })
    const cursors = await cursorStore(db, schema)
    return {
      store,
      cursors,
      async close() {
        await store.close()
        await release(db)
      },
    }
  } catch (err) {
    await release(db)
    throw err
  }
}

/**
 * The in-memory PGlite database the tools of this process share, each in a schema of its own:
 * starting PGlite costs seconds of CPU, so a second tool (a test, a demo) does not pay it again.
 * It closes when its last tool does.
 */
let shared: { db: Promise<PgliteLike>; users: number; schemas: number } | undefined

async function inMemory(schema: string | undefined): Promise<ToolStore> {
  if (shared === undefined) {
    const db = import('@electric-sql/pglite').then(({ PGlite }) => PGlite.create())
    shared = { db, users: 0, schemas: 0 }
    db.catch(() => {
      shared = undefined
    })
  }
  const mine = shared
  mine.users++
  const release = async (db: PgliteLike): Promise<void> => {
    if (--mine.users > 0) return
    if (shared === mine) shared = undefined
    await db.close()
  }
  let db: PgliteLike
  try {
    db = await mine.db
  } catch (err) {
    mine.users--
    throw err
  }
  return onPglite(db, schema ?? `cta_tool_${++mine.schemas}`, release)
}
