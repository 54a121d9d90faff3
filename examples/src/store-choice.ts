// Which delivery store the example tools keep their subscriptions, feed and outbox in:
// in memory (the default), or on NATS JetStream (`npm run demo -- --store nats`), on a nats-server
// the demo starts itself in a temporary directory.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { createMemoryDeliveryStore, type DeliveryStore } from '@cta-interop/sdk'
import { createJetStreamDeliveryStore } from '@cta-interop/sdk/nats'

let factory: () => Promise<DeliveryStore> = () => Promise.resolve(createMemoryDeliveryStore())

/** A new store for a tool, of the kind chosen (memory unless {@link useNatsStores} ran). */
export function createToolStore(): Promise<DeliveryStore> {
  return factory()
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise((resolve) => server.close(resolve))
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

/**
 * Starts Debian's `nats-server` with JetStream on a free loopback port and a temporary store,
 * and makes every tool started afterwards keep its feed and deliveries there (its own streams;
 * subscriptions and dedupe keys in memory). Returns what stops it.
 */
export async function useNatsStores(): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'cta-demo-nats-'))
  const child: ChildProcess = spawn(
    'nats-server',
    ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  )
  await new Promise<void>((resolve, reject) => {
    let log = ''
    child.once('error', reject)
    child.once('exit', (code) => {
      reject(new Error(`nats-server exited with ${String(code)}: ${log}`))
    })
    child.stderr?.on('data', (chunk: Buffer) => {
      log += chunk.toString()
      if (log.includes('Server is ready')) resolve()
    })
  })
  const url = `nats://127.0.0.1:${String(port)}`
  const nc: NatsConnection = await connect({ servers: url })
  let tools = 0
  factory = () =>
    createJetStreamDeliveryStore({
      connection: nc,
      state: createMemoryDeliveryStore(),
      prefix: `DEMO${String(++tools)}`,
      recheck: 1000,
    })
  return {
    url,
    async stop() {
      await nc.close()
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
