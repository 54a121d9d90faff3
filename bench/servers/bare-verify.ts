// A bare node:http server that verifies each event's Ed25519 signature with node:crypto: the
// baseline of the inbox-http benchmark. With `BENCH_DEDUPE=postgres` or `pglite` it also parses
// the payload and records `(source, id)` with the same `INSERT … ON CONFLICT` statement as the
// SDK's SQL dedupe store, written by hand (one statement, autocommit), answering 202 when the row
// was new and 200 when it was not. Prints its port, then serves until SIGTERM.
import { createPublicKey, verify } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  POOL_SIZE,
  POSTGRES_URL,
  dedupeKind,
  exitOnSigterm,
  onStop,
  pgliteDir,
  schemaName,
  stopping,
} from './dedupe-table.js'

type Query = (text: string, params: unknown[]) => Promise<{ rows: unknown[] }>

const publicKey = createPublicKey({
  key: JSON.parse(process.env['BENCH_JWK'] ?? '{}') as never,
  format: 'jwk',
})
const now = new Date(process.env['BENCH_NOW'] ?? Date.now()).getTime()
const DAY = 86_400_000
const kind = dedupeKind()
let accepted = 0

/** A database with the SDK's dedupe table (same columns, key and index), or none. */
async function database(): Promise<Query | null> {
  if (kind === 'memory') return null
  let query: Query
  if (kind === 'postgres') {
    const { default: pg } = await import('pg')
    const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: POOL_SIZE })
    query = (text, params) => pool.query(text, params)
    onStop(async () => {
      await pool.query(`DROP SCHEMA IF EXISTS "${schemaName}" CASCADE`)
      await pool.end()
    })
  } else {
    const { PGlite } = await import('@electric-sql/pglite')
    const db = await PGlite.create(pgliteDir())
    query = (text, params) => db.query(text, params)
    onStop(() => db.close())
  }
  await query(`CREATE SCHEMA "${schemaName}"`, [])
  await query(
    `CREATE TABLE "${schemaName}".dedupe (source text NOT NULL, id text NOT NULL,
      expires_at bigint NOT NULL, pending boolean NOT NULL DEFAULT false, PRIMARY KEY (source, id))`,
    [],
  )
  await query(`CREATE INDEX dedupe_expires_at ON "${schemaName}".dedupe (expires_at)`, [])
  return query
}

const query = await database()
const s = `"${schemaName}"`
const insert = `INSERT INTO ${s}.dedupe (source, id, expires_at, pending) VALUES ($1, $2, $3, $5)
  ON CONFLICT (source, id) DO UPDATE SET expires_at = EXCLUDED.expires_at, pending = $5
  WHERE ${s}.dedupe.expires_at <= $4
  RETURNING 1 AS claimed`

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = []
  req.on('data', (c: Buffer) => chunks.push(c))
  req.on('end', () => {
    const jws = Buffer.concat(chunks).toString()
    const dot = jws.lastIndexOf('.')
    verify(
      null,
      Buffer.from(jws.slice(0, dot)),
      publicKey,
      Buffer.from(jws.slice(dot + 1), 'base64url'),
      (err, ok) => {
        if (err !== null || !ok) {
          res.statusCode = 401
          res.end()
          return
        }
        if (query === null) {
          accepted++
          res.statusCode = 202
          res.end()
          return
        }
        const payload = jws.slice(jws.indexOf('.') + 1, dot)
        const event = JSON.parse(Buffer.from(payload, 'base64url').toString()) as {
          source: string
          id: string
        }
        query(insert, [event.source, event.id, now + DAY, now, false]).then(
          ({ rows }) => {
            if (rows.length === 1) accepted++
            res.statusCode = rows.length === 1 ? 202 : 200
            res.end()
          },
          (error: unknown) => {
            if (!stopping) console.error(error)
            res.statusCode = 500
            res.end()
          },
        )
      },
    )
  })
})
server.keepAliveTimeout = 60_000
server.listen(0, '127.0.0.1', () => {
  console.log((server.address() as AddressInfo).port)
})
exitOnSigterm(() => `bare (${kind}): accepted ${String(accepted)}`)
