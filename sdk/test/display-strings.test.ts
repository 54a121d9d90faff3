import { describe, expect, it } from 'vitest'
import { signEvent, validateDocument, verifyEvent } from '../src/index.js'
import { codeOf } from './helpers/code-of.js'
import { loadDocument } from './helpers/documents.js'
import { NOW, forge, joinedEvent, keys } from './helpers/events.js'

const currency = loadDocument('resource-specification.json') as Record<string, unknown>
const group = loadDocument('group.json') as Record<string, unknown>
const offer = loadDocument('proposal-offer.json') as Record<string, unknown>

/** The first issue's path and keyword, or `valid`. */
function verdict(document: unknown): string {
  const result = validateDocument(document)
  if (result.valid) return 'valid'
  const issue = result.issues[0]
  return `${issue?.instancePath ?? ''} ${issue?.keyword ?? ''}`
}

describe('display strings (DOC-TEXT-001)', () => {
  it('[DOC-TEXT-001] rejects bidi controls and invisible characters in a currency symbol', () => {
    for (const char of ['\u202e', '\u202a', '\u2066', '\u2069', '\u200b', '\u2060', '\ufeff']) {
      expect(
        verdict({ ...currency, symbol: `${char}RUE` }),
        `U+${char.codePointAt(0)?.toString(16) ?? ''}`,
      ).toBe('/symbol pattern')
    }
    for (const char of [
      '\u200c',
      '\u200d',
      '\u200e',
      '\u200f',
      '\u061c',
      '\u0000',
      '\n',
      '\u0085',
    ]) {
      expect(
        verdict({ ...currency, symbol: `H${char}C` }),
        `U+${char.codePointAt(0)?.toString(16) ?? ''}`,
      ).toBe('/symbol pattern')
    }
    expect(verdict({ ...currency, symbol: '€' })).toBe('valid')
    expect(verdict({ ...currency, symbol: 'R$' })).toBe('valid')
  })

  it('[DOC-TEXT-001] rejects bidi controls and invisible characters in names, summaries and tags', () => {
    expect(verdict({ ...group, name: 'Harbour \u202esnommoC' })).toBe('/name pattern')
    expect(verdict({ ...group, summary: 'A co-operative \u2067of 40\u2069 households.' })).toBe(
      '/summary pattern',
    )
    expect(verdict({ ...group, name: 'Harbour\u200b Commons' })).toBe('/name pattern')
    expect(verdict({ ...offer, tag: [{ type: 'Hashtag', name: '#re\ufeffpairs' }] })).toBe(
      '/tag/0/name pattern',
    )
  })

  it('[DOC-TEXT-001] accepts the joiners and marks that scripts and emoji need in names', () => {
    // Persian "می‌خواهم" (with U+200C), a family emoji (U+200D), Hebrew with U+200F.
    for (const name of [
      '\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645',
      '👨\u200d👩\u200d👧',
      'שלום\u200f!',
    ]) {
      expect(verdict({ ...group, name }), name).toBe('valid')
    }
  })

  it('[DOC-TEXT-001] rejects an event whose summary carries a right-to-left override', async () => {
    const { key, resolveKey } = await keys()
    const event = joinedEvent() as unknown as { data: Record<string, unknown> }
    const jws = await forge(
      { alg: 'EdDSA', kid: key.kid, typ: 'cta-event+jws' },
      { ...event, data: { ...event.data, summary: 'Aroha \u202edenioj' } },
      key,
    )
    expect(await codeOf(verifyEvent(jws, { resolveKey, currentDate: NOW }))).toBe(
      'ERR_SCHEMA_INVALID',
    )
  })
})

describe('CloudEvents attribute names (DOC-EXT-002)', () => {
  it('[DOC-EXT-002] rejects extension names outside [a-z0-9]{1,20}, data_base64 included', async () => {
    const { key, resolveKey } = await keys()
    const header = { alg: 'EdDSA', kid: key.kid, typ: 'cta-event+jws' }
    const event = joinedEvent() as unknown as Record<string, unknown>
    for (const name of [
      '',
      'UPPER',
      'sub}ject',
      '$ref',
      'data_base64',
      'a.b',
      '静',
      'a'.repeat(21),
    ]) {
      const jws = await forge(header, { ...event, [name]: 'x' }, key)
      expect(await codeOf(verifyEvent(jws, { resolveKey, currentDate: NOW })), name).toBe(
        'ERR_SCHEMA_INVALID',
      )
      expect(validateDocument({ ...event, [name]: 'x' }).valid, name).toBe(false)
    }
  })

  it('[DOC-EXT-001] [DOC-EXT-002] accepts an unknown extension named with 20 lower-case letters and digits', async () => {
    const { key, resolveKey } = await keys()
    const jws = await signEvent({ ...joinedEvent(), abcdefghij0123456789: 'x' }, key)
    expect(await codeOf(verifyEvent(jws, { resolveKey, currentDate: NOW }))).toBe('accepted')
  })
})
