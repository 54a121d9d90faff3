/**
 * Emitter: the size limits of a subscription request (spec/delivery.md "Size limits"). The suite
 * posts bodies that are not subscription requests at all, so that nothing is created: what is
 * checked is only whether the tool reads up to 8 KiB and refuses more with `413`, counting a
 * compressed body's bytes after decoding it.
 */
import { gzipSync } from 'node:zlib'
import type { LiveCase, LiveContext } from '../case.js'
import { check } from '../case.js'
import { feedUrl, groupQuery, subscriptionsUrl } from './emitter-support.js'
import { problemType } from './suite-events.js'

/** 8 KiB (DLV-LIM-002). */
const LIMIT = 8 * 1024

/** POSTs `body` to the subscriptions endpoint; the answer's status and problem type. */
async function post(
  ctx: LiveContext,
  body: Uint8Array<ArrayBuffer> | Buffer,
  headers: Record<string, string> = {},
): Promise<{ status: number; type: string | undefined }> {
  const response = await ctx.wire.fetch(subscriptionsUrl(ctx), {
    method: 'POST',
    headers: { 'content-type': 'application/jose', ...headers },
    body: new Uint8Array(body),
  })
  const text = await response.text()
  let type: string | undefined
  try {
    type = (JSON.parse(text) as { type?: string }).type
  } catch {
    type = undefined
  }
  return { status: response.status, type }
}

const TOO_LARGE = { status: 413, type: problemType('ERR_TOO_LARGE') }

/** 4 KiB (DLV-LIM-003). */
const TOKEN_LIMIT = 4096

/** GETs the feed with `token` as its request token; the answer's status and problem type. */
async function readFeedWith(
  ctx: LiveContext,
  token: string,
): Promise<{ status: number; type: string | undefined }> {
  const response = await ctx.wire.fetch(`${feedUrl(ctx)}?${groupQuery(ctx)}`, {
    headers: { authorization: `CTA-JWS ${token}` },
  })
  const type = ((await response.json().catch(() => ({}))) as { type?: string }).type
  return { status: response.status, type }
}

export const EMITTER_LIMIT_CASES: readonly LiveCase[] = [
  {
    id: 'live.emitter.request-token-at-size-limit',
    title: 'A request token of 4,096 characters is read, not refused for its size',
    requirements: ['DLV-LIM-003'],
    profile: 'emitter',
    level: 'MUST',
    async run(ctx) {
      // Not a JWS: refused for what it is, never for its size.
      const actual = await readFeedWith(ctx, 'a'.repeat(TOKEN_LIMIT))
      const expected = { status: 'not 413', type: `not ${TOO_LARGE.type}` }
      check(
        actual.status !== 413 && actual.type !== TOO_LARGE.type,
        'a token of 4 KiB must be read',
        expected,
        actual,
      )
      return { expected, actual }
    },
  },
  {
    id: 'live.emitter.request-token-over-size-limit',
    title: 'A request token of 4,097 characters is refused with ERR_TOO_LARGE',
    requirements: ['DLV-LIM-003'],
    profile: 'emitter',
    level: 'MUST',
    async run(ctx) {
      const actual = await readFeedWith(ctx, 'a'.repeat(TOKEN_LIMIT + 1))
      check(
        actual.type === TOO_LARGE.type,
        `expected ${TOO_LARGE.type}`,
        { type: TOO_LARGE.type },
        actual,
      )
      return { expected: { type: TOO_LARGE.type }, actual }
    },
  },
  {
    id: 'live.emitter.subscribe-at-size-limit',
    title: 'A subscription request body of 8 KiB is read, not refused for its size',
    requirements: ['DLV-LIM-002'],
    profile: 'emitter',
    level: 'MUST',
    async run(ctx) {
      // Not a JWS: refused for what it is, never for its size.
      const actual = await post(ctx, Buffer.alloc(LIMIT, 'a'))
      const expected = { status: 'not 413', type: `not ${TOO_LARGE.type}` }
      check(
        actual.status !== 413 && actual.type !== TOO_LARGE.type,
        'a body of 8 KiB must be read',
        expected,
        actual,
      )
      return { expected, actual }
    },
  },
  {
    id: 'live.emitter.subscribe-over-size-limit',
    title: 'A subscription request body of 8 KiB + 1 is refused with 413',
    requirements: ['DLV-LIM-002'],
    profile: 'emitter',
    level: 'MUST',
    async run(ctx) {
      const actual = await post(ctx, Buffer.alloc(LIMIT + 1, 'a'))
      check(
        actual.status === 413 && actual.type === TOO_LARGE.type,
        `expected 413 ${TOO_LARGE.type}`,
        TOO_LARGE,
        actual,
      )
      return { expected: TOO_LARGE, actual }
    },
  },
  {
    id: 'live.emitter.subscribe-gzip-bomb',
    title:
      'A gzip-encoded subscription request of 4 KiB that inflates to 4 MiB is refused with 413 or 400',
    requirements: ['DLV-LIM-001', 'DLV-LIM-002'],
    profile: 'emitter',
    level: 'MUST',
    async run(ctx) {
      const bomb = gzipSync(Buffer.alloc(4 * 1024 * 1024, 'a'), { level: 9 })
      const actual = await post(ctx, bomb, { 'content-encoding': 'gzip' })
      // Decoded, it passes the limit (413); not decoded, it is a coding the tool does not read
      // (400 ERR_REQUEST_INVALID). Either way it is refused, and never read as a request.
      const expected = {
        status: '413 or 400',
        type: `${TOO_LARGE.type} or ${problemType('ERR_REQUEST_INVALID')}`,
      }
      check(
        bomb.length < LIMIT &&
          ((actual.status === 413 && actual.type === TOO_LARGE.type) ||
            (actual.status === 400 && actual.type === problemType('ERR_REQUEST_INVALID'))),
        'a compressed body that inflates past 8 KiB must be refused',
        expected,
        { ...actual, compressedBytes: bomb.length },
      )
      return { expected, actual }
    },
  },
]
