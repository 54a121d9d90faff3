import { afterAll, describe, expect, it, vi } from 'vitest'
import pg from 'pg'
import { createEvent, signEvent, type Event } from '../../src/index.js'
import { createTool, development, type Tool } from '../../node/index.js'
import { codeOf } from '../helpers/code-of.js'

const group = 'https://groups.example/g/garden'
const TYPE = 'org.example.note.created'
const PG = process.env['CTA_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test'

const note = (tool: Tool, n: number) =>
  ({
    type: 'Create',
    actor: { id: tool.origin, type: 'Application', name: 'Notes' },
    object: { id: `${tool.origin}/notes/${n}`, type: 'Note', name: `Note ${n}` },
    summary: `Note ${n}`,
    published: new Date().toISOString(),
    url: `${tool.origin}/notes/${n}`,
    audience: group,
  }) as const

/** A tool of the development preset whose state is in memory, and the events it received. */
async function tool(name: string, options: Partial<Parameters<typeof createTool>[0]> = {}) {
  const received: Event[] = []
  const made = await createTool({
    ...development(),
    name,
    port: 0,
    emits: [TYPE],
    consumes: [TYPE],
    store: { memory: true },
    onEvent: (event) => {
      received.push(event)
    },
    ...options,
  })
  open.push(made)
  return Object.assign(made, { received })
}
const open: Tool[] = []
afterAll(async () => {
  await Promise.all(open.map((t) => t.close()))
})

describe('createTool', () => {
  it('catches up from the feed, subscribes, then gets pushes: each event once', async () => {
    const notes = await tool('Notes')
    const board = await tool('Board')
    notes.install(group, board.origin)
    board.install(group, notes.origin)
    const before = await notes.emit(TYPE, note(notes, 1))
    const first = await board.subscribe(notes.origin, { group, types: [TYPE] })
    expect(first.processed).toBe(1)
    expect(first.subscription.id).toMatch(/^[0-9a-f-]{36}$/)
    const pushed = await notes.emit(TYPE, note(notes, 2))
    await vi.waitFor(() => {
      expect(board.received.map((e) => e.id)).toEqual([before.id, pushed.id])
    }, 10_000)
    await notes.flush()
    const again = await board.subscribe(notes.origin, { group, types: [TYPE] })
    expect(again.processed).toBe(0)
    expect(board.received).toHaveLength(2)
  })

  it('[EVT-AUTHZ-001] refuses an event whose source is not installed in the group (403 ERR_NOT_INSTALLED), accepts it once installed', async () => {
    const notes = await tool('Notes')
    const board = await tool('Board', { trustedSources: [notes.origin] })
    const jws = await signEvent(
      createEvent(TYPE, note(notes, 1), { source: notes.origin }),
      notes.key,
    )
    const post = () =>
      fetch(board.manifest.inbox as string, {
        method: 'POST',
        headers: { 'content-type': 'application/jose' },
        body: jws,
      })
    const refused = await post()
    expect(refused.status).toBe(403)
    expect(((await refused.json()) as { code: string }).code).toBe('ERR_NOT_INSTALLED')
    board.install(group, notes.origin)
    expect((await post()).status).toBe(202)
    expect(board.received).toHaveLength(1)
  })

  it('on the production preset, refuses a loopback producer with an error naming the development preset', async () => {
    const board = await createTool({
      name: 'Board',
      origin: 'https://board.example',
      store: { memory: true },
    })
    open.push(board)
    const refusal = board.subscribe('http://127.0.0.1:9', { group })
    expect(await codeOf(refusal)).toBe('ERR_ADDRESS_NOT_ALLOWED')
    expect(await refusal.catch((err: unknown) => (err as { preset?: string }).preset)).toBe(
      'development',
    )
  })

  it('refuses options that would weaken a production tool, before opening anything', async () => {
    await expect(createTool({ name: 'A', port: 0 })).rejects.toThrow(TypeError)
    await expect(
      createTool({ name: 'A', origin: 'http://a.example', store: { memory: true } }),
    ).rejects.toThrow(TypeError)
    await expect(
      createTool({ name: 'A', origin: 'https://a.example', speaksFor: 'any-source' }),
    ).rejects.toThrow(TypeError)
  })

  it('keeps its feed cursor and dedupe records in PostgreSQL across a restart', async () => {
    const schema = `cta_tool_${process.pid}_${Date.now()}`
    const store = { postgres: PG, schema }
    const notes = await tool('Notes')
    const board1 = await tool('Board', { store })
    notes.install(group, board1.origin)
    board1.install(group, notes.origin)
    await board1.subscribe(notes.origin, { group, types: [TYPE] })
    const first = await notes.emit(TYPE, note(notes, 1))
    await vi.waitFor(() => {
      expect(board1.received.map((e) => e.id)).toEqual([first.id])
    }, 10_000)
    await board1.close()
    const second = await notes.emit(TYPE, note(notes, 2))
    const board2 = await tool('Board', { store })
    notes.install(group, board2.origin)
    board2.install(group, notes.origin)
    const caughtUp = await board2.subscribe(notes.origin, { group, types: [TYPE] })
    expect(caughtUp.processed).toBe(1)
    expect(board2.received.map((e) => e.id)).toEqual([second.id])
    const client = new pg.Client({ connectionString: PG })
    await client.connect()
    try {
      const { rows } = await client.query(`SELECT cursor FROM ${schema}.tool_cursors`)
      expect(rows).toEqual([{ cursor: caughtUp.cursor }])
      await client.query(`DROP SCHEMA ${schema} CASCADE`)
    } finally {
      await client.end()
    }
  })

  it('serves every route through its Fetch API handler behind a server of your own', async () => {
    const notes = await createTool({
      name: 'Notes',
      origin: 'https://notes.example',
      emits: [TYPE],
      store: { memory: true },
    })
    open.push(notes)
    const get = (path: string) => notes.handler(new Request(`https://notes.example${path}`))
    const manifest = (await (await get('/.well-known/cta-tool')).json()) as { feed: string }
    expect(manifest.feed).toBe('https://notes.example/cta/feed')
    const jwks = (await (await get('/.well-known/jwks.json')).json()) as { keys: { kid: string }[] }
    expect(jwks.keys.map((k) => k.kid)).toEqual([notes.key.kid])
    // The feed wants a request token; without one it refuses.
    const feed = await get(`/cta/feed?group=${encodeURIComponent(group)}`)
    expect(((await feed.json()) as { code: string }).code).toBe('ERR_UNAUTHORIZED')
  })

  it('closes cleanly: the port no longer answers', async () => {
    const notes = await createTool({
      ...development(),
      name: 'Notes',
      port: 0,
      store: { memory: true },
    })
    expect((await fetch(`${notes.origin}/.well-known/cta-tool`)).status).toBe(200)
    await notes.close()
    await expect(fetch(`${notes.origin}/.well-known/cta-tool`)).rejects.toThrow()
  })
})
