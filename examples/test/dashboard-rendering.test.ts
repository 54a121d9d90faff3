// What the dashboard does with the display members of documents from tools it has never seen:
// names and summaries are plain text (DOC-RND-001), links and images only http(s) (DOC-RND-002),
// icons only with their text alternative (DOC-RND-004), summaries in the reader's language
// (DOC-LANG-002). Rendered on the server, as the page is, without a browser.
import { readFileSync } from 'node:fs'
import { validateDocument } from '@cta-interop/sdk'
import { describe, expect, it } from 'vitest'
import { iconHtml, isLink } from '../dashboard/icon-html.js'
import { languagesOf, localized } from '../dashboard/localized.js'
import { createNames } from '../dashboard/names.js'
import { renderFeed, type Notification, type PageInput } from '../dashboard/page.js'

const example = JSON.parse(
  readFileSync(new URL('../documents/events/poll-created.json', import.meta.url), 'utf8'),
) as { data: Record<string, unknown> } & Record<string, unknown>

const SCRIPT = '<script>alert(1)</script>'
const ICON = {
  type: 'Image',
  url: 'https://decisions.example/logos/harbour-commons.png',
  name: 'Harbour Commons logo: a lighthouse',
}

/** One stored notification of a tool's own event type (shown from its summary). */
function notification(over: Partial<Notification> = {}, data: Record<string, unknown> = {}) {
  return {
    source: 'https://decisions.example',
    id: '01K2ZA0Q8S3V6Y9B2E5H8K1N4Q',
    type: 'example.decisions.poll.created',
    group: 'https://decisions.example/g/harbour-commons',
    actorId: 'https://decisions.example/u/aroha',
    actorName: 'Aroha',
    summary: 'Aroha started a poll',
    published: '2026-08-21T04:30:00Z',
    url: 'https://decisions.example/p/Xk3Lq',
    kid: 'https://decisions.example#k1',
    via: 'push',
    objectId: 'https://decisions.example/p/Xk3Lq',
    data: JSON.stringify({ ...example.data, ...data }),
    ...over,
  } satisfies Notification
}

function feed(n: Notification, languages: readonly string[] = []): string {
  const input: PageInput = {
    filter: {},
    notifications: [n],
    all: [n],
    tools: new Map([['https://decisions.example', 'Decisions']]),
    names: createNames({
      toolName: () => Promise.resolve('Decisions'),
      mayFetchGroup: () => Promise.resolve(false),
    }),
    now: Date.parse('2026-08-21T05:00:00Z'),
    languages,
  }
  return renderFeed(input)
}

describe('plain text (DOC-RND-001)', () => {
  it('[DOC-RND-001] keeps a summary containing <script> as text and never writes it as markup', () => {
    const html = feed(notification({ summary: `Vote ${SCRIPT} <b>now</b>` }))
    expect(html).toContain('Vote &lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;now&lt;/b&gt;')
    expect(html).not.toMatch(/<script|<b>/i)
  })

  it('[DOC-RND-001] never lets markup through a summaryMap value or an icon name', () => {
    const html = feed(
      notification(
        {},
        { summaryMap: { fr: SCRIPT }, icon: { ...ICON, name: `"><img src=x onerror=alert(1)>` } },
      ),
      ['fr'],
    )
    expect(html).toContain('&lt;script&gt;')
    expect(html).not.toMatch(/<script|onerror=alert\(1\)>|<img src=x/i)
  })
})

