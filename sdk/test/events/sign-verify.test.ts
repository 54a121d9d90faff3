import { describe, expect, it } from 'vitest'
import {
  createMemoryDedupeStore,
  generateSigningKey,
  signEvent,
  verifyEvent,
  type VerifyEventOptions,
} from '../../src/index.js'
import { encodeBase64url } from '../../src/internal/base64url.js'
import { NOW, SOURCE, forge, joinedEvent, keys } from '../helpers/events.js'
import { codeOf } from '../helpers/code-of.js'

const { key, es256, other, resolveKey } = await keys()
const base: VerifyEventOptions = { resolveKey, currentDate: NOW }
const event = joinedEvent()
const header = { alg: 'EdDSA', kid: key.kid, typ: 'cta-event+jws' }

describe('signEvent and verifyEvent', () => {
  it('[EVT-SIG-001] [EVT-SIG-002] [EVT-SIG-005] [EVT-KEY-002] [EVT-JSON-001] [EVT-CTX-001] [EVT-GRP-001] [EVT-AGE-001] [EVT-LIM-001] accepts an event signed with Ed25519 and with ES256, and round-trips it', async () => {
    for (const k of [key, es256]) {
      const jws = await signEvent(event, k)
      const { event: verified, kid } = await verifyEvent(jws, base)
      expect(verified).toEqual(event)
      expect(kid).toBe(k.kid)
    }
  })

  it('[EVT-SIG-001] [EVT-SIG-003] puts exactly alg, kid and typ cta-event+jws in the protected header', async () => {
    const jws = await signEvent(event, key)
    const decoded = JSON.parse(
      Buffer.from(jws.split('.')[0] ?? '', 'base64url').toString(),
    ) as object
    expect(decoded).toEqual({ alg: 'EdDSA', kid: key.kid, typ: 'cta-event+jws' })
  })

  it('refuses to sign an invalid event or a document that is not an event', async () => {
    await expect(codeOf(signEvent({ ...event, specversion: '0.3' }, key))).resolves.toBe(
      'ERR_SCHEMA_INVALID',
    )
    await expect(signEvent({ '@context': [], type: 'Group' }, key)).rejects.toThrow()
  })
})

