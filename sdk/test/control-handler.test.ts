// The test-only control API middleware: nothing without the bearer token, coded problems for bad
// input, 501 for actions a tool does not support, and observations scoped to the session's peer.
import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  CONTROL_UNSUPPORTED,
  ControlUnsupportedError,
  createControlHandler,
  type ControlHandler,
  type ControlSession,
} from '../node/create-control-handler.js'

const TOKEN = randomBytes(32).toString('base64url')
const BASE = 'http://127.0.0.1:3000/__cta-conformance'
const PEER = 'http://127.0.0.1:4100'

function handler(): ControlHandler {
  return createControlHandler({
    token: TOKEN,
    createSession: ({ members }) => ({
      group: 'http://127.0.0.1:3000/g/circle',
      members: members.map((name, i) => ({ id: `http://127.0.0.1:3000/u/${i}`, name })),
    }),
    actions: { emit: () => ({ id: 'event-1', type: 'example.notice' }) },
  })
}

async function call(
  control: ControlHandler,
  path: string,
  init: RequestInit & { token?: string | null } = {},
) {
  const { token = TOKEN, ...rest } = init
  const response = await control.handle(
    new Request(`${BASE}${path}`, {
      ...rest,
      headers: {
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
        'content-type': 'application/json',
      },
    }),
  )
  if (response === undefined) return { status: 0, body: undefined as unknown }
  const text = await response.text()
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) }
}

const open = (control: ControlHandler) =>
  call(control, '/sessions', {
    method: 'POST',
    body: JSON.stringify({ peer: PEER, members: ['Ana'] }),
  })

