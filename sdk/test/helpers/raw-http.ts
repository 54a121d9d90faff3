import net from 'node:net'

/** One HTTP/1.1 answer read off a raw connection. */
export interface RawAnswer {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/** What a raw connection received: the complete answers, and whether the server closed it. */
export interface RawExchange {
  readonly answers: readonly RawAnswer[]
  readonly closed: boolean
}

/** A chunked body and how many bytes it took, or `undefined` while it is incomplete. */
function dechunk(text: string): { body: string; consumed: number } | undefined {
  let body = ''
  let at = 0
  for (;;) {
    const eol = text.indexOf('\r\n', at)
    if (eol < 0) return undefined
    const size = Number.parseInt(text.slice(at, eol), 16)
    if (size === 0) {
      return text.length < eol + 4 ? undefined : { body, consumed: eol + 4 }
    }
    if (text.length < eol + 2 + size + 2) return undefined
    body += text.slice(eol + 2, eol + 2 + size)
    at = eol + 2 + size + 2
  }
}

/**
 * Splits the bytes received on one connection into answers (framed by `Content-Length` or chunked;
 * an answer with neither runs to the end). An incomplete last answer is left out.
 */
export function parseAnswers(received: string, closed: boolean): RawAnswer[] {
  const answers: RawAnswer[] = []
  let rest = received
  for (;;) {
    const end = rest.indexOf('\r\n\r\n')
    if (end < 0) return answers
    const [statusLine = '', ...lines] = rest.slice(0, end).split('\r\n')
    const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1] ?? Number.NaN)
    const headers: Record<string, string> = {}
    for (const line of lines) {
      const colon = line.indexOf(':')
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
    }
    const length = headers['content-length']
    const start = end + 4
    if (headers['transfer-encoding']?.toLowerCase() === 'chunked') {
      const body = dechunk(rest.slice(start))
      if (body === undefined) return answers
      answers.push({ status, headers, body: body.body })
      rest = rest.slice(start + body.consumed)
      continue
    }
    if (length === undefined) {
      if (!closed) return answers
      answers.push({ status, headers, body: rest.slice(start) })
      return answers
    }
    if (rest.length < start + Number(length)) return answers
    answers.push({ status, headers, body: rest.slice(start, start + Number(length)) })
    rest = rest.slice(start + Number(length))
  }
}

/**
 * Opens a connection to 127.0.0.1:`port`, writes `raw` in one write, and reads until `answers`
 * complete answers arrived (a number) or the server closed the connection (`'closed'`). Fails
 * after `timeout` ms: generous, a bound for a broken server, not a measure.
 */
export function exchange(
  port: number,
  raw: string,
  until: number | 'closed',
  timeout = 20_000,
): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1')
    let received = ''
    const timer = setTimeout(() => {
      socket.destroy()
      reject(
        new Error(
          `no ${String(until)} answers in ${timeout} ms; received ${JSON.stringify(received)}`,
        ),
      )
    }, timeout)
    const finish = (closed: boolean): void => {
      clearTimeout(timer)
      socket.destroy()
      resolve({ answers: parseAnswers(received, closed), closed })
    }
    socket.setEncoding('latin1')
    socket.on('data', (chunk: string) => {
      received += chunk
      if (typeof until === 'number' && parseAnswers(received, false).length >= until) finish(false)
    })
    // A reset after the server's answers (it closed with unread bytes) still closes the exchange.
    socket.on('error', () => undefined)
    socket.on('close', () => {
      finish(true)
    })
    socket.write(raw, 'latin1')
  })
}

/** A raw HTTP/1.1 POST with a `Content-Length` body. */
export function rawPost(path: string, body: string, type = 'application/jose'): string {
  return (
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${type}\r\n` +
    `Content-Length: ${Buffer.byteLength(body, 'latin1')}\r\n\r\n${body}`
  )
}
