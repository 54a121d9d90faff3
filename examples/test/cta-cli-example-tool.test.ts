import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateSigningKey, signEvent } from '@cta-interop/sdk'
import { startBudgeting, type Budgeting } from '../budgeting/budgeting.js'
import { startDecisions, type Decisions } from '../decisions/decisions.js'

const CLI = fileURLToPath(new URL('../../sdk/dist/cli.js', import.meta.url))
const EVENT = fileURLToPath(new URL('../documents/events/membership-joined.json', import.meta.url))
const PING = fileURLToPath(new URL('../documents/events/ping.json', import.meta.url))

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

/** `cta inbox --json …` running: each JSON line it prints, waited for by condition. */
interface RunningInbox {
  readonly child: ChildProcessWithoutNullStreams
  /** The next line that passes `test`; fails when the child exits or after 20 s without it. */
  next(test: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>
  /** The exit code, once the child ended. */
  readonly exited: Promise<number | null>
}

function startInbox(args: string[]): RunningInbox {
  const child = spawn(process.execPath, [CLI, 'inbox', '--json', ...args])
  const lines: Record<string, unknown>[] = []
  const waiters: (() => void)[] = []
  const wakeAll = (): void => {
    for (const wake of waiters.splice(0)) wake()
  }
  let ended = false
  const exited = new Promise<number | null>((resolve) => {
    child.on('close', (code) => {
      ended = true
      wakeAll()
      resolve(code)
    })
  })
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(JSON.parse(line) as Record<string, unknown>)
    wakeAll()
  })
  let seen = 0
  const next: RunningInbox['next'] = async (test) => {
    const deadline = Date.now() + 20_000
    for (;;) {
      while (seen < lines.length) {
        const line = lines[seen++] as Record<string, unknown>
        if (test(line)) return line
      }
      if (ended || Date.now() > deadline) {
        throw new Error(`no such line (exited: ${ended}); got ${JSON.stringify(lines)}`)
      }
      await new Promise<void>((wake) => {
        waiters.push(wake)
        setTimeout(wake, 500)
      })
    }
  }
  return { child, next, exited }
}

/** A port the system has free now, for an origin that must be known before its server starts. */
async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve()
    })
  })
  return port
}

let decisions: Decisions
beforeAll(async () => {
  decisions = await startDecisions()
})
afterAll(async () => {
  await decisions.close()
})

describe('cta inspect against an example tool (Decisions) on loopback', () => {
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

describe('cta send and cta inbox --subscribe against an example tool (Budgeting) on loopback', () => {
  const token = randomBytes(32).toString('base64url')
  let budgeting: Budgeting
  let dir: string
  let key: string
  /** The CLI's origin: `cta inbox --key` serves its manifest and JWKS there. */
  let origin: string
  let inbox: RunningInbox
  /** A session of Budgeting's control API that installed the CLI's origin in `group`. */
  let installed: { session: string; group: string }

  const control = async (path: string, body?: object): Promise<Record<string, unknown>> => {
    const response = await fetch(`${budgeting.origin}/__cta-conformance${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    expect(response.status).toBeLessThan(300)
    return (await response.json()) as Record<string, unknown>
  }
  const session = async (peer: string, install = true): Promise<typeof installed> => {
    const opened = await control('/sessions', { peer, install, separateGroup: true })
    return { session: opened['session'] as string, group: opened['group'] as string }
  }
  const send = (group: string) =>
    cta([
      'send',
      PING,
      '--to',
      `${budgeting.origin}/cta/inbox`,
      '--key',
      key,
      '--group',
      group,
      '--allow-http',
      '--json',
    ])

  beforeAll(async () => {
    const clientSecret = randomBytes(32).toString('base64url')
    budgeting = await startBudgeting({
      group: decisions.group,
      clientSecret,
      isInstalled: decisions.isInstalled,
      controlToken: token,
    })
    dir = await mkdtemp(join(tmpdir(), 'cta-cli-budgeting-'))
    origin = `http://127.0.0.1:${await freePort()}`
    const keys = join(dir, 'keys')
    const generated = await cta(['keys', 'generate', '--origin', origin, '--out', keys, '--json'])
    expect(generated.code).toBe(0)
    key = join(keys, 'private.jwk.json')
    installed = await session(origin)
    inbox = startInbox([
      '--key',
      key,
      '--subscribe',
      budgeting.origin,
      '--group',
      installed.group,
      '--allow-http',
    ])
    await inbox.next((line) => line['subscribed'] === true)
  }, 60_000)
  afterAll(async () => {
    inbox.child.kill('SIGTERM')
    await inbox.exited
    await budgeting.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('cta send: 202 from the tool that installed the CLI, which processed the event', async () => {
    const run = await send(installed.group)
    expect(run.code).toBe(0)
    const sent = JSON.parse(run.stdout) as { outcome: string; status: number; id: string }
    expect(sent).toMatchObject({ outcome: 'delivered', status: 202 })
    // Budgeting reports an event to the session only once its application processed it.
    const observed = await control(`/observations?session=${installed.session}`)
    expect(observed['accepted']).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: sent.id, source: origin, type: 'tech.collaborative.ping' }),
      ]),
    )
  })

  it('cta send: exit 1 with 403 ERR_NOT_INSTALLED where the CLI is not installed (EVT-AUTHZ-001)', async () => {
    // Known to the tool (its keys are fetched) but not installed; then a group installed for another tool.
    const known = await session(origin, false)
    const other = await session('https://other.example')
    for (const group of [known.group, other.group]) {
      const run = await send(group)
      expect(run.code).toBe(1)
      expect(JSON.parse(run.stdout)).toMatchObject({
        outcome: 'failed',
        status: 403,
        code: 'ERR_NOT_INSTALLED',
      })
    }
    const observed = await control(`/observations?session=${known.session}`)
    expect(observed['accepted']).toEqual([])
  })

  it('cta inbox --subscribe: prints the verified event the tool pushes', async () => {
    const emitted = await control('/actions', { session: installed.session, action: 'emit' })
    expect(typeof emitted['id']).toBe('string')
    const printed = await inbox.next(
      (line) =>
        line['accepted'] === true &&
        (line['event'] as { id?: string } | undefined)?.id === emitted['id'],
    )
    expect(printed).toMatchObject({ event: { source: budgeting.origin } })
    expect(String(printed['kid']).startsWith(`${budgeting.origin}#`)).toBe(true)
    expect((printed['event'] as { group: string }).group).toBe(installed.group)
  })

  it('cta inbox --subscribe: exit 1 with the emitter’s ERR_NOT_INSTALLED for a group it is not installed in', async () => {
    inbox.child.kill('SIGTERM')
    expect(await inbox.exited).toBe(0)
    const known = await session(origin, false)
    const refused = startInbox([
      '--key',
      key,
      '--subscribe',
      budgeting.origin,
      '--group',
      known.group,
      '--allow-http',
    ])
    const failed = await refused.next((line) => line['ok'] === false)
    expect(failed).toMatchObject({ error: { code: 'ERR_NOT_INSTALLED' } })
    expect(await refused.exited).toBe(1)
  })
})
