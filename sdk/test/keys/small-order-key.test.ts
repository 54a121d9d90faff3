import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createEvent,
  createManifestResolver,
  generateSigningKey,
  staticKeyResolver,
  toJwks,
  verifyEvent,
  verifyGroupAssertion,
  type Jwks,
  type PublicJwk,
} from '../../src/index.js'
import { nodeSignatureVerifier } from '../../node/index.js'
import { encodeBase64url } from '../../src/internal/base64url.js'
import { isUsablePublicJwk } from '../../src/keys/is-usable-public-jwk.js'
import { codeOf } from '../helpers/code-of.js'
import { loadDocument } from '../helpers/documents.js'
import { NOW, joinedEvent, SOURCE } from '../helpers/events.js'
import { startToolServer, type ToolServer } from '../helpers/tool-server.js'

const P = (1n << 255n) - 19n
const le = (n: bigint): Uint8Array => {
  const out = new Uint8Array(32)
  for (let i = 0, v = n; i < 32; i++, v >>= 8n) out[i] = Number(v & 0xffn)
  return out
}
const hex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'))
// The encodings libsodium refuses (`ge25519_has_small_order`): the eight points of small order,
// and the non-canonical spellings y = p and y = p + 1 of two of them.
const SMALL_ORDER = [
  le(0n),
  le(1n),
  hex('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05'),
  hex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a'),
  le(P - 1n),
  le(P),
  le(P + 1n),
]
const okp = (x: Uint8Array, kid: string): PublicJwk => ({
  kty: 'OKP',
  crv: 'Ed25519',
  x: encodeBase64url(x),
  kid,
  alg: 'EdDSA',
  use: 'sig',
})
const encoder = new TextEncoder()
const b64 = (value: unknown): string => encodeBase64url(encoder.encode(JSON.stringify(value)))
/** The signature R = identity (y = 1), S = 0: valid for every message under the identity key. */
const FORGED_SIGNATURE = encodeBase64url(new Uint8Array([1, ...new Array<number>(63).fill(0)]))
const forged = (header: Record<string, unknown>, payload: unknown): string =>
  `${b64(header)}.${b64(payload)}.${FORGED_SIGNATURE}`

describe('Ed25519 keys of small order (EVT-KEY-002)', () => {
  it('[EVT-KEY-002] rejects every small-order and non-canonical encoding, and accepts real keys', async () => {
    for (const bytes of SMALL_ORDER) {
      for (const sign of [0, 0x80]) {
        const x = Uint8Array.from(bytes)
        x[31] = (x[31] ?? 0) | sign
        expect(isUsablePublicJwk(okp(x, 'k')), Buffer.from(x).toString('hex')).toBe(false)
      }
    }
    expect(isUsablePublicJwk(okp(le(P + 2n), 'k'))).toBe(false) // y ≥ p
    expect(isUsablePublicJwk(okp(new Uint8Array(31), 'k'))).toBe(false) // 31 bytes
    const ed = await generateSigningKey()
    const es = await generateSigningKey({ alg: 'ES256' })
    expect(isUsablePublicJwk(ed.publicJwk)).toBe(true)
    expect(isUsablePublicJwk(es.publicJwk)).toBe(true)
    expect(isUsablePublicJwk({ ...es.publicJwk, y: es.publicJwk.x })).toBe(false) // off the curve
  })

  it('[EVT-KEY-002] rejects an event forged with R = identity, S = 0 under a small-order key of a pinned JWKS', async () => {
    const genuine = await generateSigningKey({ origin: SOURCE })
    const kid = `${SOURCE}#small-order`
    const jwks = { keys: [genuine.publicJwk, okp(le(1n), kid)] } as Jwks
    const resolveKey = staticKeyResolver([{ source: SOURCE, jwks }])
    const jws = forged({ alg: 'EdDSA', kid, typ: 'cta-event+jws' }, joinedEvent())
    expect(await codeOf(verifyEvent(jws, { resolveKey, currentDate: NOW }))).toBe(
      'ERR_KEY_UNRESOLVED',
    )
  })

  it('[AUTH-VER-003] rejects an assertion forged under a small-order key in the authority JWKS', async () => {
    const authority = 'https://decisions.example'
    const group = `${authority}/g/harbour-commons`
    const t = Math.floor(NOW.getTime() / 1000)
    const jwt = forged(
      { alg: 'EdDSA', kid: 'small-order', typ: 'cta-membership+jwt' },
      {
        iss: authority,
        sub: `${authority}/u/mallory`,
        aud: 'https://budgeting.example',
        client_id: 'https://budgeting.example',
        iat: t,
        exp: t + 300,
        jti: 'forged',
        cta_ver: '1',
        groups: [group],
        roles: ['admin'],
        entitlements: ['read'],
      },
    )
    const options = {
      group,
      authority,
      audience: 'https://budgeting.example',
      jwks: { keys: [okp(le(1n), 'small-order')] } as Jwks,
      currentDate: NOW,
    }
    expect(await codeOf(verifyGroupAssertion(jwt, options))).toBe('ERR_KEY_UNRESOLVED')
  })

  describe('published in a manifest', () => {
    let tool: ToolServer
    const keys: PublicJwk[] = []
    beforeAll(async () => {
      tool = await startToolServer({
        '/jwks.json': (_req, res) => {
          res.setHeader('content-type', 'application/json')
          res.end(JSON.stringify({ keys }))
        },
      })
      keys.push(...toJwks([tool.key]).keys, okp(le(1n), `${tool.origin}#small-order`))
    })
    afterAll(() => tool.close())

    it('[EVT-KEY-002] rejects an event forged under a small-order key of the JWKS, and accepts one signed by the genuine key', async () => {
      const resolver = createManifestResolver({
        allowPrivateNetwork: true,
        allowHttp: true,
        allowAnySource: true,
      })
      const doc = loadDocument('events/membership-joined.json') as { data: never }
      const event = createEvent('tech.collaborative.membership.joined', doc.data, {
        source: tool.origin,
      })
      const kid = `${tool.origin}#small-order`
      const jws = forged({ alg: 'EdDSA', kid, typ: 'cta-event+jws' }, event)
      expect(await codeOf(verifyEvent(jws, { resolveKey: resolver.resolveKey }))).toBe(
        'ERR_KEY_UNRESOLVED',
      )
      expect(await resolver.resolveKey(tool.key.kid)).toBeDefined()
    })
  })

  it('[EVT-KEY-002] rejects a small-order key that a custom resolver returns, with either signature verifier', async () => {
    const kid = `${SOURCE}#small-order`
    const resolveKey = () => ({ key: okp(le(1n), kid), alg: 'EdDSA' as const, source: SOURCE })
    const jws = forged({ alg: 'EdDSA', kid, typ: 'cta-event+jws' }, joinedEvent())
    for (const verifySignature of [undefined, nodeSignatureVerifier()]) {
      const options = { resolveKey, currentDate: NOW, ...(verifySignature && { verifySignature }) }
      expect(await codeOf(verifyEvent(jws, options))).toBe('ERR_KEY_UNRESOLVED')
    }
  })
})
