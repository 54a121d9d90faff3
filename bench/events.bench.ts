// Signed events: verification (batch and serial), signing, and rejecting hostile input, each as a
// ratio to raw Ed25519 with node:crypto measured in the same run.
import { createPrivateKey, sign as rawSign, verify as rawVerify } from 'node:crypto'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import {
  createMemoryDedupeStore,
  signEvent,
  verifyEvent,
  verifyEvents,
  isProtocolError,
} from '@cta-interop/sdk'
import { nodeSignatureVerifier } from '@cta-interop/sdk/node'
import { exportJWK } from 'jose'
import { NOW, makeEvent, signedCorpus } from './lib/events.js'
import { opsPerSecond, result, type Bench, type BenchResult } from './lib/measure.js'

const BATCH = 20_000
const CONCURRENCY = 64
const verifySignature = nodeSignatureVerifier()

async function rawBatch(corpus: Awaited<ReturnType<typeof signedCorpus>>): Promise<number> {
  const start = performance.now()
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < corpus.raw.length) {
      const { input, signature } = corpus.raw[next++] as { input: Buffer; signature: Buffer }
      const ok = await new Promise<boolean>((resolve, reject) => {
        rawVerify(null, input, corpus.publicKey, signature, (err, valid) => {
          if (err) reject(err)
          else resolve(valid)
        })
      })
      if (!ok) throw new Error('raw verification failed')
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker))
  return (corpus.raw.length / (performance.now() - start)) * 1000
}

async function sdkBatch(
  corpus: Awaited<ReturnType<typeof signedCorpus>>,
  webCrypto = false,
): Promise<number> {
  const dedupe = createMemoryDedupeStore({ now: () => NOW.getTime() })
  const start = performance.now()
  const outcomes = await verifyEvents(corpus.jws, {
    resolveKey: corpus.resolveKey,
    dedupe,
    currentDate: NOW,
    concurrency: CONCURRENCY,
    ...(webCrypto ? {} : { verifySignature }),
  })
  const elapsed = performance.now() - start
  if (outcomes.some((o) => !o.ok)) throw new Error('verifyEvents rejected a valid event')
  return (corpus.jws.length / elapsed) * 1000
}

const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0

export const run: Bench = async () => {
  const corpus = await signedCorpus(BATCH)
  const results: BenchResult[] = []

  // Batch: three alternating rounds each, median.
  const raw: number[] = []
  const ours: number[] = []
  for (let round = 0; round < 3; round++) {
    raw.push(await rawBatch(corpus))
    ours.push(await sdkBatch(corpus))
  }
  const webCrypto = await sdkBatch(corpus, true)
  results.push(
    result({
      name: 'verify-event-batch',
      value: median(ours),
      unit: 'events/s',
      baseline: 'raw async Ed25519 verify (node:crypto, both cores)',
      baselineValue: median(raw),
      target: 0.9,
      higherIsBetter: true,
      notes:
        `${BATCH} events, concurrency ${CONCURRENCY}, every check incl. schema and dedupe, ` +
        `node:crypto verifier (@cta-interop/sdk/node); median of 3 rounds. ` +
        `With the default Web Crypto verifier: ${webCrypto.toFixed(0)} events/s (ratio ${(webCrypto / median(raw)).toFixed(2)}).`,
    }),
  )

  // Serial: one at a time.
  let i = 0
  const serialRaw = await opsPerSecond(() => {
    const { input, signature } = corpus.raw[i++ % corpus.raw.length] as {
      input: Buffer
      signature: Buffer
    }
    rawVerify(null, input, corpus.publicKey, signature)
  })
  let j = 0
  const serialOurs = await opsPerSecond(() =>
    verifyEvent(corpus.jws[j++ % corpus.jws.length] as string, {
      resolveKey: corpus.resolveKey,
      currentDate: NOW,
      verifySignature,
    }),
  )
  results.push(
    result({
      name: 'verify-event-serial',
      value: serialOurs,
      unit: 'events/s',
      baseline: 'raw sync Ed25519 verify (node:crypto)',
      baselineValue: serialRaw,
      target: null,
      higherIsBetter: true,
      notes: 'one verification at a time, no dedupe, node:crypto verifier (async)',
    }),
  )

  // Signing.
  const event = makeEvent(1)
  const input = corpus.raw[1]?.input ?? Buffer.alloc(0)
  const rawKey = await rawSigningKey()
  const rawSignRate = await opsPerSecond(() => rawSign(null, input, rawKey.nodeKey))
  const ourSignRate = await opsPerSecond(() => signEvent(event, rawKey.sdkKey))
  results.push(
    result({
      name: 'sign-event',
      value: ourSignRate,
      unit: 'events/s',
      baseline: 'raw sync Ed25519 sign (node:crypto)',
      baselineValue: rawSignRate,
      target: null,
      higherIsBetter: true,
      notes: 'validate + serialize + CompactSign',
    }),
  )

  results.push(...(await rejectHostile(corpus, serialRaw)))
  return results
}

async function rawSigningKey() {
  const { generateSigningKey } = await import('@cta-interop/sdk')
  const sdkKey = await generateSigningKey({
    origin: 'https://decisions.example',
    extractable: true,
  })
  const jwk = await exportJWK(sdkKey.privateKey)
  return { sdkKey, nodeKey: createPrivateKey({ key: jwk as never, format: 'jwk' }) }
}

async function rejectHostile(
  corpus: Awaited<ReturnType<typeof signedCorpus>>,
  rawVerifyRate: number,
): Promise<BenchResult[]> {
  const { forgeBench } = await import('./lib/forge.js')
  const valid = corpus.jws[0] as string
  const cases = await forgeBench(corpus.key, valid)
  const histogram = monitorEventLoopDelay({ resolution: 1 })
  const perCase: Record<string, number> = {}
  histogram.enable()
  for (const [name, inputs, expected] of cases) {
    const start = performance.now()
    for (const input of inputs) {
      try {
        await verifyEvent(input, {
          resolveKey: corpus.resolveKey,
          currentDate: NOW,
          verifySignature,
        })
        throw new Error(`${name} was accepted`)
      } catch (err) {
        if (!isProtocolError(err) || err.code !== expected) throw err
      }
    }
    perCase[name] = (performance.now() - start) / inputs.length
  }
  histogram.disable()
  const worst = Math.max(...Object.values(perCase))
  const stall = histogram.max / 1e6
  const rawMs = 1000 / rawVerifyRate
  const detail = Object.entries(perCase)
    .map(([name, ms]) => `${name} ${ms.toFixed(3)} ms`)
    .join('; ')
  return [
    result({
      name: 'reject-hostile',
      value: worst,
      unit: 'ms (slowest mean time to reject)',
      baseline: 'raw sync Ed25519 verify (node:crypto), ms',
      baselineValue: rawMs,
      target: 5 / rawMs,
      higherIsBetter: false,
      notes: `budget 5 ms per input; ${detail}`,
    }),
    result({
      name: 'reject-hostile-stall',
      value: stall,
      unit: 'ms (longest event-loop delay while rejecting)',
      baseline: 'raw sync Ed25519 verify (node:crypto), ms',
      baselineValue: rawMs,
      target: 10 / rawMs,
      higherIsBetter: false,
      notes: 'budget 10 ms; measured with monitorEventLoopDelay (1 ms resolution)',
    }),
  ]
}
