// cta-bridge end to end: a tool written in Python (standard library only, no SDK) posts an activity
// through the bridge as a Standard Webhook, and a real CTA receiver (the SDK's inbox) verifies the
// event the bridge signed with the tool's key; a CTA producer's event comes back to the Python tool
// through the bridge as a Standard Webhook. Then hostile webhooks, each refused with its code and
// nothing stored. Everything on 127.0.0.1, ephemeral ports.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createInterface } from 'node:readline'
import {
  TOOL_MANIFEST_PATH,
  answerHandshake,
  createEvent,
  createInbox,
  createInstallationCache,
  createManifestResolver,
  createMemoryDedupeStore,
  createToolManifest,
  generateSigningKey,
  signSubscriptionRequest,
  toJwks,
  type Event,
  type InstallationRef,
} from '@cta-interop/sdk'
import { Webhook } from 'standardwebhooks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BRIDGE_WEBHOOK_PATH, startBridge, type Bridge } from '../bridge/bridge.js'
import { json, listen, type Listening } from '../src/http.js'
import { LOCAL, startProducer, type Producer } from '../src/producer.js'

const GROUP = 'https://decisions.example/g/harbour-commons'
const AUTHORITY = 'https://decisions.example'
const SECRET = `whsec_${randomBytes(24).toString('base64')}`
const JOINED = 'tech.collaborative.membership.joined'
const POLL = 'example.decisions.poll.created'

/** A membership.joined activity published now (an event older than 72 hours is refused). */
function joined(who: string): Record<string, unknown> {
  const now = new Date().toISOString()
  return {
    id: `https://loomio.example/activities/${who}`,
    type: 'Accept',
    actor: { id: 'https://loomio.example', type: 'Application', name: 'Loomio' },
    object: { id: `https://loomio.example/u/${who}`, type: 'Person' },
    result: {
      id: `${GROUP}/memberships/${who}`,
      type: 'Membership',
      member: { id: `https://loomio.example/u/${who}`, type: 'Person' },
      organization: GROUP,
      role: [`${GROUP}/roles/member`],
      coreRole: 'member',
      membershipStatus: 'active',
      startTime: now,
    },
    summary: `${who} joined Harbour Commons`,
    published: now,
    url: 'https://loomio.example/harbour-commons/members',
    audience: GROUP,
  }
}

/** Waits until `done` holds, up to 15 s (a bound for a broken bridge, not a measure). */
async function until(done: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 15_000
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** The Python tool: JSON lines out, commands in. */
class PythonTool {
  readonly lines: Record<string, unknown>[] = []
  private readonly waiters: (() => void)[] = []
  readonly child: ChildProcessWithoutNullStreams
  constructor(child: ChildProcessWithoutNullStreams) {
    this.child = child
    createInterface({ input: child.stdout }).on('line', (line) => {
      this.lines.push(JSON.parse(line) as Record<string, unknown>)
      for (const wake of this.waiters.splice(0)) wake()
    })
  }
  /** The first line (after `from`) with `key`, waiting up to 15 s. */
  async next(key: string, from = 0): Promise<Record<string, unknown>> {
    const deadline = Date.now() + 15_000
    for (;;) {
      const found = this.lines.slice(from).find((l) => key in l)
      if (found !== undefined) return found
      if (Date.now() > deadline) throw new Error(`the Python tool printed no ${key}`)
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve)
        setTimeout(resolve, 200)
      })
    }
  }
  send(command: unknown): void {
    this.child.stdin.write(`${JSON.stringify(command)}\n`)
  }
}