describe('verifyEvent rejects hostile input, each with its code', () => {
  const cases: [string, () => Promise<string>, string][] = [
    [
      '[EVT-SIG-002] rejects alg none',
      () => forge({ ...header, alg: 'none' }, event, key),
      'ERR_ALG_NOT_ALLOWED',
    ],
    [
      '[EVT-SIG-002] rejects alg NONE',
      () => forge({ ...header, alg: 'NONE' }, event, key),
      'ERR_ALG_NOT_ALLOWED',
    ],
    [
      '[EVT-SIG-002] rejects alg None',
      () => forge({ ...header, alg: 'None' }, event, key),
      'ERR_ALG_NOT_ALLOWED',
    ],
    [
      '[EVT-SIG-002] rejects HMAC with the public key as secret',
      () => forgeHmac(),
      'ERR_ALG_NOT_ALLOWED',
    ],
    [
      '[EVT-SIG-002] rejects alg confusion: ES256 header on an Ed25519 key',
      () => forge({ ...header, alg: 'ES256' }, event, key),
      'ERR_ALG_NOT_ALLOWED',
    ],
    [
      '[EVT-SIG-001] rejects crit header',
      () => forge({ ...header, crit: ['exp'], exp: 1 }, event, key),
      'ERR_HEADER_NOT_ALLOWED',
    ],
    [
      '[EVT-SIG-001] rejects b64: false',
      () => forge({ ...header, b64: false, crit: ['b64'] }, event, key),
      'ERR_HEADER_NOT_ALLOWED',
    ],
    [
      '[EVT-SIG-001] rejects embedded jwk',
      () => forge({ ...header, jwk: key.publicJwk }, event, key),
      'ERR_HEADER_NOT_ALLOWED',
    ],
    [
      '[EVT-SIG-001] rejects jku',
      () => forge({ ...header, jku: 'https://evil.example/jwks' }, event, key),
      'ERR_HEADER_NOT_ALLOWED',
    ],
    [
      '[EVT-SIG-001] rejects x5u',
      () => forge({ ...header, x5u: 'https://evil.example/cert' }, event, key),
      'ERR_HEADER_NOT_ALLOWED',
    ],
    [
      '[EVT-SIG-004] rejects duplicate header members',
      () =>
        forge(`{"alg":"EdDSA","kid":"${key.kid}","typ":"cta-event+jws","alg":"none"}`, event, key),
      'ERR_JWS_MALFORMED',
    ],
    [
      '[EVT-SIG-001] rejects header exp of 1e400',
      () =>
        forge(`{"alg":"EdDSA","kid":"${key.kid}","typ":"cta-event+jws","exp":1e400}`, event, key),
      'ERR_HEADER_NOT_ALLOWED',
    ],
    [
      '[EVT-KEY-002] rejects unknown kid',
      () => forge({ ...header, kid: `${SOURCE}#unknown` }, event, key),
      'ERR_KEY_UNRESOLVED',
    ],
    [
      '[EVT-SRC-001] rejects a key from another tool',
      () => forge({ ...header, kid: other.kid }, event, other),
      'ERR_SOURCE_MISMATCH',
    ],
    [
      '[EVT-SIG-005] rejects a signature by another key under this kid',
      () => forge(header, event, other),
      'ERR_SIGNATURE_INVALID',
    ],
    [
      '[EVT-SIG-003] rejects wrong typ: a membership assertion',
      () => forge({ ...header, typ: 'cta-membership+jwt' }, event, key),
      'ERR_TYP_MISMATCH',
    ],
    [
      '[EVT-SIG-003] rejects wrong typ: JWT',
      () => forge({ ...header, typ: 'JWT' }, event, key),
      'ERR_TYP_MISMATCH',
    ],
    [
      '[EVT-SIG-003] rejects no typ',
      () => forge({ alg: 'EdDSA', kid: key.kid }, event, key),
      'ERR_TYP_MISMATCH',
    ],
    [
      '[EVT-CTX-001] rejects nested @context',
      () =>
        forge(
          header,
          {
            ...event,
            data: {
              ...event.data,
              object: {
                '@context': 'https://evil.example/',
                ...(event.data.object as object),
              },
            },
          },
          key,
        ),
      'ERR_JSONLD_UNSAFE',
    ],
    [
      '[EVT-CTX-001] rejects unknown context',
      () =>
        forge(
          header,
          {
            ...event,
            data: {
              ...event.data,
              '@context': ['https://www.w3.org/ns/activitystreams', 'https://evil.example/v1'],
            },
          },
          key,
        ),
      'ERR_JSONLD_CONTEXT_UNKNOWN',
    ],
    [
      '[EVT-CTX-001] rejects context not pinned',
      () =>
        forge(
          header,
          {
            ...event,
            data: { ...event.data, '@context': 'https://www.w3.org/ns/activitystreams' },
          },
          key,
        ),
      'ERR_JSONLD_UNSAFE',
    ],
    [
      '[EVT-JSON-001] rejects __proto__ member',
      () => forge(header, `{"__proto__":{"admin":true},${JSON.stringify(event).slice(1)}`, key),
      'ERR_JSON_INVALID',
    ],
    [
      '[EVT-JSON-001] rejects duplicate payload members',
      () => forge(header, `{"source":"${SOURCE}",${JSON.stringify(event).slice(1)}`, key),
      'ERR_JSON_INVALID',
    ],
    [
      '[EVT-JSON-001] rejects depth 10,000',
      () => forge(header, `${'['.repeat(10_000)}${']'.repeat(10_000)}`, key),
      'ERR_JSON_INVALID',
    ],
    [
      '[EVT-JSON-001] rejects payload that is not JSON',
      () => forge(header, '{"specversion":', key),
      'ERR_JSON_INVALID',
    ],
    [
      '[DOC-VAL-002] rejects payload that is not an event',
      () => forge(header, { hello: 'world' }, key),
      'ERR_SCHEMA_INVALID',
    ],
    [
      '[EVT-GRP-001] rejects group that differs from the audience',
      () => forge(header, { ...event, group: 'https://decisions.example/g/other' }, key),
      'ERR_EVENT_INCONSISTENT',
    ],
    [
      '[EVT-AGE-001] rejects an event older than the window',
      () => signEvent(joinedEvent({ time: '2026-08-10T00:00:00Z' }), key),
      'ERR_EVENT_STALE',
    ],
    [
      '[EVT-AGE-001] rejects an event from the future',
      () => signEvent(joinedEvent({ time: '2026-08-20T09:30:00Z' }), key),
      'ERR_EVENT_FUTURE',
    ],
    [
      '[EVT-LIM-001] rejects a 1 MiB body',
      () => Promise.resolve(`${'a'.repeat(1024 * 1024)}.b.c`),
      'ERR_TOO_LARGE',
    ],
    [
      '[EVT-LIM-001] rejects an oversized header',
      () => forge({ ...header, pad: 'x'.repeat(2000) }, event, key),
      'ERR_TOO_LARGE',
    ],
    [
      '[EVT-SIG-004] rejects two parts',
      () => Promise.resolve('eyJhbGciOiJub25lIn0.e30'),
      'ERR_JWS_MALFORMED',
    ],
    [
      '[EVT-SIG-004] rejects four parts',
      () => signEvent(event, key).then((jws) => `${jws}.x`),
      'ERR_JWS_MALFORMED',
    ],
    [
      '[EVT-SIG-004] rejects padded base64url',
      () => signEvent(event, key).then(padded),
      'ERR_JWS_MALFORMED',
    ],
    [
      '[EVT-SIG-004] rejects standard base64 characters',
      () =>
        signEvent(event, key).then((jws) => {
          const dot = jws.lastIndexOf('.')
          return `${jws.slice(0, dot + 1)}+${jws.slice(dot + 2)}`
        }),
      'ERR_JWS_MALFORMED',
    ],
  ]

  async function forgeHmac(): Promise<string> {
    const { createHmac } = await import('node:crypto')
    const h = encodeBase64url(new TextEncoder().encode(JSON.stringify({ ...header, alg: 'HS256' })))
    const p = encodeBase64url(new TextEncoder().encode(JSON.stringify(event)))
    const mac = createHmac('sha256', JSON.stringify(key.publicJwk))
      .update(`${h}.${p}`)
      .digest('base64url')
    return `${h}.${p}.${mac}`
  }

  function padded(jws: string): string {
    const [h = '', p = '', s = ''] = jws.split('.')
    const pad = (x: string) => x + '='.repeat((4 - (x.length % 4)) % 4)
    return [pad(h), pad(p), pad(s)].join('.')
  }

  it.each(cases)('%s', async (_name, make, code) => {
    expect(await codeOf(verifyEvent(await make(), base))).toBe(code)
  })

  it('[DOC-VAL-002] rejects times and numbers of 1e400 in the payload at the schema', async () => {
    const text = JSON.stringify({ ...event, attempt: 1 }).replace('"attempt":1', '"attempt":1e400')
    expect(await codeOf(verifyEvent(await forge(header, text, key), base))).toBe(
      'ERR_SCHEMA_INVALID',
    )
    const stale = JSON.stringify(event).replace(event.time, '1e400')
    expect(await codeOf(verifyEvent(await forge(header, stale, key), base))).toBe(
      'ERR_SCHEMA_INVALID',
    )
  })

  it('[EVT-SIG-005] rejects a tampered payload', async () => {
    const jws = await signEvent(event, key)
    const [h, p, s] = jws.split('.') as [string, string, string]
    const tampered = Buffer.from(
      JSON.stringify({ ...event, subject: 'https://decisions.example/x' }),
    ).toString('base64url')
    expect(await codeOf(verifyEvent(`${h}.${tampered}.${s}`, base))).toBe('ERR_SIGNATURE_INVALID')
    expect(p).not.toBe(tampered)
  })

  it('[EVT-SIG-004] rejects a signature whose last character carries non-zero padding bits', async () => {
    const jws = await signEvent(event, key)
    const last = jws.at(-1) ?? 'A'
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    // An Ed25519 signature is 64 bytes: its last base64url character carries 4 unused bits.
    const variant = alphabet.charAt((alphabet.indexOf(last) & ~15) | 1)
    expect(await codeOf(verifyEvent(jws.slice(0, -1) + variant, base))).toBe('ERR_JWS_MALFORMED')
  })

  it('[EVT-DUP-001] accepts an event once and rejects its replay, however it is re-encoded', async () => {
    const dedupe = createMemoryDedupeStore({ now: () => NOW.getTime() })
    const jws = await signEvent(event, key)
    await expect(verifyEvent(jws, { ...base, dedupe })).resolves.toBeDefined()
    expect(await codeOf(verifyEvent(jws, { ...base, dedupe }))).toBe('ERR_DUPLICATE')
    // A second signature over the same event (ECDSA signatures differ each time) is the same event.
    const again = await signEvent(event, es256)
    expect(await codeOf(verifyEvent(again, { ...base, dedupe }))).toBe('ERR_DUPLICATE')
  })

  it('[EVT-DUP-001] rejects a forgery and remembers nothing, so the genuine event is accepted after it', async () => {
    const dedupe = createMemoryDedupeStore({ now: () => NOW.getTime() })
    const forged = await forge(header, event, other)
    expect(await codeOf(verifyEvent(forged, { ...base, dedupe }))).toBe('ERR_SIGNATURE_INVALID')
    await expect(
      verifyEvent(await signEvent(event, key), { ...base, dedupe }),
    ).resolves.toBeDefined()
  })

  it('throws TypeError, not a protocol error, when the caller passes something that is not a string', async () => {
    await expect(verifyEvent(42 as never, base)).rejects.toThrow(TypeError)
  })

  it('uses a freshly generated key only through its kid', async () => {
    const stranger = await generateSigningKey({ origin: SOURCE })
    expect(await codeOf(verifyEvent(await signEvent(event, stranger), base))).toBe(
      'ERR_KEY_UNRESOLVED',
    )
  })
})
