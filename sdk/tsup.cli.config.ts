import { defineConfig } from 'tsup'

// The `cta` command line (bin of the package), built after the other entries: it imports the SDK
// by name, so it stays external (one copy of every module), as the Node entry does.
export default defineConfig({
  entry: { cli: 'cli/main.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'es2022',
  tsconfig: 'tsconfig.build.json',
  external: ['@cta-interop/sdk', '@cta-interop/sdk/node', '@cta-interop/sdk/nats'],
  dts: false,
  clean: false,
  sourcemap: true,
})
