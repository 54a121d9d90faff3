import { sdkImplementation } from '../../src/adapters/sdk.js'
import { buildReport, type Report } from '../../src/report/report.js'
import { runVectors } from '../../src/run.js'
import { loadVectors, suiteVersion } from '../../src/vectors.js'

/** A report of a real run: the first 40 vectors against the SDK, in-process. */
export async function realReport(): Promise<Report> {
  const impl = sdkImplementation()
  const startedAt = new Date().toISOString()
  const info = await impl.start()
  const { vectors, digest } = await loadVectors()
  let result
  try {
    result = await runVectors(impl, info, vectors.slice(0, 40), { harness: 'direct' })
  } finally {
    await impl.stop()
  }
  return buildReport(result, {
    suite: {
      name: '@cta-interop/conformance',
      version: await suiteVersion(),
      vectorsDigest: digest,
      vectorCount: vectors.length,
    },
    harness: 'direct',
    command: 'cta-conformance vectors --harness direct',
    startedAt,
    options: { profiles: [], level: 'may', only: [], exclude: [], failOn: 'must' },
    conformant: result.summary.failed === 0 && result.summary.errored === 0,
  })
}
