// A bare node:http server that only verifies each event's Ed25519 signature with node:crypto:
// the baseline of the inbox-http benchmark. Prints its port, then serves until killed.
import { createPublicKey, verify } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'

const publicKey = createPublicKey({
  key: JSON.parse(process.env['BENCH_JWK'] ?? '{}') as never,
  format: 'jwk',
})
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
        res.statusCode = err === null && ok ? 202 : 401
        res.end()
      },
    )
  })
})
server.keepAliveTimeout = 60_000
server.listen(0, '127.0.0.1', () => {
  console.log((server.address() as AddressInfo).port)
})
