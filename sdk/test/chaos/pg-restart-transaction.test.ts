// The connection a transaction holds fails while the transaction waits (issue 12, item 4): with
// no listener on that client, Node ends the process on its `error` event. Deterministic: the
// transaction is held open right after BEGIN while a private PostgreSQL is stopped at once.
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createPostgresDeliveryStore,
  type PgPoolClientLike,
  type PgPoolLike,
} from '../../node/index.js'
import {
  havePostgresBinaries,
  startPrivatePostgres,
  type PrivatePostgres,
} from '../helpers/private-postgres.js'

const GROUP = 'https://decisions.example/g/harbour-commons'
const event = (id: string) => ({
  source: 'https://decisions.example',
  id,
  type: 'tech.collaborative.ping',
  group: GROUP,
  jws: `h.p.${id}`,
})

async function until(what: string, ready: () => boolean, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

describe.skipIf(!havePostgresBinaries())('a transaction whose connection fails', () => {
  let server: PrivatePostgres | undefined
  let pool: pg.Pool | undefined
  const uncaught: unknown[] = []
  const onUncaught = (error: unknown) => uncaught.push(error)

  beforeAll(async () => {
    server = await startPrivatePostgres()
    process.on('uncaughtException', onUncaught)
  }, 180_000)

  afterAll(async () => {
    process.removeListener('uncaughtException', onUncaught)
    // The server first: a client still held by a failed run would keep `end()` waiting.
    await server?.destroy()
    void pool?.end().catch(() => undefined)
  }, 60_000)

  it('rejects the call, tells the store’s onError, discards the client, and the next call works once the server is back', async () => {
    const running = server as PrivatePostgres
    const real = new pg.Pool({ connectionString: running.url, max: 2 })
    pool = real
    // A pool passed in is the application's: it listens for its idle clients' errors itself.
    real.on('error', () => undefined)
    let gate: Promise<void> | undefined
    let held = (): void => undefined
    // The real pool, with one hook: after BEGIN, a transaction waits at `gate`.
    const holding: PgPoolLike = {
      query: (text, values) => real.query(text, values),
      end: () => real.end(),
      async connect(): Promise<PgPoolClientLike> {
        const client = await real.connect()
        return {
          async query(text, values) {
            const result = await client.query(text, values)
            if (text === 'BEGIN' && gate !== undefined) {
              held()
              await gate
            }
            return result
          },
          release: (error) => {
            client.release(error)
          },
          on: (name, listener) => client.on(name, listener),
          removeListener: (name, listener) => client.removeListener(name, listener),
        }
      },
    }
    const errors: unknown[] = []
    const store = await createPostgresDeliveryStore({
      pool: holding,
      schema: `tx_${Math.random().toString(36).slice(2, 10)}`,
      onError: (error) => errors.push(error),
    })
    let open = (): void => undefined
    gate = new Promise((resolve) => {
      open = resolve
    })
    const isHeld = new Promise<void>((resolve) => {
      held = resolve
    })
    const first = store.enqueue(event('during'), [], new Date())
    const outcome = first.then(
      () => 'committed',
      () => 'rejected',
    )
    await isHeld
    try {
      await running.stop()
      await until(
        'the store’s onError to hear of the broken connection',
        () => errors.length > 0 || uncaught.length > 0,
      )
      // Without a listener on the held client, its `error` event was uncaught.
      expect(uncaught).toEqual([])
    } finally {
      gate = undefined
      open()
    }
    expect(await outcome).toBe('rejected')
    await running.start()
    const second = await store.enqueue(event('after'), [], new Date())
    expect(second.duplicate).toBe(false)
    const feed = await store.readFeed({ group: GROUP, limit: 10 })
    expect(feed.map((item) => item.jws)).toEqual(['h.p.after'])
    expect(uncaught).toEqual([])
    await store.close()
  }, 120_000)
})
