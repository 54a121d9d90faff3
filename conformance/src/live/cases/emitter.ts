/**
 * Emitter: the suite subscribes to the tool (its inbox is the sink), makes the tool emit through the
 * control API, and checks each delivery: signature and keys, schema, group, retries after a 503.
 */
import {
  signRequestToken,
  signSubscriptionRequest,
  validateDocument,
  verifyEvent,
  type Event,
} from '@cta-interop/sdk'
import type { LiveCase, LiveContext } from '../case.js'
import { check, Untested, waitUntil } from '../case.js'
import type { Delivery } from '../peer.js'
import { EMITTER_ANSWER_CASES } from './emitter-answers.js'
import { EMITTER_FEED_CASES } from './emitter-feed.js'
import { EMITTER_FILTER_CASES } from './emitter-filters.js'
import { deliveredId, postSubscription, subscribe } from './emitter-support.js'
import { problemType, sessionGroup } from './suite-events.js'

/** Subscribes the suite's inbox to every event of the session's group, once per run. */
export { subscribe }

/** Makes the tool emit one event and waits for its first delivery to the suite. */
async function emitAndReceive(
  ctx: LiveContext,
): Promise<{ id: string; delivery: Delivery; index: number }> {
  const subscription = await subscribe(ctx)
  check(
    subscription.status === 201,
    `subscribing was answered ${subscription.status}`,
    { status: 201 },
    subscription,
  )
  if (ctx.control === undefined || ctx.session === undefined)
    throw new Untested('needs the control API')
  const before = ctx.peer.deliveries.length
  const result = await ctx.control.act(ctx.session, 'emit')
  const id = result['id']
  if (typeof id !== 'string') throw new Error('the emit action returned no event id')
  const index = await waitUntil(() => {
    const i = ctx.peer.deliveries.findIndex((d, n) => n >= before && deliveredId(d.body) === id)
    return i < 0 ? undefined : i
  }, ctx.patience)
  check(
    index !== undefined,
    `no delivery of event ${id} within ${ctx.patience} ms`,
    { delivered: id },
    { deliveries: ctx.peer.deliveries.length - before },
  )
  const delivery = ctx.peer.deliveries[index as number] as Delivery
  return { id, delivery, index: index as number }
}

const needs = ['emit']

/** A JWS's byte-order marks (EVT-JSON-002) and schema defects (DOC-EVT-001), if any. */
function inspectJws(jws: string): { bom?: string; invalid?: unknown } {
  const [header, payload] = jws.split('.').map((part) => Buffer.from(part, 'base64url'))
  if (header === undefined || payload === undefined) return { invalid: 'not a compact JWS' }
  const marked = (bytes: Buffer) => bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf
  const bom = marked(header) ? 'header' : marked(payload) ? 'payload' : undefined
  let event: unknown
  try {
    event = JSON.parse(payload.toString('utf8').replace(/^\uFEFF/, ''))
  } catch {
    return { ...(bom === undefined ? {} : { bom }), invalid: 'the payload is not JSON' }
  }
  const result = validateDocument(event)
  const type = (event as { type?: unknown }).type
  return {
    ...(bom === undefined ? {} : { bom: `${bom} of ${String(type)}` }),
    ...(result.valid
      ? {}
      : { invalid: { type, code: result.code, issues: result.issues.slice(0, 3) } }),
  }
}

/** Fails unless the answer is `401` with the registry's problem type for `code`. */
function expect401(
  actual: { readonly status: number; readonly type: string | undefined },
  code: string,
  message: string,
) {
  const expected = { status: 401, type: problemType(code) }
  check(actual.status === 401 && actual.type === expected.type, message, expected, actual)
  return { expected, actual }
}

