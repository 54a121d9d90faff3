import { describe, expect, it } from 'vitest'
import { signEvent, verifyEvent, verifyEvents } from '../../src/index.js'
import { nodeSignatureVerifier } from '../../node/index.js'
import { NOW, forge, joinedEvent, keys } from '../helpers/events.js'
import { codeOf } from '../helpers/code-of.js'

const { key, es256, other, resolveKey } = await keys()
const options = { resolveKey, currentDate: NOW, verifySignature: nodeSignatureVerifier() }

describe('nodeSignatureVerifier', () => {
  it('accepts what Web Crypto accepts, for Ed25519 and ES256', async () => {
    for (const k of [key, es256]) {
      const jws = await signEvent(joinedEvent(), k)
      await expect(verifyEvent(jws, options)).resolves.toMatchObject({ kid: k.kid })
    }
  })

  it('rejects a signature by another key, a tampered payload and a truncated signature', async () => {
    const event = joinedEvent()
    const header = { alg: 'EdDSA', kid: key.kid, typ: 'cta-event+jws' }
    expect(await codeOf(verifyEvent(await forge(header, event, other), options))).toBe(
      'ERR_SIGNATURE_INVALID',
    )
    const jws = await signEvent(event, es256)
    const [h, , s] = jws.split('.') as [string, string, string]
    const tampered = Buffer.from(
      JSON.stringify({ ...event, subject: 'https://x.example/' }),
    ).toString('base64url')
    expect(await codeOf(verifyEvent(`${h}.${tampered}.${s}`, options))).toBe(
      'ERR_SIGNATURE_INVALID',
    )
    expect(
      await codeOf(verifyEvent(`${h}.${jws.split('.')[1] ?? ''}.${s.slice(0, 40)}`, options)),
    ).toBe('ERR_SIGNATURE_INVALID')
  })

  it('verifies a batch, reporting each event on its own', async () => {
    const good = await signEvent(joinedEvent(), key)
    const bad = await forge(
      { alg: 'EdDSA', kid: key.kid, typ: 'cta-event+jws' },
      joinedEvent(),
      other,
    )
    const outcomes = await verifyEvents([good, bad, good], { ...options, concurrency: 2 })
    expect(outcomes.map((o) => (o.ok ? 'ok' : o.error.code))).toEqual([
      'ok',
      'ERR_SIGNATURE_INVALID',
      'ok',
    ])
  })
})
