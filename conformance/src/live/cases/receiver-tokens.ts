/**
 * Receiver cases about the compact JWS itself: its shape, its protected header, byte-order marks
 * and its size limits, each signed with the suite's real key so that only the defect is wrong.
 */
import type { SigningKey } from '@cta-interop/sdk'
import type { LiveCase } from '../case.js'
import { check } from '../case.js'
import { payload, rejects } from './receiver-rejects.js'
import { headerOf, postToInbox, signRaw, signValid, suiteEvent } from './suite-events.js'

const BOM = '\uFEFF'
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/** Signs the exact bytes of a protected header and a payload (which `jose` would re-encode). */
async function signBytes(header: string, body: string, key: SigningKey): Promise<string> {
  const h = Buffer.from(header, 'utf8').toString('base64url')
  const p = Buffer.from(body, 'utf8').toString('base64url')
  const algorithm =
    key.alg === 'EdDSA' ? { name: 'Ed25519' } : { name: 'ECDSA', hash: { name: 'SHA-256' } }
  const signature = await crypto.subtle.sign(
    algorithm,
    key.privateKey,
    new TextEncoder().encode(`${h}.${p}`),
  )
  return `${h}.${p}.${Buffer.from(signature).toString('base64url')}`
}

/** The largest JWS a receiver must accept (EVT-LIM-001, DLV-INB-002): 64 KiB, as characters. */
const MUST_ACCEPT = 64 * 1024

export const RECEIVER_TOKEN_CASES: readonly LiveCase[] = [
  rejects(
    'kid-missing',
    'An event whose protected header has no kid is rejected as malformed',
    ['EVT-SIG-004'],
    'ERR_JWS_MALFORMED',
    async (ctx, event) => {
      const { kid: _, ...header } = headerOf(ctx.peer.key)
      return { body: await signRaw(header, payload(event), ctx.peer.key) }
    },
  ),
  rejects(
    'signature-unused-bits',
    'An event whose signature part sets unused bits of base64url is rejected as malformed',
    ['EVT-SIG-004'],
    'ERR_JWS_MALFORMED',
    async (ctx, event) => {
      // 64 signature bytes are 86 characters; the last carries 2 bits and 4 unused ones. Setting
      // one changes the text but not the bytes, so a lenient decoder still verifies the signature.
      const [h, p, sig = ''] = (await signValid(event, ctx.peer.key)).split('.')
      const index = BASE64URL.indexOf(sig.slice(-1))
      if (sig.length % 4 !== 2 || (index & 15) !== 0) throw new Error(`signature part ${sig}`)
      return { body: `${h}.${p}.${sig.slice(0, -1)}${BASE64URL.charAt(index | 1)}` }
    },
  ),
  rejects(
    'header-duplicate-member',
    'An event whose protected header repeats a member name is rejected as malformed',
    ['EVT-SIG-004'],
    'ERR_JWS_MALFORMED',
    async (ctx, event) => {
      // Parsers disagree on which `typ` counts; JSON.parse takes the last, the event's own.
      const { alg, kid } = headerOf(ctx.peer.key)
      const header = `{"alg":${JSON.stringify(alg)},"kid":${JSON.stringify(kid)},"typ":"cta-membership+jwt","typ":"cta-event+jws"}`
      return { body: await signBytes(header, payload(event), ctx.peer.key) }
    },
  ),
  rejects(
    'bom-header',
    'An event whose protected header starts with a byte-order mark is rejected as malformed',
    ['EVT-JSON-002'],
    'ERR_JWS_MALFORMED',
    async (ctx, event) => ({
      body: await signBytes(
        `${BOM}${JSON.stringify(headerOf(ctx.peer.key))}`,
        payload(event),
        ctx.peer.key,
      ),
    }),
  ),
  rejects(
    'bom-payload',
    'An event whose payload starts with a byte-order mark is rejected as invalid JSON',
    ['EVT-JSON-002'],
    'ERR_JSON_INVALID',
    async (ctx, event) => ({
      body: await signRaw(headerOf(ctx.peer.key), `${BOM}${payload(event)}`, ctx.peer.key),
    }),
  ),
  rejects(
    'header-too-long',
    'An event whose protected header part is longer than 1,368 characters is rejected as too large',
    ['EVT-LIM-001'],
    'ERR_TOO_LARGE',
    async (ctx, event) => {
      // A kid within its own limit (2,048 characters) that makes the header part 1,500 long.
      const kid = `${ctx.peer.origin}#${'k'.repeat(1060)}`
      const header = { ...headerOf(ctx.peer.key), kid }
      const body = await signRaw(header, payload(event), ctx.peer.key)
      const length = body.indexOf('.')
      if (length <= 1368 || kid.length > 2048) throw new Error(`header part of ${length}`)
      return { body }
    },
  ),
  {
    id: 'live.receiver.accepts-64-kib',
    title: 'An event whose JWS is 64 KiB long is accepted and processed',
    requirements: ['EVT-LIM-001', 'DLV-INB-002'],
    profile: 'receiver',
    level: 'MUST',
    async run(ctx) {
      // A notice addressed to 100 recipients with long IRIs: valid, and just under 64 KiB signed.
      const event = suiteEvent(ctx)
      const data = event['data'] as Record<string, unknown>
      const sized = (length: number) => ({
        ...event,
        data: {
          ...data,
          to: Array.from(
            { length: 100 },
            (_, i) => `${ctx.peer.origin}/members/${i}/${'m'.repeat(length)}`,
          ),
        },
      })
      const base = (await signValid(sized(0), ctx.peer.key)).length
      // Each character of each of the 100 IRIs adds 4/3 of a character to the JWS.
      const length = Math.floor(((MUST_ACCEPT - 64 - base) * 3) / 4 / 100)
      const jws = await signValid(sized(length), ctx.peer.key)
      if (jws.length > MUST_ACCEPT || jws.length < MUST_ACCEPT - 512) {
        throw new Error(`the suite built a JWS of ${jws.length} characters`)
      }
      const answer = await postToInbox(ctx, jws)
      const expected = { length: `${jws.length} characters`, status: 202 }
      const actual = { length: `${jws.length} characters`, status: answer.status }
      check(answer.status === 202, `expected 202, got ${answer.status}`, expected, actual)
      if (ctx.control !== undefined && ctx.session !== undefined) {
        const accepted = await ctx.control.observations(ctx.session)
        check(
          accepted.some((o) => o.id === event['id']),
          'the tool does not report the event as accepted',
          { accepted: event['id'] },
          { accepted: accepted.map((o) => o.id) },
        )
      }
      return { expected, actual }
    },
  },
]
