import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createInbox,
  createMemoryDedupeStore,
  signEvent,
  type Event,
  type InboxOptions,
} from '../../src/index.js'
import { createNodeInbox, toNodeListener } from '../../node/index.js'
import { NOW, forge, joinedEvent, keys } from '../helpers/events.js'

const { key, other, resolveKey } = await keys()

interface Harness {
  url: string
  processed: Event[]
  close(): Promise<void>
}

type Flavour = 'createInbox + toNodeListener' | 'createNodeInbox'

async function startInbox(
  extra: Partial<InboxOptions> = {},
  flavour: Flavour = 'createInbox + toNodeListener',
): Promise<Harness> {
  const processed: Event[] = []
  const options: InboxOptions = {
    resolveKey,
    speaksFor: 'any-source',
    currentDate: NOW,
    dedupe: createMemoryDedupeStore({ now: () => NOW.getTime() }),
    onEvent: (event) => {
      processed.push(event)
    },
    ...extra,
  }
  const server = http.createServer(
    flavour === 'createNodeInbox' ? createNodeInbox(options) : toNodeListener(createInbox(options)),
  )
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/inbox`,
    processed,
    close: () =>
      new Promise((resolve) => {
        server.close(() => {
          resolve()
        })
      }),
  }
}

const post = (url: string, body: string | Uint8Array<ArrayBuffer>, type = 'application/jose') =>
  fetch(url, { method: 'POST', headers: { 'content-type': type }, body })

const flavours: Flavour[] = ['createInbox + toNodeListener', 'createNodeInbox']

describe.each(flavours)('%s on a real HTTP server', (flavour) => {
  let h: Harness
  beforeAll(async () => {
    h = await startInbox({}, flavour)
  })
  afterAll(() => h.close())

  it('answers 202 for a new event, 200 for its duplicate, and processes it once', async () => {
    const event = joinedEvent()
    const jws = await signEvent(event, key)
    const first = await post(h.url, jws)
    expect(first.status).toBe(202)
    const second = await post(h.url, jws)
    expect(second.status).toBe(200)
    expect(h.processed.filter((e) => e.id === event.id)).toHaveLength(1)
  })

  it('answers a forgery with problem+json whose type names the code, and stores nothing', async () => {
    const event = joinedEvent()
    const forged = await forge({ alg: 'EdDSA', kid: key.kid, typ: 'cta-event+jws' }, event, other)
    const response = await post(h.url, forged)
    expect(response.status).toBe(401)
    expect(response.headers.get('content-type')).toBe('application/problem+json')
    expect(await response.json()).toMatchObject({
      type: 'https://w3id.org/cta/errors#ERR_SIGNATURE_INVALID',
      code: 'ERR_SIGNATURE_INVALID',
      status: 401,
    })
    expect(h.processed.some((e) => e.id === event.id)).toBe(false)
    // The genuine event with the same id is still accepted afterwards.
    expect((await post(h.url, await signEvent(event, key))).status).toBe(202)
  })

  it('answers 422 with the schema issues for an invalid event', async () => {
    const event = joinedEvent()
    const bad = await forge(
      { alg: 'EdDSA', kid: key.kid, typ: 'cta-event+jws' },
      { ...event, datacontenttype: 'text/plain' },
      key,
    )
    const response = await post(h.url, bad)
    expect(response.status).toBe(422)
    const problem = (await response.json()) as { code: string; issues: { instancePath: string }[] }
    expect(problem.code).toBe('ERR_SCHEMA_INVALID')
    expect(problem.issues[0]?.instancePath).toBe('/datacontenttype')
  })

  it('refuses a body over 64 KiB with 413 without reading it all', async () => {
    const response = await post(h.url, 'a'.repeat(1024 * 1024))
    expect(response.status).toBe(413)
    expect(((await response.json()) as { code: string }).code).toBe('ERR_TOO_LARGE')
  })

  it('refuses other methods and media types', async () => {
    expect((await fetch(h.url)).status).toBe(405)
    expect((await post(h.url, '{}', 'application/json')).status).toBe(415)
  })

  it('answers 400 for bytes that are not UTF-8', async () => {
    const response = await post(h.url, new Uint8Array([0xff, 0xfe, 0xfd]))
    expect(response.status).toBe(400)
  })
})

describe.each(flavours)('%s whose application fails', (flavour) => {
  it('[SEC-ERR-001] answers 500 without internals, forgets the event, and accepts it when it is retried', async () => {
    let fail = true
    const processed: string[] = []
    const h = await startInbox(
      {
        onEvent: (event) => {
          if (fail) throw new Error('database down')
          processed.push(event.id)
        },
      },
      flavour,
    )
    const jws = await signEvent(joinedEvent(), key)
    const first = await post(h.url, jws)
    expect(first.status).toBe(500)
    expect(await first.text()).not.toContain('database down')
    fail = false
    expect((await post(h.url, jws)).status).toBe(202)
    expect(processed).toHaveLength(1)
    await h.close()
  })
})

describe('toNodeListener on a real HTTP server', () => {
  it('sends every Set-Cookie header of the response, not only the last', async () => {
    const server = http.createServer(
      toNodeListener(() => {
        const headers = new Headers({ 'content-type': 'text/plain' })
        headers.append('set-cookie', 'session=abc; Path=/; HttpOnly')
        headers.append('set-cookie', 'state=xyz; Path=/; HttpOnly')
        return new Response('ok', { headers })
      }),
    )
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = server.address() as AddressInfo
      const response = await fetch(`http://127.0.0.1:${port}/`)
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toBe('text/plain')
      expect(response.headers.getSetCookie()).toEqual([
        'session=abc; Path=/; HttpOnly',
        'state=xyz; Path=/; HttpOnly',
      ])
      expect(await response.text()).toBe('ok')
    } finally {
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve()
        })
      })
    }
  })
})
