// The SDK's inbox (full verification, schema, dedupe) behind node:http: the subject of the
// inbox-http benchmark. Prints its port, then serves until killed.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { createMemoryDedupeStore, staticKeyResolver, type PublicJwk } from '@cta-interop/sdk'
import { createNodeInbox, nodeSignatureVerifier } from '@cta-interop/sdk/node'

const jwk = JSON.parse(process.env['BENCH_JWK'] ?? '{}') as PublicJwk
const now = new Date(process.env['BENCH_NOW'] ?? Date.now())
let accepted = 0
const inbox = createNodeInbox({
  resolveKey: staticKeyResolver([
    { source: process.env['BENCH_SOURCE'] ?? '', jwks: { keys: [jwk] } },
  ]),
  dedupe: createMemoryDedupeStore({ now: () => now.getTime() }),
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
process.on('SIGTERM', () => {
  console.error(`accepted ${accepted}`)
  process.exit(0)
})
