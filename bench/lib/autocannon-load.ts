// The load of the inbox-http benchmark, run by `forkLoad` in a process of its own: autocannon
// posts one fresh signed event per request (never one the server saw before) to `/inbox`, first
// for a warm-up, then for the measured run, and returns what the server accepted (`202`) per
// second and the latency percentiles of the measured run.
import { readFileSync } from 'node:fs'
import autocannon from 'autocannon'
import { serveLoad } from './child.js'

/** What the parent sends. */
export interface LoadInput {
  readonly port: number
  /** A file of compact JWS, one per line. */
  readonly corpusFile: string
  readonly connections: number
  readonly warmupSeconds: number
  readonly seconds: number
}

/** What the load returns. */
export interface LoadOutput {
  /** `202` answers per second of the measured run. */
  readonly acceptedPerSecond: number
  readonly p50: number
  readonly p99: number
  /** Answers of the measured run by status code. */
  readonly codes: Record<string, number>
  readonly errors: number
  readonly timeouts: number
  /** `202` answers during the warm-up. */
  readonly warmupAccepted: number
  /** Events sent, warm-up included; more than the corpus means events were sent twice. */
  readonly sent: number
  readonly corpus: number
}

async function load(input: LoadInput): Promise<LoadOutput> {
  const bodies = readFileSync(input.corpusFile, 'utf8').split('\n').filter(Boolean)
  let next = 0
  const run = (seconds: number) =>
    autocannon({
      url: `http://127.0.0.1:${String(input.port)}`,
      connections: input.connections,
      duration: seconds,
      requests: [
        {
          method: 'POST',
          path: '/inbox',
          headers: { 'content-type': 'application/jose' },
          setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length] }),
        },
      ],
    })
  const codesOf = (r: autocannon.Result): Record<string, number> =>
    Object.fromEntries(
      Object.entries(r.statusCodeStats ?? {}).map(([code, s]) => [code, s.count ?? 0]),
    )
  const warmup = codesOf(await run(input.warmupSeconds))
  const measured = await run(input.seconds)
  const codes = codesOf(measured)
  return {
    acceptedPerSecond: (codes['202'] ?? 0) / measured.duration,
    p50: measured.latency.p50,
    p99: measured.latency.p99,
    codes,
    errors: measured.errors,
    timeouts: measured.timeouts,
    warmupAccepted: warmup['202'] ?? 0,
    sent: next,
    corpus: bodies.length,
  }
}

serveLoad(load)
