import { spawnSync } from 'node:child_process'
import { afterAll, describe, expect, it } from 'vitest'
import { signEvent, verifyEvent, verifyEvents, verifyGroupAssertion } from '../../src/index.js'
import { issueGroupAssertion, staticKeyResolver, toJwks } from '../../src/index.js'
import { sodiumSignatureVerifier } from '../../node/index.js'
import { NOW, forge, joinedEvent, keys } from '../helpers/events.js'
import { codeOf } from '../helpers/code-of.js'

const { key, es256, other, resolveKey } = await keys()
const verifySignature = sodiumSignatureVerifier({ threads: 2, batch: 3 })
const options = { resolveKey, currentDate: NOW, verifySignature }
afterAll(() => verifySignature.close())

describe('sodiumSignatureVerifier [EVT-SIG-001]', () => {
  it('verifies Ed25519 with sodium-native in worker threads and ES256 with node:crypto', async () => {
    expect(verifySignature.backend).toBe('sodium-native')
    for (const k of [key, es256]) {
      const jws = await signEvent(joinedEvent(), k)
      await expect(verifyEvent(jws, options)).resolves.toMatchObject({ kid: k.kid })
    }
  })

  it('refuses a signature by another key, a tampered payload and a truncated signature', async () => {
    const event = joinedEvent()
    const header = { alg: 'EdDSA', kid: key.kid, typ: 'cta-event+jws' }
    expect(await codeOf(verifyEvent(await forge(header, event, other), options))).toBe(
      'ERR_SIGNATURE_INVALID',
    )
    const jws = await signEvent(event, key)
    const [h, p, s] = jws.split('.') as [string, string, string]
    const tampered = Buffer.from(JSON.stringify({ ...event, subject: 'https://x.example/' }))
    expect(await codeOf(verifyEvent(`${h}.${tampered.toString('base64url')}.${s}`, options))).toBe(
      'ERR_SIGNATURE_INVALID',
    )
    expect(await codeOf(verifyEvent(`${h}.${p}.${s.slice(0, 40)}`, options))).toBe(
      'ERR_SIGNATURE_INVALID',
    )
  })

  it('refuses non-canonical base64url through its Buffer decoder [EVT-SIG-004]', async () => {
    const jws = await signEvent(joinedEvent(), key)
    const [h, p, s] = jws.split('.') as [string, string, string]
    for (const bad of [`${h}.${p}=.${s}`, `${h}.${p}.${s}==`, `${h}.${p}.+${s.slice(1)}`]) {
      expect(await codeOf(verifyEvent(bad, options))).toBe('ERR_JWS_MALFORMED')
    }
  })

  it('answers every event of a batch larger than a worker batch, each on its own', async () => {
    const good = await Promise.all(Array.from({ length: 20 }, () => signEvent(joinedEvent(), key)))
    const bad = await forge(
      { alg: 'EdDSA', kid: key.kid, typ: 'cta-event+jws' },
      joinedEvent(),
      other,
    )
    const batch = [...good.slice(0, 10), bad, ...good.slice(10)]
    const outcomes = await verifyEvents(batch, { ...options, concurrency: 8 })
    expect(outcomes.map((o) => (o.ok ? 'ok' : o.error.code))).toEqual(
      batch.map((jws) => (jws === bad ? 'ERR_SIGNATURE_INVALID' : 'ok')),
    )
  })

  it('verifies on the calling thread while the workers are full, and only then, with the same answers', async () => {
    const event = joinedEvent()
    const good = await signEvent(event, key)
    const bad = await forge({ alg: 'EdDSA', kid: key.kid, typ: 'cta-event+jws' }, event, other)
    // Distinct ids, so that dedupe does not refuse the copies; every third one forged.
    const batch = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        i % 3 === 2
          ? forge({ alg: 'EdDSA', kid: key.kid, typ: 'cta-event+jws' }, joinedEvent(), other)
          : signEvent(joinedEvent(), key),
      ),
    )
    const expected = batch.map((_, i) => (i % 3 === 2 ? 'ERR_SIGNATURE_INVALID' : 'ok'))
    for (const callerThread of [true, false]) {
      // One worker that is full at 3 signatures (three batches of one): with 20 in flight, most
      // signatures are left for the calling thread when it may take them.
      const pool = sodiumSignatureVerifier({ threads: 1, batch: 1, callerThread })
      try {
        const outcomes = await verifyEvents(batch, {
          ...options,
          verifySignature: pool,
          concurrency: 20,
        })
        expect(outcomes.map((o) => (o.ok ? 'ok' : o.error.code))).toEqual(expected)
        const { workers, caller } = pool.stats()
        expect(workers + caller).toBe(60)
        if (callerThread) expect(caller).toBeGreaterThan(0)
        else expect(caller).toBe(0)
        // One at a time, a worker takes it: a lone inbox request never waits on this thread.
        await expect(verifyEvent(good, { ...options, verifySignature: pool })).resolves.toBeTruthy()
        expect(await codeOf(verifyEvent(bad, { ...options, verifySignature: pool }))).toBe(
          'ERR_SIGNATURE_INVALID',
        )
        expect(pool.stats()).toEqual({ workers: workers + 2, caller })
      } finally {
        await pool.close()
      }
    }
  })

  it('verifies membership assertions', async () => {
    const authority = 'https://decisions.example'
    const group = `${authority}/g/harbour-commons`
    const tool = 'https://budgeting.example'
    const jwt = await issueGroupAssertion(
      {
        sub: `${authority}/u/tomas`,
        group,
        roles: ['member'],
        entitlements: ['read'],
        membership: `${group}/memberships/1`,
        name: 'Tomás',
      },
      key,
      { issuer: authority, audience: tool, currentDate: NOW },
    )
    const verified = await verifyGroupAssertion(jwt, {
      group,
      audience: tool,
      authority,
      resolveKey: staticKeyResolver([{ source: authority, jwks: toJwks([key]) }]),
      currentDate: NOW,
      verifySignature,
    })
    expect(verified.kid).toBe(key.kid)
  })

  it('refuses options that are not positive integers', () => {
    expect(() => sodiumSignatureVerifier({ threads: 0 })).toThrow(TypeError)
    expect(() => sodiumSignatureVerifier({ batch: 1.5 })).toThrow(TypeError)
  })

  it('falls back to node:crypto when sodium-native cannot be loaded', () => {
    // A child process whose module resolution refuses sodium-native, as on a machine without it.
    const script = `
      import Module from 'node:module'
      const resolve = Module._resolveFilename
      Module._resolveFilename = function (request, ...rest) {
        if (request === 'sodium-native') throw Object.assign(new Error('absent'), { code: 'MODULE_NOT_FOUND' })
        return resolve.call(this, request, ...rest)
      }
      const { sodiumSignatureVerifier } = await import('@cta-interop/sdk/node')
      const v = sodiumSignatureVerifier()
      process.stdout.write(v.backend)
      await v.close()
    `
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      cwd: new URL('../..', import.meta.url).pathname,
    })
    expect(child.stderr).toBe('')
    expect(child.stdout).toBe('node:crypto')
  })
})
