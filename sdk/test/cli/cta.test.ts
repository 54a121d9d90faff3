import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importSigningKey, signEvent } from '../../src/index.js'
import { CLI, cta } from '../helpers/run-cta.js'

const EVENT = fileURLToPath(
  new URL('../../../examples/documents/events/membership-joined.json', import.meta.url),
)
const ORIGIN = 'https://sender.example'

/** `cta inbox --json` running, with each JSON line it prints as it prints it. */
interface RunningInbox {
  readonly child: ChildProcessWithoutNullStreams
  readonly url: string
  readonly manifest: string
  /** The next JSON line that passes `test`, within 10 s. */
  next(test: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>
}

async function startInbox(args: string[]): Promise<RunningInbox> {
  const child = spawn(process.execPath, [CLI, 'inbox', '--json', ...args])
  const lines: Record<string, unknown>[] = []
  const waiters: (() => void)[] = []
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(JSON.parse(line) as Record<string, unknown>)
    for (const wake of waiters.splice(0)) wake()
  })
  let seen = 0
  const next: RunningInbox['next'] = async (test) => {
    const deadline = Date.now() + 10_000
    for (;;) {
      while (seen < lines.length) {
        const line = lines[seen++] as Record<string, unknown>
        if (test(line)) return line
      }
      if (Date.now() > deadline) throw new Error(`no such line; got ${JSON.stringify(lines)}`)
      await new Promise<void>((wake) => {
        waiters.push(wake)
        setTimeout(wake, 500)
      })
    }
  }
  const start = await next((line) => line['listening'] === true)
  return { child, url: start['inbox'] as string, manifest: start['manifest'] as string, next }
}

let dir: string
let keyDir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cta-cli-'))
  keyDir = join(dir, 'keys')
  const generated = await cta(['keys', 'generate', '--origin', ORIGIN, '--out', keyDir, '--json'])
  expect(generated.code).toBe(0)
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** An event signed now with the key `cta keys generate` wrote. */
async function signedEvent(): Promise<string> {
  const jwk = JSON.parse(await readFile(join(keyDir, 'private.jwk.json'), 'utf8')) as object
  const key = await importSigningKey(jwk)
  const event = JSON.parse(await readFile(EVENT, 'utf8')) as object
  return signEvent({ ...event, source: ORIGIN, time: new Date().toISOString() }, key)
}

describe('cta keys', () => {
  it('generate writes a private JWK (mode 600) and the public JWKS under <origin>#<thumbprint>', async () => {
    const jwks = JSON.parse(await readFile(join(keyDir, 'jwks.json'), 'utf8')) as {
      keys: { kid: string; d?: string }[]
    }
    expect(jwks.keys).toHaveLength(1)
    expect(jwks.keys[0]?.kid.startsWith(`${ORIGIN}#`)).toBe(true)
    expect(jwks.keys[0]?.d).toBeUndefined()
  })

  it('rotate publishes a next key, switching after the publish lead and retiring after the window', async () => {
    const rotating = join(dir, 'rotating')
    await cta(['keys', 'generate', '--origin', ORIGIN, '--out', rotating])
    const before = Date.now()
    const run = await cta(['keys', 'rotate', '--dir', rotating, '--publish-lead', '60', '--json'])
    expect(run.code).toBe(0)
    const out = JSON.parse(run.stdout) as { switchAt: string; retireAt: string; next: string }
    const jwks = JSON.parse(await readFile(join(rotating, 'jwks.json'), 'utf8')) as {
      keys: { kid: string }[]
    }
    expect(jwks.keys.map((k) => k.kid)).toContain(out.next)
    expect(jwks.keys).toHaveLength(2)
    // EVT-ROT-001: signs 60 s after it is published; EVT-ROT-002: the old key stays 72 h + 60 s.
    expect(Date.parse(out.switchAt) - before).toBeGreaterThanOrEqual(59_000)
    expect(Date.parse(out.retireAt) - Date.parse(out.switchAt)).toBe((72 * 3600 + 60) * 1000)
  })
})