describe('links and images (DOC-RND-002)', () => {
  it('[DOC-RND-002] rejects at validation an event whose url is javascript: or whose icon is data:', () => {
    for (const data of [
      { ...example.data, url: 'javascript:alert(1)' },
      { ...example.data, url: 'JavaScript:alert(1)' },
      {
        ...example.data,
        icon: { ...ICON, url: 'data:image/svg+xml,%3Csvg%20onload%3Dalert(1)%3E' },
      },
      {
        ...example.data,
        object: { ...(example.data['object'] as object), url: 'vbscript:msgbox' },
      },
    ]) {
      const result = validateDocument({ ...example, data }, { kind: 'Event' })
      expect(result.valid ? 'valid' : result.code).toBe('ERR_SCHEMA_INVALID')
    }
  })

  it('[DOC-RND-002] accepts https: and http: links', () => {
    for (const url of ['https://decisions.example/p/Xk3Lq', 'http://127.0.0.1:4100/p/Xk3Lq']) {
      const result = validateDocument(
        { ...example, data: { ...example.data, url } },
        { kind: 'Event' },
      )
      expect(result.valid).toBe(true)
    }
  })

  it('[DOC-RND-002] writes no href for a url that is not https: or http:, whatever was stored', () => {
    const html = feed(notification({ url: 'javascript:alert(1)' }))
    expect(html).not.toContain('javascript:')
    expect(feed(notification())).toContain('href="https://decisions.example/p/Xk3Lq"')
    expect(isLink('http://127.0.0.1:4100/x')).toBe(true)
    expect(isLink('data:text/html,x')).toBe(false)
  })
})

describe('icons (DOC-RND-004)', () => {
  it('[DOC-RND-004] serves an icon as an image whose alt is its name', () => {
    const html = feed(notification({}, { icon: ICON }))
    expect(html).toContain(
      '<img class="icon" src="https://decisions.example/logos/harbour-commons.png" alt="Harbour Commons logo: a lighthouse"',
    )
  })

  it('[DOC-RND-004] shows no image without a name, or with a url that is not https: or http:', () => {
    expect(iconHtml({ type: 'Image', url: ICON.url })).toBe('')
    expect(iconHtml({ ...ICON, name: '  ' })).toBe('')
    expect(iconHtml({ ...ICON, url: 'data:image/png;base64,AAAA' })).toBe('')
    expect(iconHtml('https://decisions.example/logo.png')).toBe('')
    const { icon: _, ...withoutIcon } = example.data
    expect(
      feed(notification({}, { ...withoutIcon, icon: { type: 'Image', url: ICON.url } })),
    ).not.toContain('<img')
  })
})

describe('languages (DOC-LANG-002)', () => {
  const map = { en: 'Aroha started a poll', fr: 'Aroha a lancé un sondage', 'zh-Hant': '投票' }

  it('[DOC-LANG-002] shows the summaryMap value for the reader’s first language that has one', () => {
    const n = notification({}, { summaryMap: map })
    expect(feed(n, languagesOf('de-CH, fr-CA;q=0.8, en;q=0.5'))).toContain(
      'Aroha a lancé un sondage',
    )
    expect(localized('plain', map, ['zh-Hant-TW'])).toBe('投票')
    expect(localized('plain', map, ['FR'])).toBe('Aroha a lancé un sondage')
    expect(localized('plain', { 'de-CH': 'Grüezi' }, ['de-CH-x-private'])).toBe('Grüezi')
  })

  it('[DOC-LANG-002] shows the plain summary when no language of the reader is in the map, or the map is not one', () => {
    const n = notification({ summary: 'Aroha started a poll (plain)' }, { summaryMap: map })
    expect(feed(n, ['de', 'ja'])).toContain('Aroha started a poll (plain)')
    expect(feed(n)).toContain('Aroha started a poll (plain)')
    expect(localized('plain', ['fr'], ['fr'])).toBe('plain')
    expect(localized('plain', { fr: 3 }, ['fr'])).toBe('plain')
    expect(localized('plain', map, ['*'])).toBe('plain')
  })

  it('orders Accept-Language ranges by quality, leaving out q=0 and *', () => {
    expect(languagesOf('en;q=0.2, fr, de;q=0, *;q=0.1, es;q=0.9')).toEqual(['fr', 'es', 'en'])
    expect(languagesOf(null)).toEqual([])
  })
})
