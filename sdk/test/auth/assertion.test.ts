import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { nodeSignatureVerifier } from '../../node/index.js'
import {
  createMemoryDedupeStore,
  generateSigningKey,
  issueGroupAssertion,
  staticKeyResolver,
  toJwks,
  verifyGroupAssertion,
  type GroupAssertionSubject,
  type VerifyGroupAssertionOptions,
} from '../../src/index.js'
import { codeOf } from '../helpers/code-of.js'
import { encodeBase64url } from '../../src/internal/base64url.js'
import { forge } from '../helpers/events.js'

const AUTHORITY = 'https://decisions.example'
const OTHER_AUTHORITY = 'https://intruder.example'
const GROUP = 'https://decisions.example/g/harbour-commons'
const OTHER_GROUP = 'https://decisions.example/g/night-market'
const TOOL = 'https://budgeting.example'
const OTHER_TOOL = 'https://calendar.example'
const NOW = new Date('2026-08-20T09:13:00Z')
const T = Math.floor(NOW.getTime() / 1000)

const key = await generateSigningKey({ kid: 'decisions-2026' })
const es256 = await generateSigningKey({ kid: 'decisions-2026-p256', alg: 'ES256' })
const intruder = await generateSigningKey({ kid: 'intruder-2026' })
const jwks = toJwks([key, es256])
const authorityOnly = staticKeyResolver([{ source: AUTHORITY, jwks }])
const both = staticKeyResolver([
  { source: AUTHORITY, jwks },
  { source: OTHER_AUTHORITY, jwks: toJwks([intruder]) },
])

const subject: GroupAssertionSubject = {
  sub: 'https://decisions.example/u/aroha',
  group: GROUP,
  roles: ['member'],
  entitlements: ['read', 'participate', 'propose'],
  membership: `${GROUP}/memberships/4711`,
}
const issue = (
  overrides: Partial<Parameters<typeof issueGroupAssertion>[2]> = {},
  signer = key,
): Promise<string> =>
  issueGroupAssertion(subject, signer, {
    issuer: AUTHORITY,
    audience: TOOL,
    currentDate: NOW,
    ...overrides,
  })
const base: VerifyGroupAssertionOptions = {
  group: GROUP,
  audience: TOOL,
  authority: AUTHORITY,
  resolveKey: authorityOnly,
  currentDate: NOW,
}
const header = { alg: 'EdDSA', kid: key.kid, typ: 'cta-membership+jwt' }
const claims = {
  iss: AUTHORITY,
  sub: subject.sub,
  aud: TOOL,
  client_id: TOOL,
  iat: T,
  exp: T + 300,
  jti: 'a-unique-id',
  cta_ver: '1',
  groups: [GROUP],
  roles: ['member'],
  entitlements: ['read'],
  cta_status: 'active',
}

/** Signs raw payload bytes, which need not be UTF-8 or JSON. */
async function forgeBytes(payload: Uint8Array): Promise<string> {
  const h = encodeBase64url(Buffer.from(JSON.stringify(header)))
  const p = encodeBase64url(payload)
  const signature = await crypto.subtle.sign(
    { name: 'Ed25519' },
    key.privateKey,
    Buffer.from(`${h}.${p}`),
  )
  return `${h}.${p}.${encodeBase64url(new Uint8Array(signature))}`
}

const decode = (part: string): unknown =>
  JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown

describe('issueGroupAssertion', () => {
  it('[AUTH-ASN-001] accepts a member and issues a cta-membership+jwt with exactly alg, kid and typ, one group, one audience and 300 s', async () => {
    const jwt = await issue()
    const [h = '', p = ''] = jwt.split('.')
    expect(decode(h)).toEqual({ alg: 'EdDSA', kid: key.kid, typ: 'cta-membership+jwt' })
    const payload = decode(p) as Record<string, unknown>
    expect(payload).toMatchObject({
      iss: AUTHORITY,
      sub: subject.sub,
      aud: TOOL,
      client_id: TOOL,
      iat: T,
      exp: T + 300,
      cta_ver: '1',
      groups: [GROUP],
      roles: ['member'],
      entitlements: ['read', 'participate', 'propose'],
      cta_membership: subject.membership,
      cta_status: 'active',
    })
    expect(payload['jti']).toMatch(/^[0-9a-f-]{36}$/)
    expect(decode((await issue()).split('.')[1] ?? '')).not.toHaveProperty('jti', payload['jti'])
  })

  it('[AUTH-ASN-001] rejects a lifetime over 300 s, a missing audience and claims that would not validate', async () => {
    await expect(issue({ lifetime: 301 })).rejects.toThrow(TypeError)
    await expect(issue({ lifetime: 0 })).rejects.toThrow(TypeError)
    await expect(issueGroupAssertion(subject, key, { issuer: AUTHORITY } as never)).rejects.toThrow(
      TypeError,
    )
    await expect(
      codeOf(
        issueGroupAssertion({ ...subject, roles: [] }, key, {
          issuer: AUTHORITY,
          audience: TOOL,
        }),
      ),
    ).resolves.toBe('ERR_SCHEMA_INVALID')
    await expect(
      codeOf(
        issueGroupAssertion({ ...subject, group: 'not an iri' }, key, {
          issuer: AUTHORITY,
          audience: TOOL,
        }),
      ),
    ).resolves.toBe('ERR_SCHEMA_INVALID')
  })
})

