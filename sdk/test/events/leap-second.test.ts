import { PGlite } from '@electric-sql/pglite'
import { afterAll, describe, expect, it } from 'vitest'
import { createPgliteDeliveryStore } from '../../node/index.js'
import {
  createMembershipCache,
  createMemoryDedupeStore,
  signEvent,
  verifyEvent,
  type DeliveryStore,
  type Event,
  type MembershipAssertionClaims,
} from '../../src/index.js'
import { parseInstant, readInstant } from '../../src/internal/parse-instant.js'
import { codeOf } from '../helpers/code-of.js'
import { NOW, joinedEvent, keys } from '../helpers/events.js'

describe('parseInstant', () => {
  it('[EVT-TIME-001] accepts a leap second as the last millisecond of its minute', () => {
    expect(parseInstant('2016-12-31T23:59:60Z')).toBe(Date.parse('2016-12-31T23:59:59.999Z'))
    expect(parseInstant('2026-08-20T09:12:60+02:00')).toBe(Date.parse('2026-08-20T07:12:59.999Z'))
  })

  it('[EVT-TIME-001] accepts what Date.parse reads, at millisecond precision, truncated', () => {
    for (const time of [
      '2026-08-20T09:12:44Z',
      '2026-08-20T09:12:44.5Z',
      '2026-08-20T09:12:44.123456789Z',
      '2026-08-20T09:12:44-05:30',
      '1969-12-31T23:59:59Z',
      '2024-02-29T00:00:00Z',
    ]) {
      const truncated = time.replace(/(\.\d{3})\d+/, '$1')
      expect(parseInstant(time), time).toBe(Date.parse(truncated))
    }
  })

  it('[EVT-TIME-001] rejects a time that cannot be compared, with a code', () => {
    for (const bad of [
      '2026-08-20T09:12:61Z',
      '2026-02-30T09:12:44Z',
      '2026-08-20t09:12:44Z',
      '2026-08-20T09:12:44',
      '2026-08-20T24:00:00Z',
      '',
      12,
      undefined,
    ]) {
      expect(parseInstant(bad), String(bad)).toBeNaN()
      expect(() => readInstant(bad), String(bad)).toThrow(
        expect.objectContaining({ code: 'ERR_SCHEMA_INVALID' }),
      )
    }
  })
})

describe('verifyEvent with a leap second', () => {
  const stores: DeliveryStore[] = []
  const dbs: PGlite[] = []
  afterAll(async () => {
    for (const store of stores) await store.close()
    for (const db of dbs) await db.close()
  })

  it('[EVT-TIME-001] rejects a ten-day-old event stamped :60 as stale', async () => {
    const { key, resolveKey } = await keys()
    const jws = await signEvent(joinedEvent({ time: '2026-08-10T09:12:60Z' }), key)
    expect(await codeOf(verifyEvent(jws, { resolveKey, currentDate: NOW }))).toBe('ERR_EVENT_STALE')
  })

  it('[EVT-TIME-001] rejects an event stamped :60 beyond the skew as future, and accepts one within', async () => {
    const { key, resolveKey } = await keys()
    const future = await signEvent(joinedEvent({ time: '2026-08-20T09:14:60Z' }), key)
    expect(await codeOf(verifyEvent(future, { resolveKey, currentDate: NOW }))).toBe(
      'ERR_EVENT_FUTURE',
    )
    const near = await signEvent(joinedEvent({ time: '2026-08-20T09:13:60Z' }), key)
    expect(await codeOf(verifyEvent(near, { resolveKey, currentDate: NOW }))).toBe('accepted')
  })

  it('[EVT-TIME-001] rejects the second delivery of an event stamped :60 (memory and PGlite dedupe)', async () => {
    const { key, resolveKey } = await keys()
    const db = new PGlite()
    dbs.push(db)
    const pglite = await createPgliteDeliveryStore({
      db,
      schema: 'leap_second',
      now: () => NOW.getTime(),
    })
    stores.push(pglite)
    for (const dedupe of [createMemoryDedupeStore({ now: () => NOW.getTime() }), pglite.dedupe]) {
      const jws = await signEvent(joinedEvent({ time: '2026-08-20T09:12:60Z' }), key)
      const options = { resolveKey, dedupe, currentDate: NOW }
      expect(await codeOf(verifyEvent(jws, options))).toBe('accepted')
      expect(await codeOf(verifyEvent(jws, options))).toBe('ERR_DUPLICATE')
    }
  })
})

describe('createMembershipCache with a leap second', () => {
  const AUTHORITY = 'https://decisions.example'
  const GROUP = `${AUTHORITY}/g/harbour-commons`
  const AROHA = `${AUTHORITY}/u/aroha`
  const at = Date.parse('2026-08-20T09:13:00Z')
  const claims = (iat: number): MembershipAssertionClaims => ({
    iss: AUTHORITY,
    sub: AROHA,
    aud: 'https://budgeting.example',
    client_id: 'https://budgeting.example',
    cta_status: 'active',
    iat,
    exp: iat + 300,
    jti: `jti-${iat}`,
    cta_ver: '1',
    groups: [GROUP],
    roles: ['member'],
    entitlements: ['read'],
  })
  const removal = (time: unknown): Event =>
    ({
      specversion: '1.0',
      id: '01890000-0000-7000-8000-000000000001',
      source: AUTHORITY,
      type: 'tech.collaborative.membership.removed',
      time,
      group: GROUP,
      data: { result: { organization: GROUP, member: { id: AROHA } } },
    }) as unknown as Event

  it('[EVT-TIME-001] rejects an assertion issued before a removal stamped :60 (not undone by the older join)', () => {
    const cache = createMembershipCache({ now: () => at })
    const older = claims(Math.floor(at / 1000) - 30) // issued at 09:12:30, before the removal
    cache.admit(older)
    cache.onEvent(removal('2026-08-20T09:12:60Z'))
    expect(() => cache.check(AROHA, GROUP)).toThrow(
      expect.objectContaining({ code: 'ERR_MEMBERSHIP_ENDED' }),
    )
    expect(() => cache.admit(older)).toThrow(
      expect.objectContaining({ code: 'ERR_MEMBERSHIP_ENDED' }),
    )
    // An assertion issued after the removal (the member joined again) is accepted.
    expect(cache.admit(claims(Math.floor(at / 1000))).sub).toBe(AROHA)
  })

  it('[EVT-TIME-001] rejects an ending event whose time cannot be compared, rather than ignoring it', () => {
    const cache = createMembershipCache({ now: () => at })
    expect(() => {
      cache.onEvent(removal('2026-08-20 09:12:00'))
    }).toThrow(expect.objectContaining({ code: 'ERR_SCHEMA_INVALID' }))
  })
})
