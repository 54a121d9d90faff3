import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isDateTime, isIri } from '../src/validate/formats.js'

describe('isIri', () => {
  it.each([
    'https://decisions.example/g/harbour-commons',
    'https://budgeting.example/proposals/7c1e2a#primary',
    'urn:uuid:0190e7a4-8a3b-7c4d-9e5f-a1b2c3d4e5f6',
    'https://例え.example/グループ',
    'mailto:aroha@decisions.example',
  ])('accepts %s', (iri) => {
    expect(isIri(iri)).toBe(true)
  })

  it.each([
    '',
    'relative/path',
    '/absolute-path-only',
    '//no-scheme.example',
    'https://has space.example',
    'https://x.example/<script>',
    'https://x.example/\u0000',
    'https://x.example/\n',
    '1http://starts-with-digit.example',
    `https://x.example/${'a'.repeat(2048)}`,
  ])('rejects %j', (iri) => {
    expect(isIri(iri)).toBe(false)
  })
})

describe('isDateTime', () => {
  it.each([
    '2026-08-20T09:12:44Z',
    '2026-08-20T09:12:44.123Z',
    '2026-08-20T09:12:44+12:45',
    '2024-02-29T00:00:00Z',
    '2026-12-31T23:59:60Z',
  ])('accepts %s', (value) => {
    expect(isDateTime(value)).toBe(true)
  })

  it.each([
    '2026-08-20',
    '2026-08-20T09:12:44',
    '2026-08-20 09:12:44Z',
    '2026-08-20t09:12:44z',
    '2026-02-29T00:00:00Z',
    '2026-02-30T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-00-10T00:00:00Z',
    '2026-04-31T00:00:00Z',
    '2026-08-20T24:00:00Z',
    '2026-08-20T09:60:00Z',
    '2026-08-20T09:12:44+24:00',
    '2026-08-20T09:12:44.1234567890Z',
    '2026-08-20T09:12:44.Z',
    '2026-08-20T09:12:44+05:3',
    '2026-08-20T09:12:44+05:30x',
    '2026-08-20T09:12:44Zx',
    '+2026-08-20T09:12:44Z',
    '２０２６-08-20T09:12:44Z',
    '1e400',
  ])('rejects %j', (value) => {
    expect(isDateTime(value)).toBe(false)
  })
})

/** A straightforward reference: a regular expression plus calendar checks. */
function referenceDateTime(value: string): boolean {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-](\d{2}):(\d{2}))$/.exec(
      value,
    )
  if (m === null) return false
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = m.slice(1, 7).map(Number)
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0
  const zoneOk = m[9] === undefined || (Number(m[9]) <= 23 && Number(m[10]) <= 59)
  return day >= 1 && day <= days && hour <= 23 && minute <= 59 && second <= 60 && zoneOk
}

describe('isDateTime against a reference implementation', () => {
  it('agrees on arbitrary date-like strings', () => {
    const dateLike = fc
      .array(fc.constantFrom(...'0123456789-:T.Z+z '.split('')), { minLength: 15, maxLength: 35 })
      .map((chars) => chars.join(''))
    const nearValid = fc
      .tuple(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        fc.integer({ min: 0, max: 25 }),
        fc.integer({ min: 0, max: 61 }),
        fc.integer({ min: 0, max: 61 }),
        fc.constantFrom('', '.5', '.123456789', '.1234567890', '.'),
        fc.constantFrom('Z', '+00:00', '-12:45', '+24:00', '+05:60', 'z', ''),
      )
      .map(([y, mo, d, h, mi, s, frac, zone]) => {
        const p = (n: number, w = 2) => String(n).padStart(w, '0')
        return `${p(y, 4)}-${p(mo)}-${p(d)}T${p(h)}:${p(mi)}:${p(s)}${frac}${zone}`
      })
    fc.assert(
      fc.property(fc.oneof(dateLike, nearValid), (value) => {
        expect(isDateTime(value)).toBe(referenceDateTime(value))
      }),
      { numRuns: 20_000 },
    )
  })
})
