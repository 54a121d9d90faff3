/** Receiver: the suite is an emitter and sends valid and hostile events to the tool's inbox. */
import type { LiveCase } from '../case.js'
import { check } from '../case.js'
import { RECEIVER_KEY_CASES } from './receiver-keys.js'
import { RECEIVER_PROCESSING_CASES } from './receiver-processing.js'
import { payload, rejects } from './receiver-rejects.js'
import { RECEIVER_TOKEN_CASES } from './receiver-tokens.js'
import {
  expectNotObserved,
  headerOf,
  postToInbox,
  signRaw,
  signValid,
  suiteEvent,
} from './suite-events.js'

export const RECEIVER_CASES: readonly LiveCase[] = [
  {
    id: 'live.receiver.accepts-valid',
    title: 'A valid signed event is answered 202 and accepted',
    requirements: ['DLV-INB-001'],
    profile: 'receiver',
    level: 'MUST',
    async run(ctx) {
      const event = suiteEvent(ctx)
      const answer = await postToInbox(ctx, await signValid(event, ctx.peer.key))
      const expected = { status: 202 }
      check(answer.status === 202, `expected 202, got ${answer.status}`, expected, answer)
      if (ctx.control !== undefined && ctx.session !== undefined) {
        const accepted = await ctx.control.observations(ctx.session)
        check(
          accepted.some((o) => o.id === event['id']),
          'the tool does not report the event as accepted',
          { accepted: event['id'] },
          { accepted: accepted.map((o) => o.id) },
        )
      }
      return { expected, actual: answer }
    },
  },
  {
    id: 'live.receiver.typ-media-type',
    title:
      'An event whose typ is application/cta-event+jws in another case is accepted: typ compares as a media type',
    requirements: ['EVT-SIG-003'],
    profile: 'receiver',
    level: 'MUST',
    async run(ctx) {
      const event = suiteEvent(ctx)
      const typ = 'Application/CTA-Event+JWS'
      const jws = await signRaw({ ...headerOf(ctx.peer.key), typ }, payload(event), ctx.peer.key)
      const answer = await postToInbox(ctx, jws)
      const expected = { typ, status: 202 }
      check(answer.status === 202, `expected 202, got ${answer.status}`, expected, {
        typ,
        ...answer,
      })
      return { expected, actual: { typ, ...answer } }
    },
  },
  {
    id: 'live.receiver.duplicate-200',
    title: 'A redelivered event is answered 200 and processed once',
    requirements: ['DLV-INB-001', 'EVT-DUP-001'],
    profile: 'receiver',
    level: 'MUST',
    async run(ctx) {
      const event = suiteEvent(ctx)
      const jws = await signValid(event, ctx.peer.key)
      const first = await postToInbox(ctx, jws)
      const second = await postToInbox(ctx, jws)
      const expected = { first: 202, second: 200 }
      const actual = { first: first.status, second: second.status }
      check(
        first.status === 202 && second.status === 200,
        'expected 202 then 200',
        expected,
        actual,
      )
      if (ctx.control !== undefined && ctx.session !== undefined) {
        const accepted = await ctx.control.observations(ctx.session)
        const times = accepted.filter((o) => o.id === event['id']).length
        check(
          times === 1,
          `the tool processed the event ${times} times`,
          { processed: 1 },
          { processed: times },
        )
      }
      return { expected, actual }
    },
  },
  {
    id: 'live.receiver.media-type-415',
    title: 'A body of another media type is answered 415',
    requirements: ['DLV-INB-001'],
    profile: 'receiver',
    level: 'MUST',
    async run(ctx) {
      const event = suiteEvent(ctx)
      const answer = await postToInbox(
        ctx,
        await signValid(event, ctx.peer.key),
        'application/json',
      )
      check(answer.status === 415, `expected 415, got ${answer.status}`, { status: 415 }, answer)
      await expectNotObserved(ctx, event['id'] as string)
      return { expected: { status: 415 }, actual: answer }
    },
  },
  rejects(
    'alg-none',
    'An event with alg none is rejected',
    ['EVT-SIG-002'],
    'ERR_ALG_NOT_ALLOWED',
    (ctx, event) => {
      const b64 = (text: string) => Buffer.from(text).toString('base64url')
      return Promise.resolve({
        body: `${b64(JSON.stringify({ ...headerOf(ctx.peer.key), alg: 'none' }))}.${b64(payload(event))}.`,
      })
    },
  ),
  rejects(
    'header-jwk',
    'An event carrying its own key in the header is rejected',
    ['EVT-SIG-001'],
    'ERR_HEADER_NOT_ALLOWED',
    async (ctx, event) => ({
      body: await signRaw(
        { ...headerOf(ctx.peer.key), jwk: ctx.peer.key.publicJwk },
        payload(event),
        ctx.peer.key,
      ),
    }),
  ),
  rejects(
    'typ-jwt',
    'An event with typ JWT is rejected',
    ['EVT-SIG-003'],
    'ERR_TYP_MISMATCH',
    async (ctx, event) => ({
      body: await signRaw({ ...headerOf(ctx.peer.key), typ: 'JWT' }, payload(event), ctx.peer.key),
    }),
  ),
  rejects(
    'payload-tampered',
    'An event changed after signing is rejected',
    ['EVT-SIG-005'],
    'ERR_SIGNATURE_INVALID',
    async (ctx, event) => {
      const [h, , s] = (await signValid(event, ctx.peer.key)).split('.')
      const changed = Buffer.from(payload({ ...event, subject: 'changed-after-signing' })).toString(
        'base64url',
      )
      return { body: `${h}.${changed}.${s}` }
    },
  ),
  rejects(
    'source-mismatch',
    'An event whose source is another tool than its key is rejected',
    ['EVT-SRC-001'],
    'ERR_SOURCE_MISMATCH',
    async (ctx) => ({
      body: await signRaw(
        headerOf(ctx.peer.key),
        payload({ ...suiteEvent(ctx, ctx.stranger), source: ctx.stranger.origin }),
        ctx.peer.key,
      ),
    }),
  ),
  rejects(
    'stale',
    'An event 72 hours and 5 minutes old, past its window and the skew, is rejected',
    ['EVT-AGE-001'],
    'ERR_EVENT_STALE',
    async (ctx, event) => ({
      body: await signRaw(
        headerOf(ctx.peer.key),
        payload({ ...event, time: new Date(Date.now() - (72 * 60 + 5) * 60_000).toISOString() }),
        ctx.peer.key,
      ),
    }),
  ),
  rejects(
    'deep-nesting',
    'An event nested 5,000 levels deep is rejected',
    ['EVT-JSON-001'],
    'ERR_JSON_INVALID',
    async (ctx, event) => {
      const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`
      const text = payload(event).replace(/\}$/, `,"extension":${deep}}`)
      return { body: await signRaw(headerOf(ctx.peer.key), text, ctx.peer.key) }
    },
  ),
  rejects(
    'unknown-context',
    'An event with an unknown JSON-LD context is rejected',
    ['EVT-CTX-001'],
    'ERR_JSONLD_CONTEXT_UNKNOWN',
    async (ctx, event) => {
      const data = event['data'] as Record<string, unknown>
      const changed = {
        ...event,
        data: {
          ...data,
          '@context': [
            'https://www.w3.org/ns/activitystreams',
            'https://attacker.example/context.jsonld',
          ],
        },
      }
      return { body: await signRaw(headerOf(ctx.peer.key), payload(changed), ctx.peer.key) }
    },
  ),
  rejects(
    'group-differs',
    'An event whose group differs from its audience is rejected',
    ['EVT-GRP-001'],
    'ERR_EVENT_INCONSISTENT',
    async (ctx, event) => ({
      body: await signRaw(
        headerOf(ctx.peer.key),
        payload({ ...event, group: `${String(event['group'])}-other` }),
        ctx.peer.key,
      ),
    }),
  ),
  rejects(
    'oversized-413',
    'A body over 64 KiB is answered 413',
    ['DLV-INB-002'],
    'ERR_TOO_LARGE',
    async (ctx, event) => {
      const padded = {
        ...event,
        data: { ...(event['data'] as object), content: 'x'.repeat(70 * 1024) },
      }
      return { body: await signRaw(headerOf(ctx.peer.key), payload(padded), ctx.peer.key) }
    },
    413,
  ),
  ...RECEIVER_PROCESSING_CASES,
  ...RECEIVER_TOKEN_CASES,
  ...RECEIVER_KEY_CASES,
]
