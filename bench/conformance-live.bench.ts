// conformance-live: one full live run (`cta-conformance live`) against the reference tool on
// 127.0.0.1, against as many raw loopback HTTP round trips as the run's transcripts recorded,
// measured in the same run, alternating over 3 rounds. Reported only. The emitter's retry case
// waits the one second its `Retry-After` asks for by design; the notes give that wait.
import { runLive } from '../conformance/src/live/run-live.js'
import { parseSutManifest } from '../conformance/src/live/sut.js'
import { startReferenceTool } from '../conformance/test/fixtures/reference-tool.js'
import { alternate, roundsResult, type Bench } from './lib/measure.js'

export const run: Bench = async () => {
  const tool = await startReferenceTool()
  try {
    const sut = parseSutManifest(tool.sut)
    const manifestUrl = `${tool.origin}/.well-known/cta-tool`
    let exchanges = 0
    let retryWait = 0
    let ran = 0
    const live = async (): Promise<number> => {
      const t0 = performance.now()
      const report = await runLive(sut, { sutPath: 'reference.sut.json' })
      const elapsed = (performance.now() - t0) / 1000
      if (report.summary.failed + report.summary.errored > 0)
        throw new Error('the reference tool fails')
      exchanges = report.tests.reduce((n, t) => n + (t.transcript ?? []).length, 0)
      retryWait =
        (report.tests.find((t) => t.id === 'live.emitter.retries-after-503')?.durationMs ?? 0) /
        1000
      ran = report.tests.filter((t) => t.status === 'passed').length
      return elapsed
    }
    // The raw primitive: as many loopback round trips to the same server as the last live run
    // recorded (a first live run, unrecorded, gives the count for the first round).
    const rawTrips = async (): Promise<number> => {
      const t0 = performance.now()
      for (let n = 0; n < exchanges; n++) await (await fetch(manifestUrl)).arrayBuffer()
      return (performance.now() - t0) / 1000
    }
    await live()
    const measured = await alternate(live, rawTrips, { rounds: 3 })
    return [
      roundsResult(
        {
          name: 'conformance-live-run',
          unit: 's per full live run',
          baseline: `${exchanges} raw loopback HTTP round trips`,
          target: null,
          higherIsBetter: false,
          notes: `${ran} live cases passed against the reference tool (receiver and emitter), ${exchanges} HTTP exchanges; 3 alternating rounds after an unrecorded run; ${retryWait.toFixed(2)} s of each run is the retry case waiting out Retry-After: 1`,
        },
        measured,
      ),
    ]
  } finally {
    await tool.close()
  }
}
