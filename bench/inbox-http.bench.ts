// inbox-http: events accepted per second by the SDK's inbox over loopback (full verification,
// schema, dedupe), against a bare node:http server doing raw node:crypto verification, and for the
// durable dedupes a deployment runs (PostgreSQL, PGlite) against a bare server doing raw
// verification plus the same `INSERT … ON CONFLICT` by hand. Each server runs in its own process
// and is restarted every round (fresh dedupe state); the load (autocannon, one fresh signed event
// per request) runs in a third process, so neither shares the bench's event loop. Subject and
// baseline alternate over the rounds; the target is checked against the median per-round ratio.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createPrivateKey, sign } from 'node:crypto'
import { generateSigningKey, signEvent } from '@cta-interop/sdk'
import { exportJWK } from 'jose'
import { forkLoad, spawnServer } from './lib/child.js'
import type { LoadInput, LoadOutput } from './lib/autocannon-load.js'
import { NOW, SOURCE, makeEvent } from './lib/events.js'
import {
  alternate,
  median,
  roundsResult,
  type Alternated,
  type Bench,
  type BenchResult,
} from './lib/measure.js'

const CONNECTIONS = 64
const SECONDS = Number(process.env['BENCH_INBOX_SECONDS'] ?? 5)
const WARMUP_SECONDS = 1
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3)
/**
 * Enough fresh events for the fastest server's warm-up and run at up to 20,000/s (the bare
 * server passed 12,000/s on this machine when it was idle).
 */
const CORPUS = Math.ceil((SECONDS + WARMUP_SECONDS) * 20_000)

/**
 * Signs `count` events as `signEvent` does (its header, JSON of the event, Ed25519), with
 * node:crypto for speed; the first is checked equal to `signEvent`'s own output.
 */
async function writeCorpus(count: number, file: string): Promise<Record<string, unknown>> {
  const key = await generateSigningKey({ origin: SOURCE, extractable: true })
  const privateKey = createPrivateKey({
    key: (await exportJWK(key.privateKey)) as never,
    format: 'jwk',
  })
  const reference = await signEvent(makeEvent(0), key)
  const header = reference.slice(0, reference.indexOf('.'))
  const lines: string[] = []
  for (let i = 0; i < count; i++) {
    const input = `${header}.${Buffer.from(JSON.stringify(makeEvent(i))).toString('base64url')}`
    lines.push(`${input}.${sign(null, Buffer.from(input), privateKey).toString('base64url')}`)
  }
  if (
    lines[0]?.slice(0, lines[0].lastIndexOf('.')) !== reference.slice(0, reference.lastIndexOf('.'))
  ) {
    throw new Error('the corpus does not sign what signEvent signs')
  }
  writeFileSync(file, `${lines.join('\n')}\n`)
  return key.publicJwk as unknown as Record<string, unknown>
}

/** The servers' own CPU per accepted event, median over the rounds, for the notes. */
function cpuNote(measured: Alternated): string {
  const cpu = (d: unknown) => (d as { serverCpuMicrosPerEvent: number }).serverCpuMicrosPerEvent
  const subject = median(measured.rounds.map((r) => cpu(r.detail)))
  const baseline = median(measured.rounds.map((r) => cpu(r.baselineDetail)))
  return ` Server process CPU per accepted event (median; the database's processes not included): ${subject.toFixed(0)} µs vs ${baseline.toFixed(0)} µs for the baseline (+${(subject - baseline).toFixed(0)} µs).`
}

interface Side {
  readonly server: 'sdk-inbox' | 'bare-verify'
  readonly env: Record<string, string>
}

