import { defineConfig } from 'tsup'

// The Node-only entry (`@cta-interop/sdk/node`), built after the main entries: it imports the SDK
// by name, so it stays external (one copy of every module) and its types resolve to dist.
export default defineConfig({
  entry: { node: 'node/index.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'es2022',
  tsconfig: 'tsconfig.build.json',
  external: ['@cta-interop/sdk'],
  dts: true,
  clean: false,
  sourcemap: true,
})
