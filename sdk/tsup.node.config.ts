import { defineConfig } from 'tsup'

// The Node-only entry (`@cta-interop/sdk/node`), built after the main entries: it imports the SDK
// by name, so it stays external (one copy of every module) and its types resolve to dist.
export default defineConfig({
  // sodium-worker: the worker thread of sodiumSignatureVerifier, loaded beside dist/node.js.
  entry: { node: 'node/index.ts', 'sodium-worker': 'node/sodium-worker.js' },
  format: ['esm'],
  platform: 'node',
  target: 'es2022',
  tsconfig: 'tsconfig.build.json',
  external: ['@cta-interop/sdk'],
  dts: { entry: { node: 'node/index.ts' } },
  clean: false,
  sourcemap: true,
})