export const run: Bench = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cta-bench-inbox-'))
  const corpusFile = join(dir, 'corpus.txt')
  try {
    const jwk = await writeCorpus(CORPUS, corpusFile)
    const base = {
      BENCH_JWK: JSON.stringify(jwk),
      BENCH_SOURCE: SOURCE,
      BENCH_NOW: NOW.toISOString(),
    }
    const measure = async ({ server, env }: Side, round: number) => {
      const s = await spawnServer(new URL(`./servers/${server}.ts`, import.meta.url), {
        ...base,
        ...env,
      })
      try {
        const cpuBefore = s.cpuMicros()
        const out = await forkLoad<LoadOutput>(
          new URL('./lib/autocannon-load.ts', import.meta.url),
          {
            port: s.port,
            corpusFile,
            connections: CONNECTIONS,
            warmupSeconds: WARMUP_SECONDS,
            seconds: SECONDS,
          } satisfies LoadInput,
        )
        // The server's own CPU per accepted event (warm-up included): steadier than the rate on a
        // shared machine, and blind to the database's processes.
        const cpuPerEvent =
          (s.cpuMicros() - cpuBefore) / (out.warmupAccepted + (out.codes['202'] ?? 0))
        if (out.sent > out.corpus) throw new Error(`${server}: the corpus of ${out.corpus} ran out`)
        process.stderr.write(
          `  round ${String(round)} ${server} ${JSON.stringify(env)}: ${out.acceptedPerSecond.toFixed(0)} accepted/s, p99 ${String(out.p99)} ms, server CPU ${cpuPerEvent.toFixed(0)} µs/event, codes ${JSON.stringify(out.codes)}, errors ${String(out.errors)}, timeouts ${String(out.timeouts)}\n`,
        )
        return {
          value: out.acceptedPerSecond,
          p99: out.p99,
          detail: { server, env, serverCpuMicrosPerEvent: cpuPerEvent, ...out },
        }
      } finally {
        await s.stop()
      }
    }
    const pair = (subject: Side, baseline: Side) =>
      alternate(
        (round) => measure(subject, round),
        (round) => measure(baseline, round),
        { rounds: ROUNDS },
      )
    const common = {
      unit: 'events/s accepted',
      higherIsBetter: true,
      p99Unit: 'ms',
    } as const
    const method =
      `autocannon in its own process, ${String(CONNECTIONS)} connections, ${String(WARMUP_SECONDS)} s warm-up + ${String(SECONDS)} s per server per round, ` +
      `one fresh signed event per request; servers restarted every round; ${String(ROUNDS)} rounds, subject and baseline alternating; ` +
      `value and baseline are medians, the target is checked on the median per-round ratio; p99 is autocannon's latency p99`
    const results: BenchResult[] = []
    const memory = await pair(
      { server: 'sdk-inbox', env: { BENCH_DEDUPE: 'memory' } },
      { server: 'bare-verify', env: { BENCH_DEDUPE: 'memory' } },
    )
    results.push(
      roundsResult(
        {
          ...common,
          name: 'inbox-http',
          baseline: 'bare node:http server doing raw node:crypto Ed25519 verification',
          target: 0.7,
          notes: `createNodeInbox with full checks, in-memory dedupe and the node:crypto verifier. ${method}.${cpuNote(memory)}`,
        },
        memory,
      ),
    )
    for (const db of ['postgres', 'pglite'] as const) {
      const measured = await pair(
        { server: 'sdk-inbox', env: { BENCH_DEDUPE: db } },
        { server: 'bare-verify', env: { BENCH_DEDUPE: db } },
      )
      results.push(
        roundsResult(
          {
            ...common,
            name: `inbox-http-${db}`,
            baseline: `bare node:http server doing raw verification, JSON.parse and the same INSERT … ON CONFLICT in ${db === 'postgres' ? 'PostgreSQL (pool of 10)' : 'PGlite (on disk)'} by hand`,
            target: db === 'postgres' ? 0.8 : null,
            notes:
              `createNodeInbox with the ${db === 'postgres' ? 'PostgreSQL' : 'PGlite'} delivery store's dedupe ` +
              `(two-phase: a lease per event, committed without waiting for the disk, then the records of the events that finished meanwhile in one statement and one synchronous commit), node:crypto verifier; the bare server runs the store's claim statement once per event, autocommit. ${method}.${cpuNote(measured)}`,
          },
          measured,
        ),
      )
    }
    const claimOnly = await pair(
      { server: 'sdk-inbox', env: { BENCH_DEDUPE: 'postgres', BENCH_INBOX_STORE: 'claim' } },
      { server: 'bare-verify', env: { BENCH_DEDUPE: 'postgres' } },
    )
    results.push(
      roundsResult(
        {
          ...common,
          name: 'inbox-http-postgres-claim',
          baseline:
            'bare node:http server doing raw verification, JSON.parse and the same INSERT … ON CONFLICT in PostgreSQL (pool of 10) by hand',
          target: null,
          notes: `createNodeInbox with only the PostgreSQL dedupe's one-statement claim (the bare server's exact SQL; no two-phase record): the SDK's own overhead with the same database work. ${method}.${cpuNote(claimOnly)}`,
        },
        claimOnly,
      ),
    )
    const exactlyOnce = await pair(
      { server: 'sdk-inbox', env: { BENCH_DEDUPE: 'postgres', BENCH_INBOX_STORE: 'inbox' } },
      { server: 'bare-verify', env: { BENCH_DEDUPE: 'postgres' } },
    )
    results.push(
      roundsResult(
        {
          ...common,
          name: 'inbox-http-postgres-exactly-once',
          baseline:
            'bare node:http server doing raw verification, JSON.parse and the same INSERT … ON CONFLICT in PostgreSQL (pool of 10) by hand',
          target: null,
          notes: `createNodeInbox with the PostgreSQL store's exactly-once inbox (claim and effect in one transaction: BEGIN, the claim, which sets its lock_timeout itself, and COMMIT), node:crypto verifier. ${method}.${cpuNote(exactlyOnce)}`,
        },
        exactlyOnce,
      ),
    )
    return results
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
