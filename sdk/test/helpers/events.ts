import { webcrypto } from 'node:crypto'
import {
  createEvent,
  generateSigningKey,
  staticKeyResolver,
  toJwks,
  type SigningKey,
} from '../../src/index.js'
import { encodeBase64url } from '../../src/internal/base64url.js'
import { loadDocument } from './documents.js'

export const SOURCE = 'https://decisions.example'
export const OTHER_SOURCE = 'https://intruder.example'
/** "Now" in these tests: a little after the example events happened. */
export const NOW = new Date('2026-08-20T09:13:00Z')

const encoder = new TextEncoder()

/** A key for the decisions tool, one for another tool, and a resolver that knows both. */
export async function keys() {
  const key = await generateSigningKey({ origin: SOURCE })
  const es256 = await generateSigningKey({ origin: SOURCE, alg: 'ES256' })
  const other = await generateSigningKey({ origin: OTHER_SOURCE })
  const resolveKey = staticKeyResolver([
    { source: SOURCE, jwks: toJwks([key, es256]) },
    { source: OTHER_SOURCE, jwks: toJwks([other]) },
  ])
  return { key, es256, other, resolveKey }
}

/** The example member-joined event, re-created with a fresh id. */
export function joinedEvent(overrides: { id?: string; time?: string } = {}) {
  const doc = loadDocument('events/membership-joined.json') as { data: Record<string, unknown> }
  return createEvent('tech.collaborative.membership.joined', doc.data as never, {
    source: SOURCE,
    ...overrides,
  })
}

/** Signs arbitrary header and payload bytes with a key, bypassing every check: for forgeries. */
export async function forge(
  header: Record<string, unknown> | string,
  payload: unknown,
  key: SigningKey,
): Promise<string> {
  const h = encodeBase64url(
    encoder.encode(typeof header === 'string' ? header : JSON.stringify(header)),
  )
  const p = encodeBase64url(
    typeof payload === 'string' ? encoder.encode(payload) : encoder.encode(JSON.stringify(payload)),
  )
  const input = encoder.encode(`${h}.${p}`)
  const params = key.alg === 'EdDSA' ? { name: 'Ed25519' } : { name: 'ECDSA', hash: 'SHA-256' }
  const signature = new Uint8Array(await webcrypto.subtle.sign(params, key.privateKey, input))
  return `${h}.${p}.${encodeBase64url(signature)}`
}
