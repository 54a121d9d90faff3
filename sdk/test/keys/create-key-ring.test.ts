import { describe, expect, it } from 'vitest'
import {
  DEFAULT_CLOCK_TOLERANCE,
  DEFAULT_MAX_EVENT_AGE,
  createKeyRing,
  generateSigningKey,
  staticKeyResolver,
  verifyKeyRevocation,
} from '../../src/index.js'

const ORIGIN = 'https://rotating.example'
const HOUR = 3_600_000
const WINDOW = (DEFAULT_MAX_EVENT_AGE + DEFAULT_CLOCK_TOLERANCE) * 1000

const kids = (keys: readonly { kid: string }[]) => keys.map((k) => k.kid)

describe('createKeyRing', () => {
  it('[EVT-ROT-001] [EVT-ROT-002] publishes the next key an hour before it signs, and keeps the old one for the window after', async () => {
    let t = 0
    const a = await generateSigningKey({ origin: ORIGIN })
    const b = await generateSigningKey({ origin: ORIGIN })
    const ring = createKeyRing({ current: a, now: () => t })
    expect(ring.cacheControl).toBe('max-age=3600')
    t = 1000
    expect(ring.rotate(b).getTime()).toBe(1000 + HOUR)
    expect(kids(ring.published())).toEqual([a.kid, b.kid])
    expect(ring.signingKey().kid).toBe(a.kid)
    expect(ring.signingKey(new Date(1000 + HOUR - 1)).kid).toBe(a.kid)
    expect(ring.signingKey(new Date(1000 + HOUR)).kid).toBe(b.kid)
    // Every event a signed is past the window plus skew before it leaves the JWKS.
    const lastSigned = 1000 + HOUR - 1
    expect(kids(ring.published(new Date(lastSigned + WINDOW)))).toEqual([a.kid, b.kid])
    expect(kids(ring.published(new Date(1000 + HOUR + WINDOW)))).toEqual([b.kid])
    expect(ring.entries()[0]).toMatchObject({
      signsUntil: 1000 + HOUR,
      unpublishedAt: 1000 + HOUR + WINDOW,
    })
    expect(ring.jwks(new Date(1000 + HOUR + WINDOW)).keys.map((k) => k.kid)).toEqual([b.kid])
  })

  it('[EVT-ROT-001] [EVT-ROT-002] breaks: a lead shorter than receivers cache, a retention shorter than the window, or a second rotation before the first key signs, is refused', async () => {
    const a = await generateSigningKey({ origin: ORIGIN })
    expect(() => createKeyRing({ current: a, publishLead: 5 })).toThrow(TypeError)
    expect(() => createKeyRing({ current: a, publishLead: 7200 })).toThrow(TypeError)
    expect(() => createKeyRing({ current: a, retainFor: 3600 })).toThrow(TypeError)
    const ring = createKeyRing({ current: a, publishLead: 60, now: () => 0 })
    expect(ring.cacheControl).toBe('max-age=60')
    ring.rotate(await generateSigningKey({ origin: ORIGIN }))
    expect(() => ring.rotate(a)).toThrow(TypeError)
  })

  it('[EVT-ROT-003] never takes a kid twice, and accepts a fresh one', async () => {
    const a = await generateSigningKey({ origin: ORIGIN })
    const b = await generateSigningKey({ origin: ORIGIN })
    let t = 0
    const ring = createKeyRing({ current: a, publishLead: 10, now: () => t })
    ring.rotate(b)
    t = 20_000
    expect(() => ring.rotate(a)).toThrow(/used before/)
    const sameKid = await generateSigningKey({ origin: ORIGIN, kid: b.kid })
    expect(() => ring.rotate(sameKid)).toThrow(/used before/)
    const c = await generateSigningKey({ origin: ORIGIN })
    t = 40_000
    expect(ring.rotate(c).getTime()).toBe(50_000)
  })

  it('[EVT-REV-001] revokes in a hurry: the key leaves the JWKS at once and never signs again, the next one signs now, and the revocation verifies with the revoked key', async () => {
    let t = 0
    const a = await generateSigningKey({ origin: ORIGIN })
    const b = await generateSigningKey({ origin: ORIGIN })
    const ring = createKeyRing({ current: a, now: () => t })
    ring.rotate(b)
    const resolveKey = staticKeyResolver([{ source: ORIGIN, jwks: ring.jwks() }])
    t = 5000
    const revocation = await ring.revoke(a.kid)
    expect(kids(ring.published())).toEqual([b.kid])
    expect(ring.signingKey().kid).toBe(b.kid)
    expect(ring.entries()[0]).toMatchObject({ revokedAt: 5000, unpublishedAt: 5000 })
    expect(await verifyKeyRevocation(revocation, { resolveKey })).toEqual({
      kid: a.kid,
      source: ORIGIN,
    })
    // Revoking the only key that may sign leaves none: the tool must rotate, and the new key signs at once.
    await ring.revoke(b.kid)
    expect(() => ring.signingKey()).toThrow(TypeError)
    const c = await generateSigningKey({ origin: ORIGIN })
    expect(ring.rotate(c).getTime()).toBe(5000)
    expect(ring.signingKey().kid).toBe(c.kid)
    await expect(ring.revoke('https://rotating.example#nope')).rejects.toThrow(TypeError)
  })
})