describe('createControlHandler', () => {
  it('opens a session, performs an action and reports observations of its peer only', async () => {
    const control = handler()
    const created = await open(control)
    expect(created.status).toBe(201)
    const session = (created.body as { session: string }).session
    const acted = await call(control, '/actions', {
      method: 'POST',
      body: JSON.stringify({ session, action: 'emit' }),
    })
    expect(acted).toEqual({ status: 200, body: { id: 'event-1', type: 'example.notice' } })
    control.observe({ source: PEER, id: 'from-peer', type: 'example.notice' })
    control.observe({ source: 'http://127.0.0.1:9999', id: 'from-someone-else', type: 'x.y' })
    const seen = await call(control, `/observations?session=${session}`)
    expect((seen.body as { accepted: { id: string }[] }).accepted.map((o) => o.id)).toEqual([
      'from-peer',
    ])
    expect((await call(control, `/sessions/${session}`, { method: 'DELETE' })).status).toBe(204)
    expect((await call(control, `/observations?session=${session}`)).status).toBe(404)
  })

  it('ignores paths outside its base path', async () => {
    const response = await handler().handle(new Request('http://127.0.0.1:3000/cta/inbox'))
    expect(response).toBeUndefined()
  })

  it.each([
    ['no token', null],
    ['a wrong token', `${TOKEN.slice(0, -1)}${TOKEN.endsWith('A') ? 'B' : 'A'}`],
    ['a prefix of the token', TOKEN.slice(0, 10)],
  ])('rejects a request with %s (ERR_UNAUTHORIZED)', async (_, token) => {
    const control = handler()
    const answer = await call(control, '/sessions', {
      method: 'POST',
      token,
      body: JSON.stringify({ peer: PEER }),
    })
    expect(answer.status).toBe(401)
    expect((answer.body as { code: string }).code).toBe('ERR_UNAUTHORIZED')
    expect(control.sessions()).toEqual([])
  })

  it.each([
    ['a body that is not JSON', '{"peer":'],
    ['a peer that is not an origin', JSON.stringify({ peer: 'http://127.0.0.1:4100/path' })],
    ['too many members', JSON.stringify({ peer: PEER, members: Array(21).fill('x') })],
    [
      'an authority without a secret',
      JSON.stringify({ peer: PEER, authority: { issuer: PEER, group: PEER } }),
    ],
  ])('rejects %s (ERR_REQUEST_INVALID)', async (_, body) => {
    const answer = await call(handler(), '/sessions', { method: 'POST', body })
    expect(answer.status).toBe(400)
    expect((answer.body as { code: string }).code).toBe('ERR_REQUEST_INVALID')
  })

  it('rejects an oversized body (ERR_TOO_LARGE)', async () => {
    const body = JSON.stringify({ peer: PEER, members: ['x'.repeat(20_000)] })
    const answer = await call(handler(), '/sessions', { method: 'POST', body })
    expect((answer.body as { code: string }).code).toBe('ERR_TOO_LARGE')
  })

  it('answers an unknown session with ERR_NOT_FOUND and an unknown action with 501', async () => {
    const control = handler()
    const missing = await call(control, '/actions', {
      method: 'POST',
      body: JSON.stringify({ session: 'nope', action: 'emit' }),
    })
    expect((missing.body as { code: string }).code).toBe('ERR_NOT_FOUND')
    const session = ((await open(control)).body as { session: string }).session
    for (const action of ['rotate-keys', '__proto__', 'constructor']) {
      const answer = await call(control, '/actions', {
        method: 'POST',
        body: JSON.stringify({ session, action }),
      })
      expect(answer.status).toBe(501)
      expect((answer.body as { type: string }).type).toBe(CONTROL_UNSUPPORTED)
    }
  })

  it('passes install and separateGroup to the tool, answers 501 when it cannot, and refuses non-booleans', async () => {
    const seen: ControlSession[] = []
    const control = createControlHandler({
      token: TOKEN,
      createSession: ({ install, separateGroup }) => {
        if (separateGroup === true) throw new ControlUnsupportedError('one group only')
        return {
          group: `http://127.0.0.1:3000/g/${install === false ? 'bare' : 'circle'}`,
          members: [],
        }
      },
      actions: {
        fail: () => {
          throw new ControlUnsupportedError('not here')
        },
        who: (session) => {
          seen.push(session)
          return { installed: session.installed }
        },
      },
    })
    const post = (body: unknown) =>
      call(control, '/sessions', { method: 'POST', body: JSON.stringify(body) })
    const bare = await post({ peer: PEER, install: false })
    expect(bare.status).toBe(201)
    expect((bare.body as { group: string }).group).toBe('http://127.0.0.1:3000/g/bare')
    const bareId = (bare.body as { session: string }).session
    const installed = await post({ peer: PEER })
    const installedId = (installed.body as { session: string }).session
    const who = (session: string) =>
      call(control, '/actions', {
        method: 'POST',
        body: JSON.stringify({ session, action: 'who' }),
      })
    expect((await who(bareId)).body).toEqual({ installed: false })
    expect((await who(installedId)).body).toEqual({ installed: true })
    const separate = await post({ peer: PEER, separateGroup: true })
    expect(separate.status).toBe(501)
    expect((separate.body as { type: string }).type).toBe(CONTROL_UNSUPPORTED)
    const failing = await call(control, '/actions', {
      method: 'POST',
      body: JSON.stringify({ session: bareId, action: 'fail' }),
    })
    expect(failing.status).toBe(501)
    for (const body of [
      { peer: PEER, install: 'no' },
      { peer: PEER, separateGroup: 1 },
    ]) {
      const refused = await post(body)
      expect(refused.status).toBe(400)
      expect((refused.body as { code: string }).code).toBe('ERR_REQUEST_INVALID')
    }
    expect(seen.map((s) => s.installed)).toEqual([false, true])
  })

  it('refuses to exist without a random token: 32 characters and about 128 bits at least', () => {
    const weak = [
      undefined,
      '',
      'short-token',
      'a'.repeat(16),
      'a'.repeat(64),
      'ab'.repeat(32),
      'reference-tool-conformance-token',
      randomBytes(15).toString('base64url'), // 20 characters
      randomBytes(16).toString('hex'), // 32 characters, 16 symbols: under the estimate
    ]
    for (const token of weak) {
      expect(() =>
        createControlHandler({
          token: token as string,
          createSession: () => ({ group: 'g', members: [] }),
          actions: {},
        }),
      ).toThrow(TypeError)
    }
  })
})