describe('cta inspect', () => {
  it('passes every check of a valid event, exit 0, with requirement IDs in --json', async () => {
    const run = await cta([
      'inspect',
      await signedEvent(),
      '--jwks',
      join(keyDir, 'jwks.json'),
      '--json',
    ])
    expect(run.code).toBe(0)
    const out = JSON.parse(run.stdout) as {
      ok: boolean
      checks: { requirement: string; status: string }[]
    }
    expect(out.ok).toBe(true)
    expect(out.checks.every((c) => c.status === 'pass')).toBe(true)
    expect(out.checks.map((c) => c.requirement)).toEqual(
      expect.arrayContaining(['EVT-SIG-003', 'EVT-SIG-005', 'EVT-AGE-001', 'DOC-VAL-002']),
    )
  })

  it('fails a tampered event at the signature (EVT-SIG-005), exit 1, later checks not run', async () => {
    const jws = await signedEvent()
    const [h, p, s] = jws.split('.') as [string, string, string]
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...payload, subject: 'x:y' })).toString('base64url')}.${s}`
    const file = join(dir, 'tampered.jws')
    await writeFile(file, tampered)
    const run = await cta(['inspect', file, '--jwks', join(keyDir, 'jwks.json'), '--json'])
    expect(run.code).toBe(1)
    const out = JSON.parse(run.stdout) as {
      ok: boolean
      error: { code: string }
      checks: { name: string; requirement: string; status: string; code?: string }[]
    }
    expect(out.ok).toBe(false)
    expect(out.error.code).toBe('ERR_SIGNATURE_INVALID')
    const failed = out.checks.find((c) => c.status === 'fail')
    expect(failed).toMatchObject({ requirement: 'EVT-SIG-005', code: 'ERR_SIGNATURE_INVALID' })
    expect(out.checks.at(-1)?.status).toBe('not run')
    const human = await cta(['inspect', file, '--jwks', join(keyDir, 'jwks.json')])
    expect(human.code).toBe(1)
    expect(human.stdout).toMatch(/✗ signature +EVT-SIG-005 +ERR_SIGNATURE_INVALID/)
  })

  it('refuses a usage error with ERR_USAGE, exit 2', async () => {
    const run = await cta(['inspect', 'a.b.c', '--json'])
    expect(run.code).toBe(2)
    expect((JSON.parse(run.stdout) as { error: { code: string } }).error.code).toBe('ERR_USAGE')
  })
})

describe('cta send and cta inbox', () => {
  let inbox: RunningInbox
  beforeAll(async () => {
    inbox = await startInbox(['--jwks', join(keyDir, 'jwks.json'), '--source', ORIGIN])
  })
  afterAll(() => {
    inbox.child.kill('SIGTERM')
  })

  it('prints the manifest URL and says the inbox accepts any source', async () => {
    const manifest = (await (await fetch(inbox.manifest)).json()) as { inbox: string }
    expect(manifest.inbox).toBe(inbox.url)
  })

  it('signs and delivers an event, which the inbox verifies and prints', async () => {
    const run = await cta([
      'send',
      EVENT,
      '--to',
      inbox.url,
      '--key',
      join(keyDir, 'private.jwk.json'),
      '--allow-http',
      '--json',
    ])
    expect(run.code).toBe(0)
    const sent = JSON.parse(run.stdout) as { outcome: string; status: number; id: string }
    expect(sent).toMatchObject({ outcome: 'delivered', status: 202 })
    const printed = await inbox.next((line) => line['accepted'] === true)
    expect(printed['event']).toMatchObject({ id: sent.id, source: ORIGIN })
  })

  it('shows the coded refusal of the inbox (a stale event: ERR_EVENT_STALE), exit 1', async () => {
    const run = await cta([
      'send',
      EVENT,
      '--to',
      inbox.url,
      '--key',
      join(keyDir, 'private.jwk.json'),
      '--keep-id',
      '--allow-http',
      '--json',
    ])
    expect(run.code).toBe(1)
    expect(JSON.parse(run.stdout)).toMatchObject({
      outcome: 'failed',
      status: 422,
      code: 'ERR_EVENT_STALE',
    })
    const refused = await inbox.next((line) => line['accepted'] === false)
    expect(refused).toMatchObject({ status: 422, code: 'ERR_EVENT_STALE' })
  })

  it('send --group puts the event and its audience in that group', async () => {
    const group = 'https://authority.example/g/elsewhere'
    const run = await cta([
      'send',
      EVENT,
      '--to',
      inbox.url,
      '--key',
      join(keyDir, 'private.jwk.json'),
      '--group',
      group,
      '--allow-http',
      '--json',
    ])
    expect(run.code).toBe(0)
    const { id } = JSON.parse(run.stdout) as { id: string }
    const printed = await inbox.next(
      (line) => (line['event'] as { id?: string } | undefined)?.id === id,
    )
    expect(printed['event']).toMatchObject({ group, data: { audience: group } })
  })

  it('refuses a loopback inbox without --allow-http: ERR_ADDRESS_NOT_ALLOWED, exit 1', async () => {
    const run = await cta([
      'send',
      EVENT,
      '--to',
      inbox.url,
      '--key',
      join(keyDir, 'private.jwk.json'),
      '--json',
    ])
    expect(run.code).toBe(1)
    expect(JSON.parse(run.stdout)).toMatchObject({
      outcome: 'failed',
      code: 'ERR_ADDRESS_NOT_ALLOWED',
    })
  })
})

describe('cta inbox --key and --subscribe', () => {
  it('listens on the port of the --key origin and publishes that key in its JWKS', async () => {
    // The origin is the key's: a port the system has free now.
    const probe = await startInbox([])
    const port = new URL(probe.url).port
    probe.child.kill('SIGTERM')
    await new Promise((resolve) => probe.child.once('close', resolve))
    const origin = `http://127.0.0.1:${port}`
    const keys = join(dir, 'loopback-keys')
    expect((await cta(['keys', 'generate', '--origin', origin, '--out', keys])).code).toBe(0)
    const served = await startInbox(['--key', join(keys, 'private.jwk.json')])
    try {
      expect(served.url).toBe(`${origin}/inbox`)
      const jwks = (await (await fetch(`${origin}/.well-known/jwks.json`)).json()) as {
        keys: { kid: string; d?: string }[]
      }
      const published = JSON.parse(await readFile(join(keys, 'jwks.json'), 'utf8')) as {
        keys: { kid: string }[]
      }
      expect(jwks.keys.map((k) => k.kid)).toEqual(published.keys.map((k) => k.kid))
      expect(jwks.keys[0]?.d).toBeUndefined()
    } finally {
      served.child.kill('SIGTERM')
    }
  })

  it('refuses a --key whose kid names no http://127.0.0.1:<port> origin: ERR_USAGE, exit 2', async () => {
    const run = await cta(['inbox', '--key', join(keyDir, 'private.jwk.json'), '--json'])
    expect(run.code).toBe(2)
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, error: { code: 'ERR_USAGE' } })
  })

  it('refuses --subscribe without --group, and --group without --subscribe: ERR_USAGE, exit 2', async () => {
    for (const args of [
      ['--subscribe', 'https://emitter.example'],
      ['--group', 'https://g.example/g'],
    ]) {
      const run = await cta(['inbox', ...args, '--json'])
      expect(run.code).toBe(2)
      expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, error: { code: 'ERR_USAGE' } })
    }
  })

  it('refuses an emitter on loopback without --allow-http: ERR_ADDRESS_NOT_ALLOWED, exit 1', async () => {
    const run = await cta([
      'inbox',
      '--subscribe',
      'http://127.0.0.1:9',
      '--group',
      'https://g.example/g',
      '--json',
    ])
    expect(run.code).toBe(1)
    expect(run.stdout.trim().split('\n').at(-1)).toContain('"code":"ERR_ADDRESS_NOT_ALLOWED"')
  })
})
