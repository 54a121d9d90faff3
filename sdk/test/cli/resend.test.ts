// `cta resend`: the JetStream store's resend tools from the command line (issue 14, §2), against
// a nats-server of the test's own and the shared PostgreSQL, in a schema of the test's own.
import { randomUUID } from 'node:crypto'
import { jetstreamManager } from '@nats-io/jetstream'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPostgresDeliveryStore } from '../../node/index.js'
import { createJetStreamDeliveryStore, type JetStreamDeliveryStore } from '../../nats/index.js'
import type { DeliveryStore } from '../../src/index.js'
import { POSTGRES_URL, GROUP } from '../delivery/support.js'
import { cta } from '../helpers/run-cta.js'
import { natsServerMissing, startNatsServer, type NatsServer } from '../helpers/nats-server.js'

const SCHEMA = `cta_resend_${randomUUID().slice(0, 8)}`
const PREFIX = 'CLIRESEND'

/** The one JSON document `--json` printed. */
const jsonOf = (stdout: string): Record<string, unknown> =>
  JSON.parse(stdout.trim()) as Record<string, unknown>

describe.skipIf(natsServerMissing() !== undefined)('cta resend', () => {
  let nats: NatsServer
  let nc: NatsConnection
  let state: DeliveryStore
  let store: JetStreamDeliveryStore
  const base = (): string[] => [
    '--nats',
    nats.url,
    '--postgres',
    POSTGRES_URL,
    '--schema',
    SCHEMA,
    '--prefix',
    PREFIX,
    '--subscription',
    'sub-a',
    '--json',
  ]
  const event = (id: string) => ({
    source: 'https://decisions.example',
    id,
    type: 'tech.collaborative.ping',
    group: GROUP,
    jws: `jws-${id}`,
  })
  const claim = () => store.claimDeliveries({ now: new Date(), limit: 100, leaseMs: 5000 })

  beforeAll(async () => {
    nats = await startNatsServer()
    nc = await connect({ servers: nats.url })
    state = await createPostgresDeliveryStore({ connectionString: POSTGRES_URL, schema: SCHEMA })
    store = await createJetStreamDeliveryStore({ connection: nc, state, prefix: PREFIX })
    await store.createSubscription({
      id: 'sub-a',
      subscriber: 'https://dashboard.example',
      sink: 'https://dashboard.example/inbox/a',
      group: GROUP,
      status: 'active',
      created: new Date().toISOString(),
    })
  }, 60_000)
  afterAll(async () => {
    await store.close()
    await state.close()
    await nc.close()
    await nats.stop()
    const client = new pg.Client({ connectionString: POSTGRES_URL })
    await client.connect()
    await client.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`)
    await client.end()
  })

  it('delivers the event at a cursor again to one subscription, and refuses while it is pending', async () => {
    const { cursor } = await store.enqueue(event('one'), ['sub-a'], new Date())
    const [first] = await claim()
    expect(first?.eventId).toBe('one')
    await store.completeDelivery(first?.id ?? '', first?.leaseToken ?? '', {
      at: new Date(),
      status: 202,
    })

    const resent = await cta(['resend', ...base(), '--cursor', cursor])
    expect(resent.code, resent.stderr).toBe(0)
    expect(jsonOf(resent.stdout)).toMatchObject({ command: 'resend', cursor, queued: true })
    const again = await claim()
    expect(again.map((d) => [d.eventId, d.subscriptionId, d.jws])).toEqual([
      ['one', 'sub-a', 'jws-one'],
    ])

    // Its delivery is pending now: nothing is resent, with a code.
    const pending = await cta(['resend', ...base(), '--cursor', cursor])
    expect(pending.code).toBe(1)
    expect(jsonOf(pending.stdout)).toMatchObject({ ok: false, error: { code: 'ERR_NOT_FOUND' } })
    for (const d of again) {
      await store.completeDelivery(d.id, d.leaseToken, { at: new Date(), status: 202 })
    }
  }, 60_000)

  it('queues again what was dead-lettered since a date, and only that', async () => {
    const before = new Date()
    await store.enqueue(event('dead'), ['sub-a'], new Date())
    const [d] = await claim()
    expect(d?.eventId).toBe('dead')
    await store.deadLetterDelivery(d?.id ?? '', d?.leaseToken ?? '', {
      at: new Date(),
      status: 400,
    })

    const later = new Date(Date.now() + 60_000).toISOString()
    const none = await cta(['resend', ...base(), '--dead-since', later])
    expect(none.code, none.stderr).toBe(0)
    expect(jsonOf(none.stdout)).toMatchObject({ command: 'recover', count: 0 })

    const recovered = await cta(['resend', ...base(), '--dead-since', before.toISOString()])
    expect(recovered.code, recovered.stderr).toBe(0)
    expect(jsonOf(recovered.stdout)).toMatchObject({ command: 'recover', count: 1 })
    const again = await claim()
    expect(again.map((x) => [x.eventId, x.subscriptionId])).toEqual([['dead', 'sub-a']])
    await store.completeDelivery(again[0]?.id ?? '', again[0]?.leaseToken ?? '', {
      at: new Date(),
      status: 202,
    })
  }, 60_000)

  it('refuses a prefix that names no store, and creates none', async () => {
    const args = base()
    args[args.indexOf('--prefix') + 1] = 'NOSUCH'
    const run = await cta(['resend', ...args, '--cursor', '1'])
    expect(run.code).toBe(1)
    expect(jsonOf(run.stdout)).toMatchObject({ error: { code: 'ERR_NOT_FOUND' } })
    const jsm = await jetstreamManager(nc)
    await expect(jsm.streams.info('NOSUCH_EVENTS')).rejects.toThrow()
  }, 60_000)

  it('refuses wrong arguments with ERR_USAGE (exit 2) and an unreachable server with exit 3', async () => {
    const usage = [
      [], // neither --cursor nor --dead-since
      ['--cursor', '1', '--dead-since', '2026-12-01T00:00:00Z'],
      ['--cursor', '0'],
      ['--cursor', 'x'],
      ['--dead-since', 'yesterday'],
    ]
    for (const extra of usage) {
      const run = await cta(['resend', ...base(), ...extra])
      expect(run.code, extra.join(' ')).toBe(2)
      expect(jsonOf(run.stdout)).toMatchObject({ error: { code: 'ERR_USAGE' } })
    }
    const args = base()
    args[args.indexOf('--nats') + 1] = 'nats://127.0.0.1:1'
    const down = await cta(['resend', ...args, '--cursor', '1'])
    expect(down.code).toBe(3)
    expect(jsonOf(down.stdout)).toMatchObject({ error: { code: 'ERR_FETCH_FAILED' } })
  }, 60_000)
})
