/**
 * The receiving tool of the exactly-once chaos test: `createNodeInbox` on a fixed port, over a
 * PostgreSQL or PGlite store. Its application inserts one row per event into `processed`, a table
 * WITHOUT a unique key, so an event processed twice shows as two rows and a lost one as none.
 *
 * `CHAOS_MODE=exactly-once` (the default) hands the inbox the store's `inbox` and writes the row
 * through the inbox transaction. `CHAOS_MODE=claim-first` reproduces the receiver before issue 12:
 * a dedupe store claimed before `onEvent`, and the row written outside any transaction.
 *
 * To make a kill land mid-flight for certain, the `CHAOS_HANG_AT`-th event of this process stops
 * inside `onEvent`, `before` or `after` its row was written (`CHAOS_HANG_WHERE`), and prints
 * `hang <id>`: the test then SIGKILLs this process, or the sender (whose request is in flight),
 * and sends `go <n>` on stdin to let it go on and hang again `n` events later (0: never).
 * `exit` on stdin closes the store and exits.
 */
import http from 'node:http'
import { createInterface } from 'node:readline'
import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import { staticKeyResolver, type Event } from '@cta-interop/sdk'
import {
  createNodeInbox,
  createPgliteDeliveryStore,
  createPostgresDeliveryStore,
  nodeSignatureVerifier,
  type SqlTransaction,
} from '@cta-interop/sdk/node'

function env(name: string): string {
  const value = process.env[name]
  if (value === undefined) throw new TypeError(`${name} is not set`)
  return value
}

const schema = 'inbox'
const delay = Number(env('CHAOS_DELAY_MS'))
const hangWhere = env('CHAOS_HANG_WHERE')
const resolveKey = staticKeyResolver([
  { source: env('CHAOS_SOURCE'), jwks: JSON.parse(env('CHAOS_JWKS')) as { keys: [] } },
])

let exec: SqlTransaction['query']
let pglite: PGlite | undefined
let pool: pg.Pool | undefined
if (env('CHAOS_STORE') === 'pglite') {
  const db = await PGlite.create(env('CHAOS_DIR'))
  pglite = db
  exec = async (text, params = []) => (await db.query(text, [...params])).rows as []
} else {
  const p = new pg.Pool({ connectionString: env('CHAOS_PG_URL'), max: 10 })
  pool = p
  exec = async (text, params = []) => (await p.query(text, [...params])).rows as []
}
const store =
  pglite !== undefined
    ? await createPgliteDeliveryStore({ db: pglite, schema })
    : await createPostgresDeliveryStore({ pool: pool as pg.Pool, schema })
await exec(
  `CREATE TABLE IF NOT EXISTS ${schema}.processed (event_id text NOT NULL, pid integer NOT NULL)`,
)

let begun = 0
let hangAt = Number(env('CHAOS_HANG_AT'))
let release: (() => void) | undefined
const lines = createInterface({ input: process.stdin })
lines.on('line', (line) => {
  const [command, arg] = line.split(' ')
  if (command === 'go') {
    const next = Number(arg)
    hangAt = next > 0 ? begun + next : 0
    release?.()
    release = undefined
  } else if (command === 'exit') {
    server.close()
    server.closeAllConnections()
    void store.close().then(async () => {
      await pool?.end()
      await pglite?.close()
      process.exit(0)
    })
  }
})

/** The application's work: a little waiting, then one row; the scheduled event hangs. */
async function work(event: Event, write: SqlTransaction['query']): Promise<void> {
  const n = ++begun
  const hang = async (where: string): Promise<void> => {
    if (hangAt === 0 || n !== hangAt || hangWhere !== where) return
    process.stdout.write(`hang ${event.id}\n`)
    await new Promise<void>((resolve) => {
      release = resolve
    })
  }
  await new Promise((resolve) => setTimeout(resolve, delay))
  await hang('before')
  await write(`INSERT INTO ${schema}.processed (event_id, pid) VALUES ($1, $2)`, [
    event.id,
    process.pid,
  ])
  await hang('after')
}

const common = {
  resolveKey,
  speaksFor: 'any-source',
  verifySignature: nodeSignatureVerifier(),
} as const
const listener =
  env('CHAOS_MODE') === 'claim-first'
    ? createNodeInbox({
        ...common,
        // Only claim and release: the receiver before issue 12 (claim, then onEvent).
        dedupe: {
          claim: (source, id, expiresAt) => store.dedupe.claim(source, id, expiresAt),
          release: (source, id) => store.dedupe.release(source, id),
        },
        onEvent: (event) => work(event, exec),
      })
    : createNodeInbox({
        ...common,
        inbox: store.inbox,
        onEvent: (event, { transaction }) =>
          work(event, (text, params) => transaction.query(text, params)),
      })
const server = http.createServer(listener)
server.listen(Number(env('CHAOS_PORT')), '127.0.0.1', () => {
  process.stdout.write('listening\n')
})
