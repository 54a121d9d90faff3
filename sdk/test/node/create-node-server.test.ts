import { readFileSync } from 'node:fs'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import {
  NODE_SERVER_DEFAULTS,
  createNodeServer,
  toNodeListener,
  type NodeServerOptions,
} from '../../node/index.js'
import { ROOT } from '../helpers/documents.js'
import { exchange } from '../helpers/raw-http.js'

const servers: Server[] = []

async function serve(options?: NodeServerOptions): Promise<number> {
  const server = createNodeServer(
    toNodeListener(async (request) => new Response(`read ${(await request.text()).length}`)),
    options,
  )
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return (server.address() as AddressInfo).port
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
})

/** Short limits, so that the test waits about a second; the bounds below are generous. */
const SHORT = { headersTimeout: 1_000, requestTimeout: 2_000, connectionsCheckingInterval: 100 }

describe('createNodeServer', () => {
  it('closes a connection whose headers never complete, with 408', async () => {
    const port = await serve(SHORT)
    const { answers, closed } = await exchange(
      port,
      'POST /cta/inbox HTTP/1.1\r\nHost: x\r\n',
      'closed',
    )
    expect(closed).toBe(true)
    expect(answers.map((a) => a.status)).toEqual([408])
  })

  it('closes a connection whose body never completes, with 408', async () => {
    const port = await serve(SHORT)
    const raw = 'POST /cta/inbox HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc'
    const { answers, closed } = await exchange(port, raw, 'closed')
    expect(closed).toBe(true)
    expect(answers.map((a) => a.status)).toEqual([408])
  })

  it('still answers a request that completes in time', async () => {
    const port = await serve(SHORT)
    const raw = 'POST /cta/inbox HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc'
    const { answers } = await exchange(port, raw, 1)
    expect(answers.map((a) => [a.status, a.body])).toEqual([[200, 'read 3']])
  })

  it('applies the documented defaults when given no options', () => {
    const server = createNodeServer()
    servers.push(server)
    expect(server.headersTimeout).toBe(NODE_SERVER_DEFAULTS.headersTimeout)
    expect(server.requestTimeout).toBe(NODE_SERVER_DEFAULTS.requestTimeout)
    expect(server.keepAliveTimeout).toBe(NODE_SERVER_DEFAULTS.keepAliveTimeout)
    expect(server.maxRequestsPerSocket).toBe(NODE_SERVER_DEFAULTS.maxRequestsPerSocket)
  })

  it('applies an override and keeps the other defaults', () => {
    const server = createNodeServer(undefined, { headersTimeout: 2_000 })
    servers.push(server)
    expect(server.headersTimeout).toBe(2_000)
    expect(server.requestTimeout).toBe(NODE_SERVER_DEFAULTS.requestTimeout)
  })

  it.each([
    ['a zero headersTimeout', { headersTimeout: 0 }],
    ['a fractional requestTimeout', { requestTimeout: 1.5 }],
    ['a NaN keepAliveTimeout', { keepAliveTimeout: Number.NaN }],
    [
      'a requestTimeout shorter than headersTimeout',
      { headersTimeout: 5_000, requestTimeout: 1_000 },
    ],
    ['a negative maxRequestsPerSocket', { maxRequestsPerSocket: -1 }],
  ])('refuses %s as a caller error', (_name, options: NodeServerOptions) => {
    expect(() => createNodeServer(undefined, options)).toThrow(TypeError)
  })
})

/** `10 s` → 10000 (ms), `16 KiB` → 16384, `1,000` → 1000, `no limit` → 0. */
function value(text: string): number {
  if (text === 'no limit') return 0
  const match = /^([\d,]+)(?: (s|KiB))?$/.exec(text)
  if (match === null) throw new Error(`unreadable limit ${text}`)
  const n = Number((match[1] ?? '').replaceAll(',', ''))
  return match[2] === 's' ? n * 1000 : match[2] === 'KiB' ? n * 1024 : n
}

/** The first value column of each table row that names a limit in backticks. */
const limitsIn = (text: string): Record<string, number> =>
  Object.fromEntries(
    [...text.matchAll(/^(?: \* )?\| `(\w+)` \| ([^|]+) \|/gm)].map((m) => [
      m[1] ?? '',
      value((m[2] ?? '').trim()),
    ]),
  )

describe('the documented connection limits', () => {
  it('in spec/security.md are exactly the defaults of createNodeServer', () => {
    const spec = readFileSync(`${ROOT}spec/security.md`, 'utf8')
    const section = spec.slice(spec.indexOf('## Inbound connections'))
    expect(limitsIn(section)).toEqual({ ...NODE_SERVER_DEFAULTS })
  })

  it('in the TSDoc of createNodeServer are exactly its defaults', () => {
    const source = readFileSync(`${ROOT}sdk/node/create-node-server.ts`, 'utf8')
    expect(limitsIn(source)).toEqual({ ...NODE_SERVER_DEFAULTS })
  })
})