describe('verifyGroupAssertion accepts', () => {
  it('[AUTH-VER-001] [AUTH-VER-002] [AUTH-VER-003] [AUTH-VER-004] [AUTH-VER-005] [AUTH-VER-006] [AUTH-VER-007] [AUTH-VER-009] accepts assertions signed with Ed25519 and ES256, and returns frozen claims', async () => {
    for (const signer of [key, es256]) {
      const { claims: verified, kid } = await verifyGroupAssertion(await issue({}, signer), base)
      expect(kid).toBe(signer.kid)
      expect(verified.groups).toEqual([GROUP])
      expect(verified.sub).toBe(subject.sub)
      expect(Object.isFrozen(verified)).toBe(true)
    }
  })

  it('[AUTH-VER-003] accepts with the authority JWKS instead of a resolver, and with the node:crypto verifier', async () => {
    const jwt = await issue()
    const { resolveKey: _r, ...withoutResolver } = base
    await expect(verifyGroupAssertion(jwt, { ...withoutResolver, jwks })).resolves.toBeDefined()
    await expect(
      verifyGroupAssertion(jwt, { ...base, verifySignature: nodeSignatureVerifier() }),
    ).resolves.toBeDefined()
  })

  it('[AUTH-VER-007] accepts within the clock skew on both sides, and unknown claims are ignored', async () => {
    const early = await issue({ currentDate: new Date(NOW.getTime() + 59_000) })
    await expect(codeOf(verifyGroupAssertion(early, base))).resolves.toBe('accepted')
    const late = await issue({ currentDate: new Date(NOW.getTime() - 359_000) })
    await expect(codeOf(verifyGroupAssertion(late, base))).resolves.toBe('accepted')
    const extra = await forge(header, { ...claims, locale: 'mi-NZ', cnf: { jkt: 'x' } }, key)
    await expect(codeOf(verifyGroupAssertion(extra, base))).resolves.toBe('accepted')
  })

  it('[AUTH-VER-008] accepts each assertion once with a replay store, and again after it expired from the store', async () => {
    let now = NOW.getTime()
    const replay = createMemoryDedupeStore({ now: () => now })
    const jwt = await issue()
    await expect(codeOf(verifyGroupAssertion(jwt, { ...base, replay }))).resolves.toBe('accepted')
    const other = await issue()
    await expect(codeOf(verifyGroupAssertion(other, { ...base, replay }))).resolves.toBe('accepted')
    now += 1_000_000
    await expect(
      codeOf(verifyGroupAssertion(jwt, { ...base, replay, currentDate: NOW })),
    ).resolves.toBe('accepted')
  })
})

function hs256(): string {
  const h = encodeBase64url(Buffer.from(JSON.stringify({ ...header, alg: 'HS256' })))
  const p = encodeBase64url(Buffer.from(JSON.stringify(claims)))
  const secret = JSON.stringify(key.publicJwk)
  const sig = createHmac('sha256', secret).update(`${h}.${p}`).digest()
  return `${h}.${p}.${encodeBase64url(sig)}`
}

