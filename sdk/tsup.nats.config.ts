import { defineConfig } from 'tsup'

// The JetStream entry (`@cta-interop/sdk/nats`), built after the main entries: it imports the SDK
// by name, so it stays external (one copy of every module), and the NATS client, an optional peer
// dependency, stays external too.
export default defineConfig({
  entry: { nats: 'nats/index.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'es2022',
  tsconfig: 'tsconfig.build.json',
  external: ['@cta-interop/sdk', '@nats-io/jetstream', '@nats-io/transport-node'],
  dts: true,
  clean: false,
  sourcemap: true,
})
