import { describe, expect, it } from 'vitest'
import {
  generateSigningKey,
  toJwks,
  verifyGroupAssertion,
  type VerifyGroupAssertionOptions,
} from '../../src/index.js'
import { codeOf } from '../helpers/code-of.js'
import { forge } from '../helpers/events.js'

const AUTHORITY = 'https://decisions.example'
const GROUP = `${AUTHORITY}/g/harbour-commons`
const TOOL = 'https://budgeting.example'
const NOW = new Date('2026-08-20T09:13:00Z')
const T = Math.floor(NOW.getTime() / 1000)

const key = await generateSigningKey({ kid: 'decisions-2026' })
const header = { alg: 'EdDSA', kid: key.kid, typ: 'cta-membership+jwt' }
const base: VerifyGroupAssertionOptions = {
  group: GROUP,
  audience: TOOL,
  authority: AUTHORITY,
  jwks: toJwks([key]),
  currentDate: NOW,
}
let n = 0
const claims = (changes: Record<string, unknown> = {}) => ({
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
  ...changes,
})
const sign = (changes?: Record<string, unknown>) => forge(header, claims(changes), key)

/** The `code` of what `fn` throws synchronously or rejects with. */
async function thrownCode(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn()
  } catch (err) {
    return (err as { code?: unknown }).code
  }
  return 'accepted'
}

describe('verifyGroupAssertion: status and option limits', () => {
  it('[AUTH-VER-010] rejects an assertion whose cta_status is not active, and accepts active', async () => {
    for (const status of ['requested', 'invited', 'suspended', 'left', 'removed']) {
      const jwt = await sign({ cta_status: status })
      expect(await codeOf(verifyGroupAssertion(jwt, base)), status).toBe('ERR_MEMBERSHIP_ENDED')
    }
    expect(await codeOf(verifyGroupAssertion(await sign(), base))).toBe('accepted')
  })

  it('[AUTH-VER-007] rejects maxLifetime above 300 s as a caller error, instead of accepting a 301 s assertion', async () => {
    const jwt = await sign({ exp: T + 301 })
    for (const maxLifetime of [301, 3600, 0, -1, Number.NaN, Infinity]) {
      expect(
        await thrownCode(() => verifyGroupAssertion(jwt, { ...base, maxLifetime })),
        String(maxLifetime),
      ).toBe('ERR_OUT_OF_RANGE')
    }
    await expect(verifyGroupAssertion(jwt, { ...base, maxLifetime: 3600 })).rejects.toThrow(
      RangeError,
    )
    // Narrowing is allowed.
    expect(await codeOf(verifyGroupAssertion(await sign(), { ...base, maxLifetime: 299 }))).toBe(
      'ERR_ASSERTION_LIFETIME',
    )
    expect(await codeOf(verifyGroupAssertion(await sign(), { ...base, maxLifetime: 300 }))).toBe(
      'accepted',
    )
  })

  it('[AUTH-VER-007] rejects clockTolerance above 60 s as a caller error, instead of accepting an assertion expired a day ago', async () => {
    const jwt = await sign({ iat: T - 86_000, exp: T - 85_700 })
    for (const clockTolerance of [61, 86_400, -1, Number.NaN]) {
      expect(
        await thrownCode(() => verifyGroupAssertion(jwt, { ...base, clockTolerance })),
        String(clockTolerance),
      ).toBe('ERR_OUT_OF_RANGE')
    }
    const expired30sAgo = await sign({ iat: T - 330, exp: T - 30 })
    expect(await codeOf(verifyGroupAssertion(expired30sAgo, { ...base, clockTolerance: 0 }))).toBe(
      'ERR_ASSERTION_EXPIRED',
    )
    expect(await codeOf(verifyGroupAssertion(expired30sAgo, { ...base, clockTolerance: 60 }))).toBe(
      'accepted',
    )
  })
})
