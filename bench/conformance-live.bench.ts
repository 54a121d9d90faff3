// conformance-live: one full live run (`cta-conformance live`) against the reference tool on
// 127.0.0.1, against as many raw loopback HTTP round trips as the run's transcripts recorded,
// measured in the same run. Reported only. The emitter's retry case waits the one second its
// `Retry-After` asks for by design; the notes give the run's time without that wait.
import { runLive } from '../conformance/src/live/run-live.js'
import { parseSutManifest } from '../conformance/src/live/sut.js'
import { startReferenceTool } from '../conformance/test/fixtures/reference-tool.js'
import { result, type Bench } from './lib/measure.js'

export const run: Bench = async () => {
  const tool = await startReferenceTool()
  try {
    const sut = parseSutManifest(tool.sut)
    const runs = 3
    let seconds = Infinity
    let exchanges = 0
    let retryWait = 0
    let ran = 0
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now()
      const live = await runLive(sut, { sutPath: 'reference.sut.json' })
      const elapsed = (performance.now() - t0) / 1000
      if (live.summary.failed + live.summary.errored > 0)
        throw new Error('the reference tool fails')
      if (elapsed < seconds) {
        seconds = elapsed
        exchanges = live.tests.reduce((n, t) => n + (t.transcript ?? []).length, 0)
        retryWait =
          (live.tests.find((t) => t.id === 'live.emitter.retries-after-503')?.durationMs ?? 0) /
          1000
        ran = live.tests.filter((t) => t.status === 'passed').length
      }
    }
    // The raw primitive: the same number of loopback round trips to the same server.
    const manifestUrl = `${tool.origin}/.well-known/cta-tool`
    let rawSeconds = Infinity
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now()
      for (let n = 0; n < exchanges; n++) await (await fetch(manifestUrl)).arrayBuffer()
      rawSeconds = Math.min(rawSeconds, (performance.now() - t0) / 1000)
    }
    return [
      result({
        name: 'conformance-live-run',
        value: seconds,
        unit: 's per full live run',
        baseline: `${exchanges} raw loopback HTTP round trips`,
        baselineValue: rawSeconds,
        target: null,
        higherIsBetter: false,
        notes: `${ran} live cases passed against the reference tool (receiver and emitter), ${exchanges} HTTP exchanges; best of ${runs}; ${retryWait.toFixed(2)} s of it is the retry case waiting out Retry-After: 1`,
      }),
    ]
  } finally {
    await tool.close()
  }
}
