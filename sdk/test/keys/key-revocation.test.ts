import { CompactSign } from 'jose'
import { describe, expect, it } from 'vitest'
import {
  KEY_REVOCATION_TYP,
  createEvent,
  createInbox,
  createKeyRevocationList,
  createMemoryDedupeStore,
  generateSigningKey,
  signEvent,
  signKeyRevocation,
  staticKeyResolver,
  toJwks,
  verifyKeyRevocation,
  type SigningKey,
} from '../../src/index.js'
import { codeOf } from '../helpers/code-of.js'
import { loadDocument } from '../helpers/documents.js'

const ORIGIN = 'https://leaky.example'
/** Events from any source about any group: these are tests of keys only. */
const ANY_SOURCE = { speaksFor: 'any-source' } as const

function eventFrom(origin: string) {
  const doc = loadDocument('events/membership-joined.json') as { data: Record<string, unknown> }
  return createEvent('tech.collaborative.membership.joined', doc.data as never, {
    source: origin,
    time: new Date().toISOString(),
  })
}

async function setup() {
  const leaked = await generateSigningKey({ origin: ORIGIN })
  const good = await generateSigningKey({ origin: ORIGIN })
  // The tool still publishes both: the receiver must act on the revocation itself.
  const resolveKey = staticKeyResolver([{ source: ORIGIN, jwks: toJwks([leaked, good]) }])
  const inbox = createInbox({
    ...ANY_SOURCE,
    resolveKey,
    dedupe: createMemoryDedupeStore(),
    onEvent: () => undefined,
  })
  const post = async (jws: string) => {
    const answer = await inbox(
      new Request('http://inbox.test/', {
        method: 'POST',
        headers: { 'content-type': 'application/jose' },
        body: jws,
      }),
    )
    const body = (await answer.json()) as { code?: string; status?: string }
    return { status: answer.status, code: body.code ?? body.status }
  }
  return { leaked, good, resolveKey, post }
}

const sign = (header: Record<string, unknown>, payload: unknown, key: SigningKey) =>
  new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader(header as { alg: string })
    .sign(key.privateKey)

describe('key revocation at the inbox', () => {
  it('[EVT-REV-002] [EVT-REV-003] accepts a revocation signed with the key, then refuses that key at once with 401 ERR_KEY_REVOKED', async () => {
    const { leaked, good, post } = await setup()
    expect((await post(await signEvent(eventFrom(ORIGIN), leaked))).status).toBe(202)
    expect(await post(await signKeyRevocation(leaked))).toEqual({ status: 202, code: 'revoked' })
    expect(await post(await signEvent(eventFrom(ORIGIN), leaked))).toEqual({
      status: 401,
      code: 'ERR_KEY_REVOKED',
    })
    // The tool's other keys are untouched, and a second copy of the revocation is a 200.
    expect((await post(await signEvent(eventFrom(ORIGIN), good))).status).toBe(202)
    expect(await post(await signKeyRevocation(leaked))).toEqual({ status: 200, code: 'known' })
  })

  it('[EVT-REV-003] breaks: without the revocation the leaked key, still published, verifies', async () => {
    const { leaked, post } = await setup()
    expect((await post(await signEvent(eventFrom(ORIGIN), leaked))).status).toBe(202)
  })

  it('[EVT-REV-002] refuses a revocation of another key, a forged one, or one with more members, and the key keeps verifying', async () => {
    const { leaked, good, post } = await setup()
    const header = (key: SigningKey) => ({ alg: key.alg, kid: key.kid, typ: KEY_REVOCATION_TYP })
    // The thief's key revoking the tool's good key.
    expect(await post(await sign(header(leaked), { revoked: good.kid }, leaked))).toEqual({
      status: 422,
      code: 'ERR_SCHEMA_INVALID',
    })
    // Signed with the thief's key under the good key's kid.
    expect(await post(await sign(header(good), { revoked: good.kid }, leaked))).toEqual({
      status: 401,
      code: 'ERR_SIGNATURE_INVALID',
    })
    expect(
      await post(await sign(header(good), { revoked: good.kid, reason: 'x' }, good)),
    ).toMatchObject({ status: 422, code: 'ERR_SCHEMA_INVALID' })
    // Neither a typ of its own nor an event's: still no event.
    expect(
      await post(await sign({ ...header(good), typ: 'JWT' }, { revoked: good.kid }, good)),
    ).toMatchObject({ status: 401, code: 'ERR_TYP_MISMATCH' })
    expect((await post(await signEvent(eventFrom(ORIGIN), good))).status).toBe(202)
  })

  it('[EVT-REV-002] verifyKeyRevocation returns the kid and its tool', async () => {
    const { leaked, resolveKey } = await setup()
    expect(await verifyKeyRevocation(await signKeyRevocation(leaked), { resolveKey })).toEqual({
      kid: leaked.kid,
      source: ORIGIN,
    })
    const stranger = await generateSigningKey({ origin: ORIGIN })
    expect(
      await codeOf(verifyKeyRevocation(await signKeyRevocation(stranger), { resolveKey })),
    ).toBe('ERR_KEY_UNRESOLVED')
  })
})

describe('createKeyRevocationList', () => {
  it('[EVT-REV-003] remembers a revocation for its retention (at least an hour), and guards any resolver', async () => {
    let t = 0
    const list = createKeyRevocationList({ retention: 3600, now: () => t })
    const { leaked, resolveKey } = await setup()
    const guarded = list.guard(resolveKey)
    expect(list.revoke(leaked.kid)).toBe(true)
    expect(list.revoke(leaked.kid)).toBe(false)
    expect(await codeOf(Promise.resolve().then(() => guarded(leaked.kid)))).toBe('ERR_KEY_REVOKED')
    t += 3_599_999
    expect(list.isRevoked(leaked.kid)).toBe(true)
    t += 1
    expect(list.isRevoked(leaked.kid)).toBe(false)
    expect(() => createKeyRevocationList({ retention: 600 })).toThrow(TypeError)
  })
})
