import { defineConfig } from 'tsup'

// The group auth plugin for oidc-provider (`@cta-interop/sdk/authority`), built after the main and
// Node entries: it imports the SDK by name, so it stays external (one copy of every module) and
// its types resolve to dist. oidc-provider itself is never imported: the plugin types it
// structurally and receives the provider instance.
export default defineConfig({
  entry: { authority: 'authority/index.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'es2022',
  tsconfig: 'tsconfig.build.json',
  external: ['@cta-interop/sdk'],
  dts: true,
  clean: false,
  sourcemap: true,
})
