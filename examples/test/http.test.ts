import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listen, type Listening } from '../src/http.js'

/**
 * Writes `raw` on a new connection and reads until the server closes it, or until `answers`
 * answers have arrived (counted by status line: these answers carry no body that could hold one).
 * Fails after 20 s, a bound for a broken server, not a measure.
 */
function send(port: number, raw: string, answers?: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1')
    let received = ''
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`no answer in 20 s; received ${JSON.stringify(received)}`))
    }, 20_000)
    socket.setEncoding('latin1')
    socket.on('data', (chunk: string) => {
      received += chunk
      if (answers !== undefined && (received.match(/^HTTP\/1\.1 /gm) ?? []).length >= answers) {
        socket.destroy()
      }
    })
    socket.on('error', () => undefined)
    socket.on('close', () => {
      clearTimeout(timer)
      resolve(received)
    })
    socket.write(raw)
  })
}

const status = (answer: string): number => Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1])

describe('an example tool server (listen)', () => {
  let tool: Listening
  beforeAll(async () => {
    tool = await listen(0, {
      headersTimeout: 1_000,
      requestTimeout: 2_000,
      connectionsCheckingInterval: 100,
    })
    tool.handle(async (request) => new Response(`read ${(await request.text()).length}`))
  })
  afterAll(() => tool.close())

  it('closes a connection whose headers never complete, through createNodeServer', async () => {
    const answer = await send(tool.port, 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n')
    expect(status(answer)).toBe(408)
  })

  it('survives a client that hangs up mid-body, and answers the next request', async () => {
    const socket = net.connect(tool.port, '127.0.0.1')
    socket.on('error', () => undefined)
    socket.write('POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\nabc')
    socket.destroy()
    const answer = await send(
      tool.port,
      'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\n\r\nabc',
      1,
    )
    expect(status(answer)).toBe(200)
  })

  it('rejects a request target that is no URL with ERR_REQUEST_INVALID, and keeps serving', async () => {
    const answer = await send(tool.port, 'GET http://[zz/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', 1)
    expect(status(answer)).toBe(400)
    expect(answer).toContain('"code":"ERR_REQUEST_INVALID"')
    const next = await send(tool.port, 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', 1)
    expect(status(next)).toBe(200)
  })
})
