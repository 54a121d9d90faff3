import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateSigningKey, signEvent } from '@cta-interop/sdk'
import { startDecisions, type Decisions } from '../decisions/decisions.js'

const CLI = fileURLToPath(new URL('../../sdk/dist/cli.js', import.meta.url))
const EVENT = fileURLToPath(new URL('../documents/events/membership-joined.json', import.meta.url))

function cta(args: string[]): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args])
    let stdout = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => {
      resolve({ code, stdout })
    })
  })
}

describe('cta inspect against an example tool (Decisions) on loopback', () => {
  let decisions: Decisions
  beforeAll(async () => {
    decisions = await startDecisions()
  })
  afterAll(async () => {
    await decisions.close()
  })

  it('fetches its manifest and JWKS, and fails a key it does not publish at kid resolution (EVT-KEY-002)', async () => {
    // Signed under Decisions' origin with a key Decisions never published: the manifest and the
    // JWKS are fetched and valid (no ERR_FETCH_FAILED, no ERR_MANIFEST_INVALID), the kid is not there.
    const key = await generateSigningKey({ origin: decisions.origin })
    const { default: event } = (await import(EVENT, { with: { type: 'json' } })) as {
      default: object
    }
    const jws = await signEvent(
      { ...event, source: decisions.origin, time: new Date().toISOString() },
      key,
    )
    const run = await cta([
      'inspect',
      jws,
      '--manifest',
      decisions.origin,
      '--allow-http',
      '--json',
    ])
    expect(run.code).toBe(1)
    const out = JSON.parse(run.stdout) as {
      error: { code: string }
      checks: { name: string; requirement: string; status: string }[]
    }
    expect(out.error.code).toBe('ERR_KEY_UNRESOLVED')
    expect(out.checks.find((c) => c.status === 'fail')).toMatchObject({
      name: 'kid resolution',
      requirement: 'EVT-KEY-002',
    })
  })

  it('refuses the example tool on loopback without --allow-http: ERR_ADDRESS_NOT_ALLOWED', async () => {
    // The key is never reached: the guard refuses the manifest's http: loopback URL first.
    const header = Buffer.from(
      JSON.stringify({ alg: 'EdDSA', kid: `${decisions.origin}#k`, typ: 'cta-event+jws' }),
    ).toString('base64url')
    const token = `${header}.e30.AA`
    const run = await cta(['inspect', token, '--manifest', decisions.origin, '--json'])
    expect(run.code).toBe(1)
    expect((JSON.parse(run.stdout) as { error: { code: string } }).error.code).toBe(
      'ERR_ADDRESS_NOT_ALLOWED',
    )
  })
})
