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
    '1e400',
  ])('rejects %j', (value) => {
    expect(isDateTime(value)).toBe(false)
  })
})
