import { spawn, type ChildProcess } from 'node:child_process'
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http'
import net, { type AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createInbox,
  createMemoryDedupeStore,
  signEvent,
  type Event,
  type InboxOptions,
} from '../../src/index.js'
import { createNodeInbox, createNodeServer, toNodeListener } from '../../node/index.js'
import { ROOT } from '../helpers/documents.js'
import { NOW, joinedEvent, keys } from '../helpers/events.js'
import { exchange, rawPost } from '../helpers/raw-http.js'

const SERVER = fileURLToPath(new URL('../fixtures/node/listener-server.ts', import.meta.url))
const { key, resolveKey } = await keys()

/** A client that declares 100 bytes of body, sends 3, and hangs up. */
const HALF_BODY =
  'POST /cta/inbox HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/jose\r\n' +
  'Content-Length: 100\r\n\r\nabc'

type Flavour = 'toNodeListener' | 'createNodeInbox'
const flavours: Flavour[] = ['toNodeListener', 'createNodeInbox']

/** Waits until `check` holds on what arrived, or fails after `timeout` ms (a bound, not a measure). */
async function until(what: string, check: () => boolean, timeout = 30_000): Promise<void> {
  const end = Date.now() + timeout
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

describe('a server on toNodeListener or createNodeInbox, in its own process', () => {
  let child: ChildProcess
  let output = ''
  let exited = false
  const ports: Record<Flavour, number> = { toNodeListener: 0, createNodeInbox: 0 }
  const count = (line: string): number => output.split('\n').filter((l) => l === line).length

  beforeAll(async () => {
    child = spawn(process.execPath, ['--import', 'tsx', SERVER], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.on('exit', () => (exited = true))
    await until('the server to listen', () => exited || /^listening \d+ \d+$/m.test(output), 60_000)
    const [, a, b] = /^listening (\d+) (\d+)$/m.exec(output) ?? []
    ports.toNodeListener = Number(a)
    ports.createNodeInbox = Number(b)
  }, 90_000)

  afterAll(() => {
    if (!exited) child.kill()
  })

  it.each(flavours)(
    '%s: survives a client that hangs up mid-body, and answers the next request',
    async (flavour) => {
      const requests = count('request')
      const closed = count('closed')
      const socket = net.connect(ports[flavour], '127.0.0.1')
      socket.on('error', () => undefined)
      socket.write(HALF_BODY)
      // The listener has the request and is reading its body when the client hangs up.
      await until('the request to reach the listener', () => exited || count('request') > requests)
      socket.destroy()
      // In the old adapter the rejection ended the process right after this close.
      await until('the server to see the hang-up', () => exited || count('closed') > closed)
      const { answers } = await exchange(ports[flavour], rawPost('/cta/inbox', 'hello'), 1)
      expect(exited, output).toBe(false)
      expect(child.exitCode).toBe(null)
      expect(answers).toHaveLength(1)
      expect(answers[0]?.status).toBe(flavour === 'toNodeListener' ? 200 : 400)
    },
  )
})

interface Harness {
  readonly port: number
  readonly processed: Event[]
  /** Resolves when the next request reaches the listener. */
  nextRequest(): Promise<void>
  /** Resolves when the next connection closes on the server's side. */
  nextClose(): Promise<void>
  close(): Promise<void>
}

async function start(flavour: Flavour, maxBodyBytes = 64 * 1024): Promise<Harness> {
  const processed: Event[] = []
  const options: InboxOptions = {
    resolveKey,
    speaksFor: 'any-source',
    currentDate: NOW,
    dedupe: createMemoryDedupeStore({ now: () => NOW.getTime() }),
    maxBodyBytes,
    onEvent: async (event) => {
      // Slower than the requests behind it: their answers wait in Node's queue for this one.
      await new Promise((resolve) => setTimeout(resolve, 50))
      processed.push(event)
    },
  }
  const listener: RequestListener =
    flavour === 'createNodeInbox'
      ? createNodeInbox(options)
      : toNodeListener(createInbox(options), { maxBodyBytes })
  const waiting: { request: (() => void)[]; close: (() => void)[] } = { request: [], close: [] }
  const server: Server = createNodeServer((req: IncomingMessage, res: ServerResponse) => {
    for (const resolve of waiting.request.splice(0)) resolve()
    listener(req, res)
  })
  server.on('connection', (socket) => {
    socket.once('close', () => {
      for (const resolve of waiting.close.splice(0)) resolve()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    processed,
    nextRequest: () => new Promise((resolve) => waiting.request.push(resolve)),
    nextClose: () => new Promise((resolve) => waiting.close.push(resolve)),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => {
          resolve()
        })
      }),
  }
}

const signed = async (): Promise<string> => signEvent(joinedEvent(), key)

describe.each(flavours)('%s in this process', (flavour) => {
  let h: Harness
  const rejections: unknown[] = []
  const record = (reason: unknown): void => {
    rejections.push(reason)
  }
  beforeAll(async () => {
    process.on('unhandledRejection', record)
    h = await start(flavour, 4096)
  })
  afterAll(async () => {
    process.off('unhandledRejection', record)
    await h.close()
  })

  it('leaves no unhandled rejection behind a client that hangs up mid-body', async () => {
    const reached = h.nextRequest()
    const closed = h.nextClose()
    const socket = net.connect(h.port, '127.0.0.1')
    socket.on('error', () => undefined)
    socket.write(HALF_BODY)
    await reached
    socket.destroy()
    await closed
    // A rejection is reported before the event loop turns; two turns leave no doubt.
    await new Promise((resolve) => setImmediate(resolve))
    await new Promise((resolve) => setImmediate(resolve))
    expect(rejections).toEqual([])
    const { answers } = await exchange(h.port, rawPost('/cta/inbox', await signed()), 1)
    expect(answers.map((a) => a.status)).toEqual([202])
  })

  it('answers three pipelined events on one connection, in order', async () => {
    const before = h.processed.length
    const raw = [await signed(), await signed(), await signed()]
      .map((jws) => rawPost('/cta/inbox', jws))
      .join('')
    const { answers } = await exchange(h.port, raw, 3)
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202])
    expect(h.processed.length - before).toBe(3)
  })

  it('answers every pipelined request when one is refused without its body being read', async () => {
    const before = h.processed.length
    const raw =
      rawPost('/cta/inbox', await signed()) +
      rawPost('/cta/inbox', await signed(), 'text/plain') +
      rawPost('/cta/inbox', await signed())
    const { answers } = await exchange(h.port, raw, 3)
    expect(answers.map((a) => a.status)).toEqual([202, 415, 202])
    expect(h.processed.length - before).toBe(2)
  })

  it('sends the answer queued before a too-large pipelined request, refuses it with ERR_TOO_LARGE, closes, and processes nothing after it', async () => {
    const before = h.processed.length
    const raw =
      rawPost('/cta/inbox', await signed()) +
      rawPost('/cta/inbox', 'x'.repeat(5000)) +
      rawPost('/cta/inbox', await signed())
    const { answers, closed } = await exchange(h.port, raw, 'closed')
    expect(closed).toBe(true)
    expect(answers.map((a) => a.status)).toEqual([202, 413])
    expect((JSON.parse(answers[1]?.body ?? '{}') as { code?: string }).code).toBe('ERR_TOO_LARGE')
    expect(h.processed.length - before).toBe(1)
  })
})

describe('toNodeListener with requests the Fetch API cannot represent', () => {
  let h: Harness
  const rejections: unknown[] = []
  const record = (reason: unknown): void => {
    rejections.push(reason)
  }
  beforeAll(async () => {
    process.on('unhandledRejection', record)
    h = await start('toNodeListener')
  })
  afterAll(async () => {
    process.off('unhandledRejection', record)
    await h.close()
  })

  it.each([
    ['a TRACE request', 'TRACE /cta/inbox HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'],
    ['a Host that is no host', 'GET /cta/inbox HTTP/1.1\r\nHost: a b\r\n\r\n'],
  ])('rejects %s with ERR_REQUEST_INVALID and keeps serving', async (_name, raw) => {
    const { answers } = await exchange(h.port, raw, 1)
    expect(answers.map((a) => a.status)).toEqual([400])
    expect((JSON.parse(answers[0]?.body ?? '{}') as { code?: string }).code).toBe(
      'ERR_REQUEST_INVALID',
    )
    await new Promise((resolve) => setImmediate(resolve))
    expect(rejections).toEqual([])
    const next = await exchange(h.port, rawPost('/cta/inbox', await signed()), 1)
    expect(next.answers.map((a) => a.status)).toEqual([202])
  })
})
