import { describe, expect, it } from 'vitest'
import { brokenSdkImplementation, VERIFICATION_STEPS } from '../src/adapters/broken-sdk.js'
import { runVectors } from '../src/run.js'
import { loadVectors } from '../src/vectors.js'

const { vectors } = await loadVectors()

// Each verification step of the SDK is switched off in turn through a deliberately broken
// adapter: at least one vector must then fail, or the suite does not test that step.
describe('mutation checks: the vectors catch an implementation that skips', () => {
  it.each(VERIFICATION_STEPS)('the %s check', async (step) => {
    const impl = brokenSdkImplementation(step)
    const info = await impl.start()
    const result = await runVectors(impl, info, vectors, { harness: `direct:broken=${step}` })
    const caught = result.tests.filter((t) => t.status === 'failed').map((t) => t.id)
    expect(caught.length, `no vector fails when ${step} is skipped`).toBeGreaterThan(0)
  })
})
