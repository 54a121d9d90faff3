// A damaged PGlite data directory must not open as a smaller outbox (issue 12, item 4; F12 of
// the attack report: a table file cut to a third opened with 330 of 1,000 deliveries, a zeroed
// one with none, and no error). Every case damages its own copy of one closed store.
import { cpSync, mkdtempSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPgliteDeliveryStore } from '../../node/index.js'
import { codeOf } from '../helpers/code-of.js'

const SCHEMA = 'outbox'
const GROUP = 'https://decisions.example/g/harbour-commons'
const EVENTS = 1000
const PAGE = 8192

let root: string
let pristine: string
/** Each relation's file, relative to the data directory. */
const files: Record<string, string> = {}

async function fill(dataDir: string, events: number): Promise<void> {
  const store = await createPgliteDeliveryStore({ dataDir, schema: SCHEMA })
  await store.createSubscription({
    id: 'sub-1',
    subscriber: 'https://receiver.example',
    sink: 'https://receiver.example/inbox',
    group: GROUP,
    status: 'active',
    created: new Date().toISOString(),
  })
  const at = new Date()
  for (let i = 0; i < events; i++) {
    const event = { source: 'https://decisions.example', id: `e-${i}`, type: 't', group: GROUP }
    await store.enqueue(
      { ...event, jws: `${'h'.repeat(40)}.${'p'.repeat(200)}.s${i}` },
      ['sub-1'],
      at,
    )
  }
  await store.close()
}

/** A copy of the pristine store, with `damage` applied to it. */
function copy(name: string, damage?: (dir: string) => void): string {
  const dir = join(root, name)
  cpSync(pristine, dir, { recursive: true })
  damage?.(dir)
  return dir
}

const truncateToThird = (relation: string) => (dir: string) => {
  const file = join(dir, files[relation] ?? '')
  truncateSync(file, Math.floor(statSync(file).size / 3 / PAGE) * PAGE)
}
const zero = (relation: string) => (dir: string) => {
  const file = join(dir, files[relation] ?? '')
  writeFileSync(file, Buffer.alloc(statSync(file).size))
}

const open = (dataDir: string) => createPgliteDeliveryStore({ dataDir, schema: SCHEMA })

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'cta-pglite-corrupt-'))
  pristine = join(root, 'pristine')
  await fill(pristine, EVENTS)
  const db = await PGlite.create(pristine)
  for (const relation of ['deliveries', 'events', 'row_counts', 'events_pkey', 'dedupe']) {
    const { rows } = await db.query<{ path: string }>(
      'SELECT pg_relation_filepath(to_regclass($1)) AS path',
      [`${SCHEMA}.${relation}`],
    )
    files[relation] = rows[0]?.path ?? ''
  }
  await db.close()
  expect(statSync(join(pristine, files['deliveries'] ?? '')).size).toBeGreaterThan(3 * PAGE)
}, 180_000)

afterAll(() => {
  rmSync(root, { recursive: true, force: true })
})

describe('a PGlite store whose files were damaged', () => {
  it('[DLV-OUT-003] accepts an undamaged copy and opens it with every delivery and every event of the feed', async () => {
    const store = await open(copy('intact'))
    expect(await store.listDeliveries({ limit: 5000 })).toHaveLength(EVENTS)
    expect(await store.readFeed({ group: GROUP, limit: 5000 })).toHaveLength(EVENTS)
    await store.close()
  })

  it('[DLV-OUT-003] refuses to open with ERR_STORE_CORRUPT when the deliveries table file is cut to a third', async () => {
    expect(await codeOf(open(copy('truncated', truncateToThird('deliveries'))))).toBe(
      'ERR_STORE_CORRUPT',
    )
  })

  it('[DLV-OUT-003] refuses to open with ERR_STORE_CORRUPT when the deliveries table file is zeroed', async () => {
    expect(await codeOf(open(copy('zeroed', zero('deliveries'))))).toBe('ERR_STORE_CORRUPT')
  })

  it('[DLV-OUT-003] refuses to open with ERR_STORE_CORRUPT when the feed’s table file is cut to a third', async () => {
    expect(await codeOf(open(copy('events-truncated', truncateToThird('events'))))).toBe(
      'ERR_STORE_CORRUPT',
    )
  })

  it('[DLV-OUT-003] refuses to open with ERR_STORE_CORRUPT when the row counts themselves are zeroed', async () => {
    expect(await codeOf(open(copy('counts-zeroed', zero('row_counts'))))).toBe('ERR_STORE_CORRUPT')
  })

  it('[DLV-OUT-003] refuses to open with ERR_STORE_CORRUPT when the feed’s primary key index is zeroed', async () => {
    expect(await codeOf(open(copy('index-zeroed', zero('events_pkey'))))).toBe('ERR_STORE_CORRUPT')
  })

  it('releases the directory after refusing it: the same directory opens once repaired', async () => {
    const dir = copy('released', zero('deliveries'))
    expect(await codeOf(open(dir))).toBe('ERR_STORE_CORRUPT')
    rmSync(dir, { recursive: true, force: true })
    cpSync(pristine, dir, { recursive: true })
    const store = await open(dir)
    expect(await store.listDeliveries({ limit: 5000 })).toHaveLength(EVENTS)
    await store.close()
  })
})

describe('the row counts of an undamaged PGlite store', () => {
  it('stay right through claims, outcomes, dedupe, subscription deletes and pruning', async () => {
    const dir = join(root, 'busy')
    await fill(dir, 30)
    let store = await open(dir)
    const claimed = await store.claimDeliveries({ now: new Date(), limit: 10, leaseMs: 60_000 })
    for (const delivery of claimed) {
      await store.completeDelivery(delivery.id, delivery.leaseToken, { at: new Date() })
    }
    for (let i = 0; i < 20; i++) {
      await store.dedupe.claim('https://a.example', `d-${i}`, new Date(Date.now() + 60_000))
    }
    for (let i = 0; i < 5; i++) await store.dedupe.release('https://a.example', `d-${i}`)
    await store.dedupe.claim('https://a.example', 'd-19', new Date(Date.now() + 60_000))
    expect(await store.deleteSubscription('sub-1')).toBe(true)
    expect(await store.prune({ now: new Date(Date.now() + 1000), retention: 0 })).toBeGreaterThan(0)
    await store.close()
    store = await open(dir)
    expect(await store.readFeed({ group: GROUP, limit: 100 })).toEqual([])
    await store.close()
  })

  it('are started, and trusted once, for a store written before the store counted rows', async () => {
    const dir = copy('older')
    const db = await PGlite.create(dir)
    await db.exec(`DROP TABLE ${SCHEMA}.row_counts CASCADE`)
    for (const table of ['subscriptions', 'events', 'deliveries', 'dedupe']) {
      for (const name of ['row_counts_inserted', 'row_counts_deleted', 'row_counts_truncated']) {
        await db.exec(`DROP TRIGGER ${name} ON ${SCHEMA}.${table}`)
      }
    }
    await db.close()
    const store = await open(dir)
    expect(await store.listDeliveries({ limit: 5000 })).toHaveLength(EVENTS)
    await store.close()
    zero('deliveries')(dir)
    expect(await codeOf(open(dir))).toBe('ERR_STORE_CORRUPT')
  })
})
