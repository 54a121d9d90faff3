// The dashboard's live stream: Server-Sent Events at `/events/stream`. Each stored notification is
// announced as `event: notification`; a comment line every `heartbeatMs` keeps proxies from
// closing an idle stream. Served as a Node listener (the Fetch adapter buffers whole bodies).
import type http from 'node:http'

/** The live stream's clients, and what is sent to them. */
export interface EventStream {
  /** The Node listener answering `GET /events/stream`. */
  readonly listener: (req: http.IncomingMessage, res: http.ServerResponse) => void
  /** Sends one event to every open stream. */
  send(event: string, data: unknown): void
  /** Open streams now. */
  readonly size: number
  /** Ends every stream and refuses new ones: call it before closing the server. */
  close(): void
}

/** Creates the live stream. */
export function createEventStream(options: { heartbeatMs?: number } = {}): EventStream {
  const clients = new Set<http.ServerResponse>()
  let closed = false
  const heartbeat = setInterval(() => {
    for (const res of clients) res.write(': heartbeat\n\n')
  }, options.heartbeatMs ?? 15_000)
  heartbeat.unref()
  return {
    listener(req, res) {
      if (req.method !== 'GET' || closed) {
        res.writeHead(closed ? 503 : 405, closed ? {} : { allow: 'GET' })
        res.end()
        return
      }
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-accel-buffering': 'no',
      })
      // Reconnect after 2 s if the stream drops; the first line flushes the headers.
      res.write('retry: 2000\n: open\n\n')
      clients.add(res)
      const forget = () => clients.delete(res)
      req.on('close', forget)
      res.on('close', forget)
    },
    send(event, data) {
      const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`
      for (const res of clients) res.write(frame)
    },
    get size() {
      return clients.size
    },
    close() {
      closed = true
      clearInterval(heartbeat)
      for (const res of clients) res.end()
      clients.clear()
    },
  }
}
