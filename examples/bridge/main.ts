// Runs cta-bridge from the environment: `npx tsx examples/bridge/main.ts` (see README.md).
import { createSafeFetch } from '@cta-interop/sdk/node'
import { startBridge } from './bridge.js'

const env = (name: string, fallback?: string): string => {
  const value = process.env[name] ?? fallback
  if (value === undefined) throw new Error(`set ${name} (see examples/bridge/README.md)`)
  return value
}
const list = (value: string): string[] => value.split(',').filter((s) => s !== '')

const group = env('CTA_GROUP')
const authority = env('CTA_AUTHORITY')
// The group's installations: a fixed list here (CTA_INSTALLED, comma-separated tool origins); a
// tool in production reads them from its authority with readInstallations and a cta:roster token.
const installed = list(env('CTA_INSTALLED', ''))
const bridge = await startBridge({
  name: env('BRIDGE_NAME', 'Bridged tool'),
  secret: env('BRIDGE_SECRET'),
  ...(process.env.BRIDGE_TOOL_WEBHOOK === undefined
    ? {}
    : { toolWebhook: process.env.BRIDGE_TOOL_WEBHOOK }),
  emits: list(env('BRIDGE_EMITS')),
  consumes: list(env('BRIDGE_CONSUMES', '')),
  installations: {
    authority: (g) => (g === group ? authority : undefined),
    load: () =>
      Promise.resolve(installed.map((tool) => ({ tool, installationStatus: 'active' as const }))),
  },
  knownTools: installed,
  dataDir: env('BRIDGE_DATA_DIR', './data/bridge'),
  port: Number(env('BRIDGE_PORT', '8787')),
  // Loopback and plain HTTP only when asked; otherwise the SDK's DNS-pinned fetch, which refuses
  // non-public addresses.
  outbound:
    process.env.BRIDGE_LOCAL === '1'
      ? { allowPrivateNetwork: true, allowHttp: true }
      : { fetch: createSafeFetch() },
})
console.log(`cta-bridge for ${bridge.manifest.name} at ${bridge.origin}`)
for (const tool of list(env('BRIDGE_FOLLOW', ''))) await bridge.follow(tool, group)
const stop = (): void => {
  void bridge.close().then(() => process.exit(0))
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
