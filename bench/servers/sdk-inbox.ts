// The SDK's inbox (full verification, schema, dedupe) behind node:http: the subject of the
// inbox-http benchmark. `BENCH_DEDUPE` picks the dedupe: `memory` (createMemoryDedupeStore),
// `postgres` or `pglite` (the `dedupe` of the SQL delivery store). With `BENCH_INBOX_STORE=inbox`
// a SQL store's exactly-once `inbox` is used instead of its `dedupe`; with `claim`, only the
// dedupe's one-statement `claim` (what the bare server runs). Prints its port, then
// serves until SIGTERM.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  createMemoryDedupeStore,
  staticKeyResolver,
  type DedupeStore,
  type PublicJwk,
} from '@cta-interop/sdk'
import {
  createNodeInbox,
  createPgliteDeliveryStore,
  createPostgresDeliveryStore,
  nodeSignatureVerifier,
  type SqlDeliveryStore,
} from '@cta-interop/sdk/node'
import {
  POOL_SIZE,
  POSTGRES_URL,
  dedupeKind,
  exitOnSigterm,
  onStop,
  pgliteDir,
  schemaName,
} from './dedupe-table.js'

const jwk = JSON.parse(process.env['BENCH_JWK'] ?? '{}') as PublicJwk
const now = new Date(process.env['BENCH_NOW'] ?? Date.now())
const kind = dedupeKind()
const clock = () => now.getTime()
let accepted = 0

async function sqlStore(): Promise<SqlDeliveryStore> {
  if (kind === 'postgres') {
    const store = await createPostgresDeliveryStore({
      connectionString: POSTGRES_URL,
      schema: schemaName,
      max: POOL_SIZE,
      now: clock,
    })
    onStop(async () => {
      const { default: pg } = await import('pg')
      await store.close()
      const client = new pg.Client({ connectionString: POSTGRES_URL })
      await client.connect()
      await client.query(`DROP SCHEMA IF EXISTS "${schemaName}" CASCADE`)
      await client.end()
    })
    return store
  }
  const store = await createPgliteDeliveryStore({ dataDir: pgliteDir(), now: clock })
  onStop(() => store.close())
  return store
}

const store = kind === 'memory' ? null : await sqlStore()
const recording: { dedupe: DedupeStore } | { inbox: NonNullable<typeof store>['inbox'] } =
  store === null
    ? { dedupe: createMemoryDedupeStore({ now: clock }) }
    : process.env['BENCH_INBOX_STORE'] === 'inbox'
      ? { inbox: store.inbox }
      : process.env['BENCH_INBOX_STORE'] === 'claim'
        ? // The store's one-statement claim only (no two-phase `receive`): the bare server's SQL.
          {
            dedupe: {
              claim: (source, id, expiresAt) => store.dedupe.claim(source, id, expiresAt),
              release: (source, id) => store.dedupe.release(source, id),
            },
          }
        : { dedupe: store.dedupe }
const inbox = createNodeInbox({
  speaksFor: 'any-source',
  resolveKey: staticKeyResolver([
    { source: process.env['BENCH_SOURCE'] ?? '', jwks: { keys: [jwk] } },
  ]),
  ...recording,
  currentDate: now,
  verifySignature: nodeSignatureVerifier(),
  onEvent: () => {
    accepted++
  },
})
const server = http.createServer(inbox)
server.keepAliveTimeout = 60_000
server.listen(0, '127.0.0.1', () => {
  console.log((server.address() as AddressInfo).port)
})
exitOnSigterm(() => `sdk (${kind}): accepted ${String(accepted)}`)