describe('cta-bridge', () => {
  let python: PythonTool
  let bridge: Bridge
  let producer: Producer
  let receiverServer: Listening
  const received: Event[] = []
  const installed = new Set<string>()
  // The group's installations, as its authority lists them (a test stands in for readInstallations).
  const installations = {
    authority: (g: string) => (g === GROUP ? AUTHORITY : undefined),
    load: (): Promise<InstallationRef[]> =>
      Promise.resolve([...installed].map((tool) => ({ tool, installationStatus: 'active' }))),
  }

  beforeAll(async () => {
    const child = spawn('python3', [
      new URL('../bridge/tool.py', import.meta.url).pathname,
      '--secret',
      SECRET,
    ])
    child.stderr.on('data', (chunk: Buffer) => process.stderr.write(chunk))
    python = new PythonTool(child)
    const webhook = String((await python.next('webhook')).webhook)

    // The receiving CTA tool: the SDK's inbox, on its own origin with a manifest and a key.
    receiverServer = await listen()
    const receiverOrigin = receiverServer.origin
    const receiverKey = await generateSigningKey({ origin: receiverOrigin })
    const receiverManifest = createToolManifest({
      id: receiverOrigin,
      name: 'Receiver',
      jwks_uri: `${receiverOrigin}/.well-known/jwks.json`,
      inbox: `${receiverOrigin}/cta/inbox`,
      emits: [],
      consumes: [JOINED, POLL],
      profiles: ['core', 'receiver'],
    })

    bridge = await startBridge({
      name: 'Loomio (bridged)',
      secret: SECRET,
      toolWebhook: webhook,
      emits: [JOINED, POLL],
      consumes: ['tech.collaborative.membership.*'],
      installations,
      knownTools: [receiverOrigin],
      outbound: LOCAL,
      retry: { initialDelay: 1, maxDelay: 2 },
    })
    const bridgeOrigin = bridge.origin
    const inbox = createInbox({
      resolveKey: createManifestResolver({ ...LOCAL, trustedSources: [bridgeOrigin] }).resolveKey,
      speaksFor: createInstallationCache(installations).speaksFor,
      dedupe: createMemoryDedupeStore(),
      onEvent: (event) => {
        received.push(event)
      },
    })
    receiverServer.handle(async (request) => {
      const path = new URL(request.url).pathname
      if (path === TOOL_MANIFEST_PATH) return json(receiverManifest)
      if (path === '/.well-known/jwks.json') return json(toJwks([receiverKey]))
      if (path === '/cta/inbox')
        return (
          (await answerHandshake(request, { allowedOrigins: [bridgeOrigin] })) ?? inbox(request)
        )
      return new Response('not found', { status: 404 })
    })

    // The CTA producer whose events the Python tool follows through the bridge.
    producer = await startProducer({
      name: 'Authority',
      emits: [JOINED],
      profiles: ['core', 'emitter'],
      isInstalled: () => true,
      isKnownTool: (o) => o === bridgeOrigin,
    })
    for (const tool of [bridgeOrigin, receiverOrigin, producer.origin]) installed.add(tool)

    // The receiver subscribes to the bridge; the bridge subscribes to the producer.
    const subscription = await signSubscriptionRequest(
      { sink: `${receiverOrigin}/cta/inbox`, group: GROUP },
      receiverKey,
      { audience: bridgeOrigin },
    )
    const answer = await fetch(`${bridgeOrigin}/cta/subscriptions`, {
      method: 'POST',
      headers: { 'content-type': 'application/jose' },
      body: subscription,
    })
    expect(answer.status).toBe(201)
    await bridge.follow(producer.origin, GROUP, ['tech.collaborative.membership.*'])
  }, 60_000)

  afterAll(async () => {
    python.child.stdin.end()
    python.child.kill()
    await producer.close()
    await bridge.close()
    await receiverServer.close()
  })

  it('emits a signed CTA event for the Python tool, which the SDK inbox verifies', async () => {
    const from = python.lines.length
    python.send({
      to: `${bridge.origin}${BRIDGE_WEBHOOK_PATH}`,
      post: { type: JOINED, group: GROUP, activity: joined('aroha') },
    })
    const posted = await python.next('posted', from)
    expect(posted.posted).toBe(202)
    const { id } = posted.answer as { id: string }
    await until(() => received.some((e) => e.id === id))
    const event = received.find((e) => e.id === id)
    expect(event?.source).toBe(bridge.origin)
    expect(event?.type).toBe(JOINED)
    expect(event?.group).toBe(GROUP)
    // In the bridge's feed too, signed with the tool's key.
    const feed = await bridge.store.readFeed({ group: GROUP, limit: 100 })
    const ids = feed.map(
      (item) =>
        (JSON.parse(Buffer.from(item.jws.split('.')[1] ?? '', 'base64url').toString()) as Event).id,
    )
    expect(ids).toContain(id)
  })

  it('delivers a CTA event the Python tool follows to it as a Standard Webhook', async () => {
    const from = python.lines.length
    const event = createEvent(JOINED, joined('mere') as never, { source: producer.origin })
    await producer.emit(event)
    const got = await python.next('received', from)
    const payload = got.received as { type: string; data: Event }
    expect(payload.type).toBe(JOINED)
    expect(payload.data.id).toBe(event.id)
    expect(payload.data.source).toBe(producer.origin)
    expect(await producer.pending()).toBe(0)
  })

  it('retries a delivery the tool refused: the bridge at once, then the producer from its outbox', async () => {
    let from = python.lines.length
    // The bridge tries three times at once; then its inbox refuses, and the producer retries.
    python.send({ fail: 3 })
    await python.next('failing', from)
    from = python.lines.length
    const event = createEvent(JOINED, joined('tama') as never, { source: producer.origin })
    await producer.emit(event)
    expect(await producer.pending()).toBe(1)
    const got = await python.next('received', from)
    expect((got.received as { data: Event }).data.id).toBe(event.id)
    await until(async () => (await producer.pending()) === 0)
  })

  describe('hostile webhooks: a coded refusal, and nothing stored or emitted', () => {
    const url = () => `${bridge.origin}${BRIDGE_WEBHOOK_PATH}`
    const state = async () => ({
      feed: (await bridge.store.readFeed({ group: GROUP, limit: 1000 })).length,
      deliveries: (await bridge.store.listDeliveries({})).length,
      received: received.length,
    })
    const signed = (
      body: string,
      options: { secret?: string; id?: string; at?: Date } = {},
    ): Record<string, string> => {
      const id = options.id ?? `msg_${randomBytes(8).toString('hex')}`
      const at = options.at ?? new Date()
      return {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': new Webhook(options.secret ?? SECRET).sign(id, at, body),
      }
    }
    const post = async (headers: Record<string, string>, body: string) => {
      const response = await fetch(url(), { method: 'POST', headers, body })
      expect(response.headers.get('content-type')).toBe('application/problem+json')
      const problem = (await response.json()) as { code: string }
      return { status: response.status, code: problem.code }
    }
    const valid = () => JSON.stringify({ type: JOINED, group: GROUP, activity: joined('hemi') })

    it.each([
      [
        'wrong HMAC',
        () => ({
          headers: signed(valid(), { secret: `whsec_${randomBytes(24).toString('base64')}` }),
          body: valid(),
        }),
        401,
        'ERR_SIGNATURE_INVALID',
      ],
      [
        'no signature headers',
        () => ({ headers: { 'content-type': 'application/json' }, body: valid() }),
        401,
        'ERR_SIGNATURE_INVALID',
      ],
      [
        'a body changed after signing',
        () => ({ headers: signed(valid()), body: valid().replace('hemi', 'eve') }),
        401,
        'ERR_SIGNATURE_INVALID',
      ],
      [
        'stale timestamp',
        () => ({ headers: signed(valid(), { at: new Date(Date.now() - 600_000) }), body: valid() }),
        422,
        'ERR_EVENT_STALE',
      ],
      [
        'timestamp from the future',
        () => ({ headers: signed(valid(), { at: new Date(Date.now() + 600_000) }), body: valid() }),
        422,
        'ERR_EVENT_FUTURE',
      ],
      [
        'oversized body',
        () => {
          const body = JSON.stringify({
            type: JOINED,
            group: GROUP,
            activity: { ...joined('big'), content: 'x'.repeat(70 * 1024) },
          })
          return { headers: signed(body), body }
        },
        413,
        'ERR_TOO_LARGE',
      ],
      [
        'invalid JSON',
        () => ({ headers: signed('{"type":'), body: '{"type":' }),
        400,
        'ERR_JSON_INVALID',
      ],
      [
        'no activity',
        () => {
          const body = JSON.stringify({ type: JOINED, group: GROUP })
          return { headers: signed(body), body }
        },
        400,
        'ERR_REQUEST_INVALID',
      ],
      [
        'a type the tool does not emit',
        () => {
          const body = JSON.stringify({
            type: 'tech.collaborative.membership.left',
            group: GROUP,
            activity: joined('x'),
          })
          return { headers: signed(body), body }
        },
        400,
        'ERR_REQUEST_INVALID',
      ],
      [
        'an invalid document',
        () => {
          const { result: _, ...activity } = joined('nobody')
          const body = JSON.stringify({ type: JOINED, group: GROUP, activity })
          return { headers: signed(body), body }
        },
        422,
        'ERR_SCHEMA_INVALID',
      ],
      [
        'a group that is not the audience',
        () => {
          const body = JSON.stringify({
            type: JOINED,
            group: `${GROUP}-other`,
            activity: joined('y'),
          })
          return { headers: signed(body), body }
        },
        400,
        'ERR_REQUEST_INVALID',
      ],
    ] as const)('%s', async (_name, make, status, code) => {
      const before = await state()
      const { headers, body } = make()
      expect(await post(headers, body)).toEqual({ status, code })
      await bridge.flush()
      expect(await state()).toEqual(before)
    })

    it('replayed webhook id', async () => {
      const body = valid()
      const headers = signed(body)
      const first = await fetch(url(), { method: 'POST', headers, body })
      expect(first.status).toBe(202)
      const { id } = (await first.json()) as { id: string }
      await until(() => received.some((e) => e.id === id))
      const before = await state()
      expect(await post(headers, body)).toEqual({ status: 401, code: 'ERR_REPLAYED' })
      await bridge.flush()
      expect(await state()).toEqual(before)
    })
  })
})