export const EMITTER_CASES: readonly LiveCase[] = [
  {
    id: 'live.emitter.subscribe-handshake',
    title: 'A signed subscription request is answered 201 after the handshake',
    requirements: ['DLV-SUB-001', 'DLV-SUB-006'],
    profile: 'emitter',
    level: 'MUST',
    async run(ctx) {
      const result = await subscribe(ctx)
      const expected = { status: 201, location: 'present', handshakeFrom: ctx.sut.endpoints.origin }
      const actual = {
        status: result.status,
        location: result.location,
        handshakes: ctx.peer.handshakes,
      }
      check(
        result.status === 201 && result.location !== null,
        `expected 201 with Location, got ${result.status}`,
        expected,
        actual,
      )
      check(
        ctx.peer.handshakes.includes(ctx.sut.endpoints.origin),
        'no handshake came before the subscription',
        expected,
        actual,
      )
      return { expected, actual }
    },
  },
  {
    id: 'live.emitter.subscribe-forged',
    title: 'A subscription request with a forged signature is refused',
    requirements: ['DLV-SUB-002'],
    profile: 'emitter',
    level: 'MUST',
    async run(ctx) {
      const valid = await signSubscriptionRequest(
        { sink: `${ctx.peer.origin}/cta/inbox`, group: sessionGroup(ctx) },
        ctx.peer.key,
        { audience: ctx.sut.endpoints.origin },
      )
      const [h, p, s = ''] = valid.split('.')
      // The first character of the signature changed: still canonical base64url, no longer valid.
      const forged = `${s.startsWith('A') ? 'B' : 'A'}${s.slice(1)}`
      const result = await postSubscription(ctx, `${h}.${p}.${forged}`)
      return expect401(
        result,
        'ERR_SIGNATURE_INVALID',
        `expected 401 ${problemType('ERR_SIGNATURE_INVALID')}`,
      )
    },
  },
  {
    id: 'live.emitter.subscribe-foreign-sink',
    title: 'A subscription whose sink is on another origin is refused',
    requirements: ['DLV-SUB-004'],
    profile: 'emitter',
    level: 'MUST',
    async run(ctx) {
      const body = await signSubscriptionRequest(
        { sink: `${ctx.stranger.origin}/cta/inbox`, group: sessionGroup(ctx) },
        ctx.peer.key,
        { audience: ctx.sut.endpoints.origin },
      )
      const result = await postSubscription(ctx, body)
      return expect401(
        result,
        'ERR_UNAUTHORIZED',
        `expected 401 ${problemType('ERR_UNAUTHORIZED')}`,
      )
    },
  },
  {
    id: 'live.emitter.delivers-signed-event',
    title: 'An emitted event arrives signed, valid and in the group',
    requirements: ['DLV-SND-001', 'EVT-SIG-001', 'EVT-KEY-001', 'EVT-GRP-001', 'DOC-EVT-003'],
    profile: 'emitter',
    level: 'MUST',
    actions: needs,
    async run(ctx) {
      const { delivery } = await emitAndReceive(ctx)
      const expected = {
        method: 'POST',
        contentType: 'application/jose',
        verified: true,
        group: ctx.session?.group,
      }
      let event: Event | undefined
      let error: string | undefined
      try {
        ;({ event } = await verifyEvent(delivery.body, { resolveKey: ctx.resolveKey }))
      } catch (err) {
        error = (err as { code?: string }).code ?? String(err)
      }
      const actual = {
        method: delivery.method,
        contentType: delivery.contentType,
        verified: error ?? true,
        group: event?.group,
        type: event?.type,
        source: event?.source,
      }
      check(
        delivery.method === 'POST' && delivery.contentType?.split(';')[0] === 'application/jose',
        'not a POST of application/jose',
        expected,
        actual,
      )
      check(event !== undefined, `the event does not verify: ${String(error)}`, expected, actual)
      check(event?.source === ctx.manifest.id, 'the event source is not the tool', expected, actual)
      check(
        event?.group === ctx.session?.group,
        'the event is not in the session group',
        expected,
        actual,
      )
      check(
        ctx.manifest.emits.some(
          (t) =>
            t === event?.type ||
            (t.endsWith('*') && event?.type.startsWith(t.slice(0, -1)) === true),
        ),
        'the manifest does not list the event type in "emits"',
        { emits: event?.type },
        { emits: ctx.manifest.emits },
      )
      return { expected, actual }
    },
  },
  {
    id: 'live.emitter.retries-after-503',
    title: 'A delivery answered 503 with Retry-After is retried unchanged, not earlier',
    requirements: ['DLV-RTY-001', 'DLV-RTY-002', 'DLV-SND-001'],
    profile: 'emitter',
    level: 'MUST',
    actions: needs,
    async run(ctx) {
      await subscribe(ctx)
      ctx.peer.failNext(1, 503, '1')
      const { id, delivery, index } = await emitAndReceive(ctx)
      const retry = await waitUntil(
        () => ctx.peer.deliveries.slice(index + 1).find((d) => deliveredId(d.body) === id),
        ctx.patience,
      )
      const expected = { first: 503, retried: true, unchanged: true, afterMs: '>= 1000' }
      const actual = {
        first: delivery.status,
        retried: retry !== undefined,
        unchanged: retry?.body === delivery.body,
        afterMs: retry === undefined ? undefined : retry.at - delivery.at,
      }
      check(retry !== undefined, `no retry within ${ctx.patience} ms`, expected, actual)
      check(retry?.body === delivery.body, 'the retry is not the same JWS', expected, actual)
      check(
        (actual.afterMs ?? 0) >= 950,
        'the retry came before Retry-After allowed',
        expected,
        actual,
      )
      return { expected, actual }
    },
  },
  {
    id: 'live.emitter.feed-serves-event',
    title: 'The feed serves an emitted event exactly as signed',
    requirements: ['DLV-FED-001'],
    profile: 'emitter',
    level: 'MUST',
    actions: needs,
    async run(ctx) {
      const feed = ctx.manifest.feed
      if (feed === undefined) throw new Untested('the tool manifest names no feed')
      const { delivery } = await emitAndReceive(ctx)
      const items: string[] = []
      let after: string | null = null
      for (let page = 0; page < 50; page++) {
        const url = `${feed}?group=${encodeURIComponent(sessionGroup(ctx))}${after === null ? '' : `&after=${encodeURIComponent(after)}`}`
        const token = await signRequestToken({ method: 'GET', url: feed }, ctx.peer.key)
        const response = await ctx.wire.fetch(url, {
          headers: { authorization: `CTA-JWS ${token}` },
        })
        check(
          response.status === 200,
          `the feed answered ${response.status}`,
          { status: 200 },
          { status: response.status },
        )
        const body = (await response.json()) as { items?: string[]; next?: string | null }
        items.push(...(body.items ?? []))
        if ((body.items ?? []).length === 0 || body.next === null || body.next === undefined) break
        after = body.next
      }
      const expected = { contains: 'the delivered JWS' }
      const actual = { items: items.length, contains: items.includes(delivery.body) }
      check(
        actual.contains,
        'the feed does not hold the delivered event as signed',
        expected,
        actual,
      )
      return { expected, actual }
    },
  },
  {
    id: 'live.emitter.feed-needs-token',
    title: 'A feed request without a request token is refused',
    requirements: ['DLV-REQ-001'],
    profile: 'emitter',
    level: 'MUST',
    async run(ctx) {
      const feed = ctx.manifest.feed
      if (feed === undefined) throw new Untested('the tool manifest names no feed')
      const response = await ctx.wire.fetch(
        `${feed}?group=${encodeURIComponent(sessionGroup(ctx))}`,
      )
      const body = (await response.json().catch(() => ({}))) as { type?: string }
      return expect401(
        { status: response.status, type: body.type },
        'ERR_UNAUTHORIZED',
        'an unauthenticated feed request was not refused',
      )
    },
  },
  {
    id: 'live.emitter.event-bytes',
    title:
      'Every delivered event validates against the schema of its type, and never starts its JSON with a byte-order mark',
    requirements: ['DOC-EVT-001', 'EVT-JSON-002'],
    profile: 'emitter',
    level: 'MUST',
    actions: needs,
    async run(ctx) {
      await emitAndReceive(ctx)
      // Every event the tool delivered to the suite's inbox in this run, the one just emitted too.
      const found = ctx.peer.deliveries.map((d) => inspectJws(d.body))
      const expected = { byteOrderMarks: [], invalid: [] }
      const actual = {
        events: found.length,
        byteOrderMarks: found.filter((f) => f.bom !== undefined).map((f) => f.bom),
        invalid: found.filter((f) => f.invalid !== undefined).map((f) => f.invalid),
      }
      check(
        actual.byteOrderMarks.length === 0,
        'a delivered event starts a protected header or payload with a byte-order mark',
        expected,
        actual,
      )
      check(
        actual.invalid.length === 0,
        'a delivered event does not validate against its schema',
        expected,
        actual,
      )
      return { expected, actual }
    },
  },
  ...EMITTER_FILTER_CASES,
  ...EMITTER_ANSWER_CASES,
  ...EMITTER_FEED_CASES,
]
