// What two implementations need to agree on, and the spec now says: the code for a missing `kid`,
// the assertion size limit, that the 1 KiB header limit counts encoded characters, and which JWKS
// keys a receiver may verify with.
import { describe, expect, it } from 'vitest'
import {
  generateSigningKey,
  signEvent,
  staticKeyResolver,
  toJwks,
  verifyEvent,
  verifyGroupAssertion,
  type Jwks,
  type VerifyGroupAssertionOptions,
} from '../src/index.js'
import { encodeBase64url } from '../src/internal/base64url.js'
import { codeOf } from './helpers/code-of.js'
import { NOW, SOURCE, forge, joinedEvent } from './helpers/events.js'

const EVENT_TYP = 'cta-event+jws'

describe('a missing kid', () => {
  it('[EVT-SIG-004] rejects a header without a kid, or with an empty or non-string one, as ERR_JWS_MALFORMED', async () => {
    const key = await generateSigningKey({ origin: SOURCE })
    const resolveKey = staticKeyResolver([{ source: SOURCE, jwks: toJwks([key]) }])
    const event = joinedEvent()
    for (const kid of [undefined, '', 42, null]) {
      const header = { alg: 'EdDSA', typ: EVENT_TYP, ...(kid === undefined ? {} : { kid }) }
      const jws = await forge(header, event, key)
      expect(await codeOf(verifyEvent(jws, { resolveKey, currentDate: NOW })), String(kid)).toBe(
        'ERR_JWS_MALFORMED',
      )
    }
    const good = await forge({ alg: 'EdDSA', kid: key.kid, typ: EVENT_TYP }, event, key)
    expect(await codeOf(verifyEvent(good, { resolveKey, currentDate: NOW }))).toBe('accepted')
  })
})

describe('the protected header limit counts encoded characters', () => {
  /** A header JSON of exactly `bytes` bytes, with a padding member. */
  const headerOf = (kid: string, bytes: number): string => {
    const base = JSON.stringify({ alg: 'EdDSA', kid, typ: EVENT_TYP, pad: '' })
    return base.replace('"pad":""', `"pad":"${'x'.repeat(bytes - base.length)}"`)
  }

  it('[EVT-LIM-001] accepts the size of a 1,026-byte header (1,368 characters) and rejects 1,027 bytes (1,370) as ERR_TOO_LARGE', async () => {
    const key = await generateSigningKey({ origin: SOURCE })
    const resolveKey = staticKeyResolver([{ source: SOURCE, jwks: toJwks([key]) }])
    const event = joinedEvent()
    const at = async (bytes: number) => {
      const header = headerOf(key.kid, bytes)
      expect(header.length).toBe(bytes)
      const jws = await forge(header, event, key)
      return { length: jws.indexOf('.'), code: await codeOf(verifyEvent(jws, { resolveKey })) }
    }
    // 1,026 bytes of JSON are more than 1 KiB decoded, but 1,368 characters encoded: the size
    // check passes, and the padding member is what is refused.
    expect(await at(1026)).toEqual({ length: 1368, code: 'ERR_HEADER_NOT_ALLOWED' })
    expect(await at(1027)).toEqual({ length: 1370, code: 'ERR_TOO_LARGE' })
  })
})

describe('the assertion size limit', () => {
  const AUTHORITY = 'https://decisions.example'
  const GROUP = `${AUTHORITY}/g/harbour-commons`
  const TOOL = 'https://budgeting.example'
  const T = Math.floor(NOW.getTime() / 1000)

  it('[AUTH-VER-011] accepts an assertion of up to 8,192 characters and rejects a longer one with ERR_TOO_LARGE', async () => {
    const key = await generateSigningKey({ kid: 'decisions-2026' })
    const options: VerifyGroupAssertionOptions = {
      group: GROUP,
      audience: TOOL,
      authority: AUTHORITY,
      jwks: toJwks([key]),
      currentDate: NOW,
    }
    let n = 0
    const token = (pad: number) =>
      forge(
        { alg: 'EdDSA', kid: key.kid, typ: 'cta-membership+jwt' },
        {
          iss: AUTHORITY,
          sub: `${AUTHORITY}/u/aroha`,
          aud: TOOL,
          client_id: TOOL,
          iat: T,
          exp: T + 300,
          jti: `jti-${++n}`,
          cta_ver: '1',
          groups: [GROUP],
          roles: ['member'],
          entitlements: ['read'],
          cta_status: 'active',
          // An unknown claim, ignored (DOC-ASN-002): it only makes the token longer.
          note: 'x'.repeat(pad),
        },
        key,
      )
    // The longest token of at most 8,192 characters, and the next one.
    let pad = 5000
    while ((await token(pad + 1)).length <= 8192) pad++
    const longest = await token(pad)
    const tooLong = await token(pad + 1)
    expect(longest.length).toBeGreaterThan(8188)
    expect(longest.length).toBeLessThanOrEqual(8192)
    expect(tooLong.length).toBeGreaterThan(8192)
    expect(await codeOf(verifyGroupAssertion(longest, options))).toBe('accepted')
    expect(await codeOf(verifyGroupAssertion(tooLong, options))).toBe('ERR_TOO_LARGE')
  })
})

describe('which JWKS keys a receiver verifies with', () => {
  /** The key's public JWK, changed, as the only key its tool publishes. */
  async function verdict(change: (jwk: Record<string, unknown>) => void): Promise<string> {
    const key = await generateSigningKey({ origin: SOURCE })
    const jwk = { ...(toJwks([key]).keys[0] as unknown as Record<string, unknown>) }
    change(jwk)
    const resolveKey = staticKeyResolver([
      { source: SOURCE, jwks: { keys: [jwk] } as unknown as Jwks },
    ])
    const jws = await signEvent(joinedEvent(), key)
    return codeOf(verifyEvent(jws, { resolveKey, currentDate: NOW }))
  }

  it('[EVT-KEY-005] accepts a key whose use is sig or absent', async () => {
    expect(await verdict((jwk) => (jwk['use'] = 'sig'))).toBe('accepted')
    expect(await verdict((jwk) => delete jwk['use'])).toBe('accepted')
  })

  it.each([
    ['use enc', (jwk: Record<string, unknown>) => (jwk['use'] = 'enc')],
    ['no alg', (jwk: Record<string, unknown>) => delete jwk['alg']],
    ['alg ES256 on an Ed25519 key', (jwk: Record<string, unknown>) => (jwk['alg'] = 'ES256')],
    ['alg HS256', (jwk: Record<string, unknown>) => (jwk['alg'] = 'HS256')],
    ['another curve', (jwk: Record<string, unknown>) => (jwk['crv'] = 'Ed448')],
    [
      'a private member d',
      (jwk: Record<string, unknown>) => (jwk['d'] = encodeBase64url(new Uint8Array(32))),
    ],
  ])(
    '[EVT-KEY-005] rejects an event whose only key has %s with ERR_KEY_UNRESOLVED',
    async (_name, change) => {
      expect(await verdict(change)).toBe('ERR_KEY_UNRESOLVED')
    },
  )
})
