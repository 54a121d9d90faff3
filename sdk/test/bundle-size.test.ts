import { describe, expect, it } from 'vitest'
import { bundleSize } from '../../bench/lib/bundle-size.js'

// A web app that only verifies events must not ship every document kind's validator: the
// validators are tree-shaken per kind, and verifyEvent reaches only those an event needs.
// Bundled from the core entry's source (sdk/src/index.ts), minified for browsers with esbuild;
// bench/bundle-size.bench.ts measures the built package too.
//
// The target is 150 KB. The bound below is what the generated validators of the 38 kinds
// an event may be reach today (see sdk/scripts/validator-code.ts): Ajv's standalone code spends
// about 1 KB per property checked, and an event's kinds hold a few hundred. Lower it as the code
// shrinks; never raise it without saying why.
const VERIFY_ONLY_LIMIT = 380_000

describe('browser bundle size', () => {
  it('a bundle that only verifies events carries only the event validators', async () => {
    const verify = await bundleSize(['verifyEvent'], 'src')
    const validate = await bundleSize(['validateDocument'], 'src')
    expect(verify.bytes).toBeLessThanOrEqual(VERIFY_ONLY_LIMIT)
    // Every other kind's validator stays out: the full set is larger.
    expect(validate.bytes - verify.bytes).toBeGreaterThan(50_000)
  }, 60_000)
})
