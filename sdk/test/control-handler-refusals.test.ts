// The control API answers a refusal by the tool's rules (an action throwing a ProtocolError) with
// 422 and the code's registry type, the caller's own mistakes with their status, and anything else
// with an opaque 500.
import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { ProtocolError, type ProtocolErrorCode } from '../src/index.js'
import { createControlHandler } from '../node/create-control-handler.js'

const TOKEN = randomBytes(32).toString('base64url')
const BASE = 'http://127.0.0.1:3000/__cta-conformance'

async function refuse(thrown: unknown) {
  const control = createControlHandler({
    token: TOKEN,
    createSession: () => ({ group: 'http://127.0.0.1:3000/g/circle', members: [] }),
    actions: {
      contribute: () => {
        throw thrown
      },
    },
  })
  const post = (path: string, body: unknown) =>
    control.handle(
      new Request(`${BASE}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    )
  const opened = (await (await post('/sessions', { peer: 'http://127.0.0.1:4100' }))?.json()) as {
    session: string
  }
  const response = await post('/actions', { session: opened.session, action: 'contribute' })
  if (response === undefined) throw new Error('no response')
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: (await response.json()) as Record<string, unknown>,
  }
}

describe('createControlHandler: refusals by the tool’s rules', () => {
  it.each<ProtocolErrorCode>([
    'ERR_BUDGET_OVERDRAWN',
    'ERR_POLL_CLOSED',
    'ERR_TASK_TRANSITION',
    'ERR_DEBIT_LIMIT',
    'ERR_DUPLICATE',
  ])('answers an action throwing %s with 422 and its registry type', async (code) => {
    const answer = await refuse(new ProtocolError(code, 'refused'))
    expect(answer.status).toBe(422)
    expect(answer.contentType).toBe('application/problem+json')
    expect(answer.body).toMatchObject({
      type: `https://w3id.org/cta/errors#${code}`,
      status: 422,
      code,
    })
  })

  it.each([
    ['ERR_REQUEST_INVALID', 400],
    ['ERR_NOT_FOUND', 404],
  ] as const)('keeps the caller’s mistake %s at %i', async (code, status) => {
    const answer = await refuse(new ProtocolError(code, 'bad params'))
    expect(answer.status).toBe(status)
    expect(answer.body).toMatchObject({ code, status })
  })

  it('answers anything else with an opaque 500 ERR_INTERNAL', async () => {
    const answer = await refuse(new Error('database down at 10.0.0.7'))
    expect(answer.status).toBe(500)
    expect(answer.body).toMatchObject({ code: 'ERR_INTERNAL' })
    expect(JSON.stringify(answer.body)).not.toContain('10.0.0.7')
  })
})
