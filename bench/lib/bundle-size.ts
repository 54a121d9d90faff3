// The size of a browser bundle that imports a few names from the SDK's core entry: what a web app
// that only verifies events (or only validates documents) ships. Shared by
// bench/bundle-size.bench.ts and sdk/test/bundle-size.test.ts.
import { build } from 'esbuild'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** Where the core entry is bundled from: the built package, or its TypeScript source. */
export type BundleSource = 'dist' | 'src'

/** A minified bundle's size and the inputs that weigh most in it. */
export interface BundleSize {
  readonly bytes: number
  /** Bytes in the output per input file (relative to the repository root), largest first. */
  readonly inputs: readonly (readonly [string, number])[]
}

/**
 * Bundles `import { ...names } from '@cta-interop/sdk'` with esbuild: minified, ES module, browser
 * platform, tree-shaken (the SDK's package.json declares `sideEffects: false`).
 */
export async function bundleSize(
  names: readonly string[],
  source: BundleSource = 'dist',
): Promise<BundleSize> {
  const from = source === 'dist' ? '@cta-interop/sdk' : `${ROOT}sdk/src/index.ts`
  const result = await build({
    stdin: {
      contents: `export { ${names.join(', ')} } from ${JSON.stringify(from)}`,
      resolveDir: ROOT,
      loader: 'ts',
    },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
  })
  const output = result.outputFiles[0]
  if (output === undefined) throw new Error('esbuild wrote no bundle')
  const meta = Object.values(result.metafile.outputs)[0]
  const inputs = Object.entries(meta?.inputs ?? {})
    .map(([path, input]) => [path, input.bytesInOutput] as const)
    .sort((a, b) => b[1] - a[1])
  return { bytes: output.contents.byteLength, inputs }
}
