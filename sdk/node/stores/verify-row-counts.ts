import { ProtocolError } from '@cta-interop/sdk'
import type { SqlClient, SqlQueryable } from './sql-delivery-store.js'

/** The store's own tables whose rows it counts, where they exist. */
const COUNTED = ['subscriptions', 'events', 'deliveries', 'dedupe'] as const

/** SQLSTATE class XX: `data_corrupted`, `index_corrupted`. */
const CORRUPTION = new Set(['XX000', 'XX001', 'XX002'])

const corrupt = (detail: string, cause?: unknown): ProtocolError =>
  new ProtocolError(
    'ERR_STORE_CORRUPT',
    `the store's data is damaged: ${detail}; restore it from a backup`,
    cause === undefined ? undefined : { cause },
  )

/**
 * Checks, when a store opens, that none of its tables lost rows, and keeps the counts that make
 * the check possible. PostgreSQL's page checksums cannot see a file cut short or overwritten
 * with zeros (an all-zero page is a valid empty page, and a shorter file is a shorter table), and
 * amcheck finds nothing wrong with either: the store would open on a partial outbox. So each
 * counted table gets statement-level triggers that keep its row count in another relation,
 * `row_counts`, in the same transaction as every change; at open each table is counted by a
 * sequential scan of its heap and again through an index, and both must equal the kept count.
 * A table first seen without its triggers (a store created by an older version) is counted and
 * trusted once. Damage the database engine reports itself (a block it cannot read, a zeroed
 * index) is reported with the same code.
 *
 * @param db The database, after the store's tables were created.
 * @param schema The store's schema name (already checked).
 * @throws {ProtocolError} `ERR_STORE_CORRUPT` when a count differs or a table cannot be read.
 * @internal
 */
export async function verifyRowCounts(db: SqlClient, schema: string): Promise<void> {
  const s = `"${schema}"`
  try {
    await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
        `cta-delivery:${schema}:migrate`,
      ])
      await install(tx, s)
      for (const table of COUNTED) await verifyTable(tx, schema, s, table)
    })
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code
    if (typeof code === 'string' && CORRUPTION.has(code)) {
      throw corrupt(`a table cannot be read (${code})`, error)
    }
    throw error
  }
}

async function install(tx: SqlQueryable, s: string): Promise<void> {
  await tx.query(
    `CREATE TABLE IF NOT EXISTS ${s}.row_counts (tbl text PRIMARY KEY, n bigint NOT NULL)`,
  )
  const fn = (name: string, set: string) =>
    tx.query(`CREATE OR REPLACE FUNCTION ${s}.${name}() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        UPDATE ${s}.row_counts SET n = ${set} WHERE tbl = TG_TABLE_NAME;
        RETURN NULL;
      END $fn$`)
  await fn('row_counts_inserted', 'n + (SELECT count(*) FROM new_rows)')
  await fn('row_counts_deleted', 'n - (SELECT count(*) FROM old_rows)')
  await fn('row_counts_truncated', '0')
}

async function verifyTable(
  tx: SqlQueryable,
  schema: string,
  s: string,
  table: string,
): Promise<void> {
  const exists = await tx.query('SELECT to_regclass($1) IS NOT NULL AS ok', [`${s}.${table}`])
  if (exists[0]?.['ok'] !== true) return
  const triggers = await tx.query(
    `SELECT count(*)::int AS n FROM pg_trigger
     WHERE tgrelid = to_regclass($1)
       AND tgname IN ('row_counts_inserted', 'row_counts_deleted', 'row_counts_truncated')`,
    [`${s}.${table}`],
  )
  const kept = await tx.query(`SELECT n FROM ${s}.row_counts WHERE tbl = $1`, [table])
  // The heap, page by page: an index-only scan could answer from an intact index alone.
  await tx.query('SET LOCAL enable_indexscan = off')
  await tx.query('SET LOCAL enable_indexonlyscan = off')
  await tx.query('SET LOCAL enable_bitmapscan = off')
  await tx.query('SET LOCAL enable_seqscan = on')
  const heap = Number((await tx.query(`SELECT count(*) AS n FROM ${s}.${table}`))[0]?.['n'])
  if (triggers[0]?.['n'] !== 3) {
    // First open with counting: trust what is there, and count from now on.
    await tx.query(
      `INSERT INTO ${s}.row_counts (tbl, n) VALUES ($1, $2)
       ON CONFLICT (tbl) DO UPDATE SET n = EXCLUDED.n`,
      [table, heap],
    )
    for (const [name, event, transition] of [
      ['row_counts_inserted', 'INSERT', 'REFERENCING NEW TABLE AS new_rows'],
      ['row_counts_deleted', 'DELETE', 'REFERENCING OLD TABLE AS old_rows'],
      ['row_counts_truncated', 'TRUNCATE', ''],
    ] as const) {
      await tx.query(`DROP TRIGGER IF EXISTS ${name} ON ${s}.${table}`)
      await tx.query(
        `CREATE TRIGGER ${name} AFTER ${event} ON ${s}.${table} ${transition}
         FOR EACH STATEMENT EXECUTE FUNCTION ${s}.${name}()`,
      )
    }
    return
  }
  const row = kept[0]
  if (row === undefined) throw corrupt(`the row count of ${schema}.${table} is missing`)
  const expected = Number(row['n'])
  if (heap !== expected) {
    throw corrupt(`${schema}.${table} holds ${heap} rows where ${expected} were written`)
  }
  // And through an index, which a damaged index file fails.
  await tx.query('SET LOCAL enable_seqscan = off')
  await tx.query('SET LOCAL enable_indexscan = on')
  await tx.query('SET LOCAL enable_indexonlyscan = on')
  const indexed = Number((await tx.query(`SELECT count(*) AS n FROM ${s}.${table}`))[0]?.['n'])
  if (indexed !== expected) {
    throw corrupt(
      `an index of ${schema}.${table} holds ${indexed} rows where ${expected} were written`,
    )
  }
}
