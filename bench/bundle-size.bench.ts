// bundle-size: the minified browser bundle of an app that imports only `verifyEvent` from the SDK's
// core entry, and of one that imports only `validateDocument` (esbuild, ES module, browser
// platform, tree-shaken), from the built package (run npm run build first) and from the source.
// Target (issue 16): the verify-only bundle at most 150 KB. The baseline is the validateDocument
// bundle of the same source, which carries every kind's validator.
import { bundleSize, type BundleSize } from './lib/bundle-size.js'
import type { Bench, BenchResult } from './lib/measure.js'

const TARGET_BYTES = 150_000

const kb = (bytes: number): string => `${(bytes / 1000).toFixed(1)} KB`
const top = (size: BundleSize): string =>
  size.inputs
    .slice(0, 3)
    .map(([path, bytes]) => `${path} ${kb(bytes)}`)
    .join(', ')

export const run: Bench = async () => {
  const results: BenchResult[] = []
  for (const source of ['dist', 'src'] as const) {
    const verify = await bundleSize(['verifyEvent'], source)
    const validate = await bundleSize(['validateDocument'], source)
    results.push({
      name: `bundle-size-verify-${source}`,
      value: verify.bytes,
      unit: `bytes, minified browser bundle importing only verifyEvent (${source})`,
      baseline: `importing only validateDocument (${kb(validate.bytes)})`,
      baselineValue: validate.bytes,
      ratio: verify.bytes / TARGET_BYTES,
      target: 1,
      higherIsBetter: false,
      notes:
        `ratio = bytes / ${TARGET_BYTES} (the target); verifyEvent ${kb(verify.bytes)} ` +
        `[${top(verify)}]; validateDocument ${kb(validate.bytes)} [${top(validate)}]; ` +
        'esbuild --bundle --minify --format=esm --platform=browser, one run (deterministic)',
    })
  }
  return results
}
