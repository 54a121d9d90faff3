import http from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  createEvent,
  createInbox,
  generateSigningKey,
  signEvent,
  staticKeyResolver,
  toJwks,
  type DedupeStore,
  type Event,
  type SigningKey,
} from '../../src/index.js'
import { toNodeListener } from '../../node/index.js'
export { codeOf } from '../helpers/code-of.js'

/** The producing tool in these tests. */
export const PRODUCER = 'https://decisions.example'
/** A group of the producer. */
export const GROUP = 'https://decisions.example/g/harbour-commons'
/** Another group. */
export const OTHER_GROUP = 'https://decisions.example/g/tide-pool'
/** Local servers: loopback and plain http are allowed explicitly. */
export const LOCAL = { allowPrivateNetwork: true, allowHttp: true } as const

/** A clock that tests move by hand. */
export interface Clock {
  (): number
  set(ms: number): void
  advance(ms: number): void
}

/** A clock starting at `start`. */
export function fakeClock(start = Date.parse('2026-08-20T09:13:00Z')): Clock {
  let t = start
  const clock = (() => t) as Clock
  clock.set = (ms) => {
    t = ms
  }
  clock.advance = (ms) => {
    t += ms
  }
  return clock
}

/** The producer's key and a resolver that knows it. */
export async function producerKeys() {
  const key = await generateSigningKey({ origin: PRODUCER })
  return { key, resolveKey: staticKeyResolver([{ source: PRODUCER, jwks: toJwks([key]) }]) }
}

/** A ping event of a group, with a chosen id and time. */
export function pingEvent(
  options: { id?: string; group?: string; time?: Date; source?: string } = {},
): Event {
  const group = options.group ?? GROUP
  const source = options.source ?? PRODUCER
  const time = (options.time ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z')
  return createEvent(
    'tech.collaborative.ping',
    {
      type: 'Create',
      actor: { id: source, type: 'Application', name: 'Decisions' },
      object: { type: 'Note', content: 'hello' },
      summary: 'Decisions says hello',
      published: time,
      url: `${source}/cta`,
      audience: group,
    },
    { source, ...(options.id === undefined ? {} : { id: options.id }) },
  )
}

/** Signs `n` ping events with ids `<prefix>-<i>`. */
export async function signedPings(
  key: SigningKey,
  n: number,
  options: { prefix?: string; group?: string; time?: Date; source?: string } = {},
): Promise<string[]> {
  const out: string[] = []
  for (let i = 0; i < n; i++) {
    const id = `${options.prefix ?? 'evt'}-${i}`
    out.push(await signEvent(pingEvent({ ...options, id }), key))
  }
  return out
}

/** A real HTTP server on 127.0.0.1 around a Fetch API handler. */
export interface Server {
  readonly origin: string
  /** Requests seen, by method and path. */
  readonly requests: { method: string; path: string; headers: Headers }[]
  close(): Promise<void>
}

/** Starts a server for a Fetch API handler (or a raw node:http listener). */
export async function startServer(
  handler: ((request: Request) => Promise<Response> | Response) | http.RequestListener,
  options: { raw?: boolean } = {},
): Promise<Server> {
  const requests: Server['requests'] = []
  const listener: http.RequestListener = options.raw
    ? (handler as http.RequestListener)
    : toNodeListener(handler as (request: Request) => Promise<Response>)
  const server = http.createServer((req, res) => {
    const headers = new Headers()
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string') headers.set(name, value)
    }
    requests.push({ method: req.method ?? '', path: req.url ?? '', headers })
    listener(req, res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => {
          resolve()
        })
      }),
  }
}

/** A receiving application: counts how often each event was processed. */
export interface Receiver {
  readonly processed: Map<string, number>
  readonly statuses: number[]
  readonly handler: (request: Request) => Promise<Response>
}

/** An inbox over `dedupe` that records what its application processed. */
export function receiver(
  resolveKey: Parameters<typeof createInbox>[0]['resolveKey'],
  dedupe: DedupeStore,
  extra: { onEvent?: (event: Event) => void | Promise<void>; currentDate?: Date } = {},
): Receiver {
  const processed = new Map<string, number>()
  const statuses: number[] = []
  const inbox = createInbox({
    speaksFor: 'any-source',
    resolveKey,
    dedupe,
    ...(extra.currentDate === undefined ? {} : { currentDate: extra.currentDate }),
    onEvent: async (event) => {
      await extra.onEvent?.(event)
      processed.set(event.id, (processed.get(event.id) ?? 0) + 1)
    },
  })
  return {
    processed,
    statuses,
    handler: async (request) => {
      const response = await inbox(request)
      statuses.push(response.status)
      return response
    },
  }
}

/** The PostgreSQL server the tests use, if one answers. */
export const POSTGRES_URL =
  process.env['CTA_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test'

/** An answer a scripted sink gives. */
export interface Answer {
  readonly status: number
  readonly headers?: Record<string, string>
  readonly body?: string
  /** Wait this long before answering, in ms. */
  readonly delay?: number
  /** Never answer. */
  readonly hang?: boolean
}

/** A sink that answers from a script (the last answer repeats), recording what it received. */
export interface ScriptedSink extends Server {
  readonly url: string
  /** Bodies received, in order. */
  readonly bodies: string[]
  /** Content types received, in order. */
  readonly types: (string | undefined)[]
  /** Replaces the script. */
  script(answers: Answer[]): void
}

/** Starts a scripted sink at `/inbox`. */
export async function scriptedSink(answers: Answer[] = [{ status: 202 }]): Promise<ScriptedSink> {
  let queue = [...answers]
  const bodies: string[] = []
  const types: (string | undefined)[] = []
  const server = await startServer(
    (req: http.IncomingMessage, res: http.ServerResponse) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        bodies.push(Buffer.concat(chunks).toString('utf8'))
        types.push(req.headers['content-type'])
        const answer = (queue.length > 1 ? queue.shift() : queue[0]) ?? { status: 202 }
        if (answer.hang === true) return
        const send = () => {
          res.writeHead(answer.status, answer.headers)
          res.end(answer.body ?? '')
        }
        if (answer.delay === undefined) send()
        else setTimeout(send, answer.delay)
      })
    },
    { raw: true },
  )
  return {
    ...server,
    url: `${server.origin}/inbox`,
    bodies,
    types,
    script(next) {
      queue = [...next]
    },
  }
}
