// AUTH-SUB-001: an assertion's `sub` is the member IRI in URI form, at most 255 ASCII characters,
// the limit OpenID Connect Core §2 sets. The authority cannot issue another, and a relying tool
// refuses one signed by hand.
import { describe, expect, it } from 'vitest'
import {
  generateSigningKey,
  issueGroupAssertion,
  staticKeyResolver,
  toJwks,
  validateDocument,
  verifyGroupAssertion,
} from '../../src/index.js'
import { codeOf } from '../helpers/code-of.js'
import { forge } from '../helpers/events.js'

const AUTHORITY = 'https://decisions.example'
const GROUP = 'https://decisions.example/g/harbour-commons'
const TOOL = 'https://budgeting.example'
const NOW = new Date('2026-08-20T09:13:00Z')
const key = await generateSigningKey({ origin: AUTHORITY })
const prefix = `${AUTHORITY}/u/`
const ofLength = (n: number): string => prefix + 'm'.repeat(n - prefix.length)

const issue = (sub: string): Promise<string> =>
  issueGroupAssertion({ sub, group: GROUP, roles: ['member'], entitlements: ['read'] }, key, {
    issuer: AUTHORITY,
    audience: TOOL,
    currentDate: NOW,
  })
const verify = (token: string) =>
  verifyGroupAssertion(token, {
    group: GROUP,
    audience: TOOL,
    authority: AUTHORITY,
    resolveKey: staticKeyResolver([{ source: AUTHORITY, jwks: toJwks([key]) }]),
    currentDate: NOW,
  })

describe('the sub of a membership assertion', () => {
  it('[AUTH-SUB-001] accepts a member IRI of 255 ASCII characters, and one in URI form', async () => {
    for (const sub of [ofLength(255), `${prefix}t%C5%8Dmas`, `${prefix}aroha`]) {
      const claims = (await verify(await issue(sub))).claims
      expect(claims.sub).toBe(sub)
    }
  })

  it('[AUTH-SUB-001] refuses to issue a sub longer than 255 characters or with non-ASCII characters', async () => {
    for (const sub of [ofLength(256), ofLength(2048), `${prefix}tōmas`, `${prefix}a b`]) {
      expect(await codeOf(issue(sub)), sub.slice(0, 40)).toBe('ERR_SCHEMA_INVALID')
    }
  })

  it('[AUTH-SUB-001] rejects an assertion signed by the authority with such a sub', async () => {
    const good = await issue(`${prefix}aroha`)
    const claims = JSON.parse(
      Buffer.from(good.split('.')[1] ?? '', 'base64url').toString(),
    ) as Record<string, unknown>
    const header = { alg: key.alg, kid: key.kid, typ: 'cta-membership+jwt' }
    for (const sub of [ofLength(256), `${prefix}tōmas`]) {
      const token = await forge(header, { ...claims, sub }, key)
      expect(await codeOf(verify(token)), sub.slice(0, 40)).toBe('ERR_SCHEMA_INVALID')
    }
  })

  it('[AUTH-SUB-001] is what the published claims schema says', () => {
    const valid = (sub: string) =>
      validateDocument(
        {
          iss: AUTHORITY,
          sub,
          aud: TOOL,
          client_id: TOOL,
          iat: 1,
          exp: 2,
          jti: 'j',
          groups: [GROUP],
          roles: ['member'],
          entitlements: [],
          cta_ver: '1',
          cta_status: 'active',
        },
        { kind: 'MembershipAssertionClaims' },
      ).valid
    expect(valid(ofLength(255))).toBe(true)
    expect(valid(ofLength(256))).toBe(false)
    expect(valid(`${prefix}tōmas`)).toBe(false)
  })
})