describe('verifyGroupAssertion rejects hostile assertions, each with its code', () => {
  const cases: [string, () => Promise<string>, string, Partial<VerifyGroupAssertionOptions>?][] = [
    [
      '[AUTH-VER-005] rejects an assertion for another audience',
      () => issue({ audience: OTHER_TOOL }),
      'ERR_AUDIENCE_MISMATCH',
    ],
    [
      '[AUTH-VER-006] rejects an assertion for another group',
      () =>
        issueGroupAssertion({ ...subject, group: OTHER_GROUP }, key, {
          issuer: AUTHORITY,
          audience: TOOL,
          currentDate: NOW,
        }),
      'ERR_GROUP_MISMATCH',
    ],
    [
      '[AUTH-VER-007] rejects an expired assertion',
      () => issue({ currentDate: new Date(NOW.getTime() - 361_000) }),
      'ERR_ASSERTION_EXPIRED',
    ],
    [
      '[AUTH-VER-007] rejects an assertion issued in the future',
      () => issue({ currentDate: new Date(NOW.getTime() + 61_000) }),
      'ERR_ASSERTION_NOT_YET_VALID',
    ],
    [
      '[AUTH-VER-007] rejects an assertion not valid before a future nbf',
      () => forge(header, { ...claims, nbf: T + 120 }, key),
      'ERR_ASSERTION_NOT_YET_VALID',
    ],
    [
      '[AUTH-VER-007] rejects an assertion living longer than 300 s',
      () => forge(header, { ...claims, exp: T + 301 }, key),
      'ERR_ASSERTION_LIFETIME',
    ],
    [
      '[AUTH-VER-007] rejects an assertion whose exp is not after its iat',
      () => forge(header, { ...claims, exp: T }, key),
      'ERR_ASSERTION_LIFETIME',
    ],
    [
      '[AUTH-VER-001] rejects a token without typ (an ID token)',
      () => forge({ alg: 'EdDSA', kid: key.kid }, claims, key),
      'ERR_TYP_MISMATCH',
    ],
    [
      '[AUTH-VER-001] rejects typ at+jwt (an access token)',
      () => forge({ ...header, typ: 'at+jwt' }, claims, key),
      'ERR_TYP_MISMATCH',
    ],
    [
      '[AUTH-VER-001] rejects typ JWT',
      () => forge({ ...header, typ: 'JWT' }, claims, key),
      'ERR_TYP_MISMATCH',
    ],
    [
      '[AUTH-VER-001] rejects a signed event presented as an assertion',
      () => forge({ ...header, typ: 'cta-event+jws' }, claims, key),
      'ERR_TYP_MISMATCH',
    ],
    [
      '[AUTH-VER-001] rejects a key in the header (jwk)',
      () => forge({ ...header, jwk: intruder.publicJwk }, claims, intruder),
      'ERR_HEADER_NOT_ALLOWED',
    ],
    [
      '[AUTH-VER-001] rejects crit',
      () => forge({ ...header, crit: ['exp'] }, claims, key),
      'ERR_HEADER_NOT_ALLOWED',
    ],
    [
      '[AUTH-VER-002] rejects alg none with an empty signature',
      async () => (await forge({ ...header, alg: 'none' }, claims, key)).replace(/[^.]+$/, ''),
      'ERR_ALG_NOT_ALLOWED',
    ],
    [
      '[AUTH-VER-002] rejects alg NONE',
      () => forge({ ...header, alg: 'NONE' }, claims, key),
      'ERR_ALG_NOT_ALLOWED',
    ],
    [
      '[AUTH-VER-002] rejects HS256 with the public key as secret',
      () => Promise.resolve(hs256()),
      'ERR_ALG_NOT_ALLOWED',
    ],
    [
      '[AUTH-VER-002] rejects an ES256 header on an Ed25519 key',
      () => forge({ ...header, alg: 'ES256' }, claims, key),
      'ERR_ALG_NOT_ALLOWED',
    ],
    [
      '[AUTH-VER-003] rejects an assertion signed by another issuer’s key under the authority’s kid',
      () => forge(header, claims, intruder),
      'ERR_SIGNATURE_INVALID',
    ],
    [
      '[AUTH-VER-003] rejects a kid the authority does not publish',
      () => issue({}, intruder),
      'ERR_KEY_UNRESOLVED',
    ],
    [
      '[AUTH-VER-003] rejects tampered claims',
      async () => {
        const [h, , s] = (await issue()).split('.')
        const p = encodeBase64url(Buffer.from(JSON.stringify({ ...claims, roles: ['admin'] })))
        return `${h ?? ''}.${p}.${s ?? ''}`
      },
      'ERR_SIGNATURE_INVALID',
    ],
    [
      '[AUTH-VER-003] rejects a flipped signature bit',
      async () => {
        const jwt = await issue()
        const last = jwt.at(-2) === 'A' ? 'B' : 'A'
        return `${jwt.slice(0, -2)}${last}${jwt.at(-1) ?? ''}`
      },
      'ERR_SIGNATURE_INVALID',
    ],
    [
      '[AUTH-VER-004] rejects an issuer that is not the group’s authority',
      () =>
        issueGroupAssertion(subject, intruder, {
          issuer: OTHER_AUTHORITY,
          audience: TOOL,
          currentDate: NOW,
        }),
      'ERR_ISSUER_NOT_AUTHORITY',
      { resolveKey: both },
    ],
    [
      '[AUTH-VER-004] rejects the authority as iss signed with a key another issuer publishes',
      () =>
        issueGroupAssertion(subject, intruder, {
          issuer: AUTHORITY,
          audience: TOOL,
          currentDate: NOW,
        }),
      'ERR_ISSUER_NOT_AUTHORITY',
      { resolveKey: both },
    ],
    [
      '[AUTH-VER-009] rejects two groups',
      () => forge(header, { ...claims, groups: [GROUP, OTHER_GROUP] }, key),
      'ERR_SCHEMA_INVALID',
    ],
    [
      '[AUTH-VER-009] rejects an array audience',
      () => forge(header, { ...claims, aud: [TOOL, OTHER_TOOL] }, key),
      'ERR_SCHEMA_INVALID',
    ],
    [
      '[AUTH-VER-009] rejects exp 1e400',
      () => forge(header, JSON.stringify(claims).replace(/"exp":\d+/, '"exp":1e400'), key),
      'ERR_SCHEMA_INVALID',
    ],
    [
      '[AUTH-VER-009] rejects a missing jti',
      () => forge(header, { ...claims, jti: undefined }, key),
      'ERR_SCHEMA_INVALID',
    ],
    [
      '[AUTH-VER-009] rejects a duplicate member name',
      () => forge(header, JSON.stringify(claims).replace('{', `{"aud":"${OTHER_TOOL}",`), key),
      'ERR_JSON_INVALID',
    ],
    [
      '[AUTH-VER-009] rejects __proto__',
      () => forge(header, JSON.stringify(claims).replace('{', '{"__proto__":{},'), key),
      'ERR_JSON_INVALID',
    ],
    ['rejects a JWE (five parts)', () => Promise.resolve('a.b.c.d.e'), 'ERR_JWS_MALFORMED'],
    [
      'rejects an oversized token',
      () => Promise.resolve(`${'a'.repeat(9000)}.b.c`),
      'ERR_TOO_LARGE',
    ],
    [
      'rejects padded base64url',
      async () => (await issue()).replace('.', '=.'),
      'ERR_JWS_MALFORMED',
    ],
    [
      'rejects a signature whose last character has unused bits set',
      async () => {
        const jwt = await issue()
        const last = jwt.at(-1) ?? 'A'
        const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
        return `${jwt.slice(0, -1)}${ALPHABET[ALPHABET.indexOf(last) ^ 1] ?? 'B'}`
      },
      'ERR_JWS_MALFORMED',
    ],
    [
      // The shape is checked before the signature (AUTH-VER order, EVT-SIG-004).
      '[EVT-SIG-004] rejects base64 characters outside the URL-safe alphabet in the claims part',
      async () => {
        const [h, p, sig] = (await issue()).split('.')
        return `${h ?? ''}.${(p ?? '').slice(0, -4)}+/+/.${sig ?? ''}`
      },
      'ERR_JWS_MALFORMED',
    ],
    [
      '[AUTH-VER-009] rejects signed claims that are not UTF-8',
      () => forgeBytes(new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])),
      'ERR_JSON_INVALID',
    ],
    [
      '[AUTH-VER-009] rejects an escaped duplicate member name',
      () => forge(header, JSON.stringify(claims).replace('{', '{"\\u0061ud":"x",'), key),
      'ERR_JSON_INVALID',
    ],
    [
      '[AUTH-VER-009] rejects claims nested deeper than 4',
      () => forge(header, { ...claims, cnf: { a: { b: { c: { d: 1 } } } } }, key),
      'ERR_JSON_INVALID',
    ],
    [
      '[AUTH-VER-009] accepts escaped quotes inside a value, which make no member name',
      () => forge(header, { ...claims, locale: 'x\\",\\"aud\\":\\"y' }, key),
      'accepted',
    ],
  ]
  for (const [title, make, code, extra] of cases) {
    it(title, async () => {
      await expect(codeOf(verifyGroupAssertion(await make(), { ...base, ...extra }))).resolves.toBe(
        code,
      )
    })
  }

  it('[AUTH-VER-008] rejects a replayed jti, also when the same claims come with another signature', async () => {
    const replay = createMemoryDedupeStore({ now: () => NOW.getTime() })
    const jwt = await issue({ jti: 'replayed-jti' })
    await verifyGroupAssertion(jwt, { ...base, replay })
    await expect(codeOf(verifyGroupAssertion(jwt, { ...base, replay }))).resolves.toBe(
      'ERR_REPLAYED',
    )
    const twin = await issue({ jti: 'replayed-jti' }, es256)
    expect(twin).not.toBe(jwt)
    await expect(codeOf(verifyGroupAssertion(twin, { ...base, replay }))).resolves.toBe(
      'ERR_REPLAYED',
    )
  })

  it('throws TypeError, not a protocol error, when group, audience, authority or keys are missing', async () => {
    const jwt = await issue()
    for (const missing of ['group', 'audience', 'authority'] as const) {
      const { [missing]: _gone, ...rest } = base
      await expect(verifyGroupAssertion(jwt, rest as never)).rejects.toThrow(TypeError)
    }
    const { resolveKey: _r, ...noKeys } = base
    await expect(verifyGroupAssertion(jwt, noKeys)).rejects.toThrow(TypeError)
    await expect(verifyGroupAssertion(42 as never, base)).rejects.toThrow(TypeError)
  })
})
