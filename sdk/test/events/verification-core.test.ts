// The four verifiers of signed tokens (events, membership assertions, subscription requests and
// request tokens) share one compact-JWS core. Each defect below is presented to all four, through
// the default Web Crypto path and through the Node verifier hook, and must get the same code, in
// the documented order (spec/events.md#verifying): size, shape, header, typ, algorithm, key,
// signature, payload as strict JSON. Before the core, the copies disagreed on several of these.
import { webcrypto } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { nodeSignatureVerifier } from '../../node/index.js'
import {
  createMemoryDedupeStore,
  generateSigningKey,
  issueGroupAssertion,
  signEvent,
  signRequestToken,
  signSubscriptionRequest,
  staticKeyResolver,
  toJwks,
  verifyEvent,
  verifyGroupAssertion,
  verifyRequestToken,
  verifySubscriptionRequest,
  type ResolveKey,
  type SignatureVerifier,
  type SigningKey,
} from '../../src/index.js'
import { encodeBase64url } from '../../src/internal/base64url.js'
import { codeOf } from '../helpers/code-of.js'
import { NOW, SOURCE, joinedEvent } from '../helpers/events.js'

const PRODUCER = 'https://decisions.example'
const SUBSCRIBER = 'https://budgeting.example'
const GROUP = 'https://decisions.example/g/harbour-commons'
const FEED = `${PRODUCER}/feed`

const eventKey = await generateSigningKey({ origin: SOURCE })
const authorityKey = await generateSigningKey({ origin: PRODUCER })
const subscriberKey = await generateSigningKey({ origin: SUBSCRIBER })
const p256 = await generateSigningKey({ origin: SUBSCRIBER, alg: 'ES256' })

/** Resolves the subscriber's `kid`s, one of them to a P-256 key that claims to be for EdDSA. */
function resolverWithBadKey(key: SigningKey, source: string): ResolveKey {
  const good = staticKeyResolver([{ source, jwks: toJwks([key]) }])
  const p256Jwk = toJwks([p256]).keys[0]
  return (kid) => {
    const found = good(kid)
    if (kid.endsWith('#unusable') && p256Jwk !== undefined) {
      return { key: { ...p256Jwk, kid }, alg: 'EdDSA', source }
    }
    return found
  }
}

type Verify = (token: string, verifySignature?: SignatureVerifier) => Promise<unknown>

interface Kind {
  readonly name: string
  readonly typ: string
  readonly key: SigningKey
  readonly good: () => Promise<string>
  readonly verify: Verify
}

const KINDS: readonly Kind[] = [
  {
    name: 'verifyEvent',
    typ: 'cta-event+jws',
    key: eventKey,
    good: () => signEvent(joinedEvent(), eventKey),
    verify: (jws, verifySignature) =>
      verifyEvent(jws, {
        resolveKey: resolverWithBadKey(eventKey, SOURCE),
        currentDate: NOW,
        ...(verifySignature === undefined ? {} : { verifySignature }),
      }),
  },
  {
    name: 'verifyGroupAssertion',
    typ: 'cta-membership+jwt',
    key: authorityKey,
    good: () =>
      issueGroupAssertion(
        {
          sub: 'https://decisions.example/u/aroha',
          group: GROUP,
          roles: ['member'],
          entitlements: ['read'],
        },
        authorityKey,
        { issuer: PRODUCER, audience: SUBSCRIBER, currentDate: NOW },
      ),
    verify: (jwt, verifySignature) =>
      verifyGroupAssertion(jwt, {
        group: GROUP,
        audience: SUBSCRIBER,
        authority: PRODUCER,
        resolveKey: resolverWithBadKey(authorityKey, PRODUCER),
        currentDate: NOW,
        ...(verifySignature === undefined ? {} : { verifySignature }),
      }),
  },
  {
    name: 'verifySubscriptionRequest',
    typ: 'cta-subscription+jws',
    key: subscriberKey,
    good: () =>
      signSubscriptionRequest({ sink: `${SUBSCRIBER}/inbox`, group: GROUP }, subscriberKey, {
        audience: PRODUCER,
        currentDate: NOW,
      }),
    verify: (jws, verifySignature) =>
      verifySubscriptionRequest(jws, {
        resolveKey: resolverWithBadKey(subscriberKey, SUBSCRIBER),
        audience: PRODUCER,
        replay: createMemoryDedupeStore({ now: () => NOW.getTime() }),
        currentDate: NOW,
        ...(verifySignature === undefined ? {} : { verifySignature }),
      }),
  },
  {
    name: 'verifyRequestToken',
    typ: 'cta-request+jws',
    key: subscriberKey,
    good: () => signRequestToken({ method: 'GET', url: FEED }, subscriberKey, { currentDate: NOW }),
    verify: (token, verifySignature) =>
      verifyRequestToken(new Request(FEED, { headers: { authorization: `CTA-JWS ${token}` } }), {
        resolveKey: resolverWithBadKey(subscriberKey, SUBSCRIBER),
        replay: createMemoryDedupeStore({ now: () => NOW.getTime() }),
        currentDate: NOW,
        ...(verifySignature === undefined ? {} : { verifySignature }),
      }),
  },
]

const PATHS: readonly [string, SignatureVerifier | undefined][] = [
  ['Web Crypto', undefined],
  ['nodeSignatureVerifier', nodeSignatureVerifier()],
]

const encoder = new TextEncoder()
const BOM = new Uint8Array([0xef, 0xbb, 0xbf])
const concat = (a: Uint8Array, b: Uint8Array): Uint8Array => {
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}
const partBytes = (part: string): Uint8Array => new Uint8Array(Buffer.from(part, 'base64url'))

/** Signs arbitrary header and payload bytes with the kind's key: a forgery by the key's owner. */
async function signBytes(header: Uint8Array, payload: Uint8Array, key: SigningKey) {
  const input = `${encodeBase64url(header)}.${encodeBase64url(payload)}`
  const params = key.alg === 'EdDSA' ? { name: 'Ed25519' } : { name: 'ECDSA', hash: 'SHA-256' }
  const signature = await webcrypto.subtle.sign(params, key.privateKey, encoder.encode(input))
  return `${input}.${encodeBase64url(new Uint8Array(signature))}`
}

/** A defect made from a kind's good token, and the code every verifier must give it. */
interface Defect {
  readonly title: string
  readonly code: string
  readonly make: (good: string, kind: Kind) => Promise<string> | string
  /** Not for request tokens: an HTTP header value cannot carry the defect. */
  readonly notInHttpHeader?: true
}

const parts = (token: string): [string, string, string] => token.split('.') as never

const DEFECTS: readonly Defect[] = [
  {
    // Was ERR_SIGNATURE_INVALID: the payload part was decoded only after the signature.
    title: '[EVT-SIG-004] rejects a newline inside the payload part as malformed',
    code: 'ERR_JWS_MALFORMED',
    make: (good) => {
      const [h, p, s] = parts(good)
      return `${h}.${p.slice(0, 10)}\n${p.slice(10)}.${s}`
    },
    notInHttpHeader: true,
  },
  {
    // Was ERR_SIGNATURE_INVALID for the same reason.
    title: '[EVT-SIG-004] rejects a payload part in the standard base64 alphabet as malformed',
    code: 'ERR_JWS_MALFORMED',
    make: (good) => {
      const [h, p, s] = parts(good)
      return `${h}.${p.slice(0, -4)}+/+/.${s}`
    },
  },
  {
    title: '[EVT-SIG-004] rejects a signature with non-zero unused bits',
    code: 'ERR_JWS_MALFORMED',
    make: (good) => {
      const [h, p, s] = parts(good)
      return `${h}.${p}.${s.slice(0, -1)}${s.endsWith('B') ? 'C' : 'B'}`
    },
  },
  {
    title: '[EVT-LIM-001] rejects a protected header part longer than the limit as too large',
    code: 'ERR_TOO_LARGE',
    make: (good) => `${'e'.repeat(1400)}${good.slice(good.indexOf('.'))}`,
  },
  {
    // Was ERR_JWS_MALFORMED in all three copies.
    title: '[EVT-JSON-001] rejects a signed payload that is not UTF-8 as invalid JSON',
    code: 'ERR_JSON_INVALID',
    make: (good, kind) => {
      const [h] = parts(good)
      return signBytes(
        partBytes(h),
        new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]),
        kind.key,
      )
    },
  },
  {
    // Was accepted: the UTF-8 decoder dropped the mark silently.
    title: '[EVT-JSON-002] refuses a byte-order mark before the payload JSON',
    code: 'ERR_JSON_INVALID',
    make: (good, kind) => {
      const [h, p] = parts(good)
      return signBytes(partBytes(h), concat(BOM, partBytes(p)), kind.key)
    },
  },
  {
    // Was accepted for the same reason.
    title: '[EVT-JSON-002] refuses a byte-order mark before the protected header JSON',
    code: 'ERR_JWS_MALFORMED',
    make: (good, kind) => {
      const [h, p] = parts(good)
      return signBytes(concat(BOM, partBytes(h)), partBytes(p), kind.key)
    },
  },
  {
    // Was ERR_SCHEMA_INVALID for assertions, ERR_JSON_INVALID for the others.
    title: '[EVT-JSON-001] rejects a signed payload that is a JSON array, not an object',
    code: 'ERR_JSON_INVALID',
    make: (good, kind) => {
      const [h] = parts(good)
      return signBytes(partBytes(h), encoder.encode('[1,2]'), kind.key)
    },
  },
  {
    title: '[EVT-SIG-001] rejects a header member outside the allowlist before its typ',
    code: 'ERR_HEADER_NOT_ALLOWED',
    make: (_good, kind) =>
      signBytes(
        encoder.encode(JSON.stringify({ alg: 'EdDSA', kid: kind.key.kid, typ: 'x', jku: 'y' })),
        encoder.encode('{}'),
        kind.key,
      ),
  },
  {
    // Was ERR_JWS_MALFORMED on the Web Crypto path and ERR_SIGNATURE_INVALID with the hook.
    title: '[EVT-SIG-005] rejects a signature checked with a key unusable for its algorithm',
    code: 'ERR_SIGNATURE_INVALID',
    make: (good, kind) => {
      const [h, p] = parts(good)
      const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, unknown>
      const kid = `${String(header['kid']).split('#')[0] ?? ''}#unusable`
      return signBytes(encoder.encode(JSON.stringify({ ...header, kid })), partBytes(p), kind.key)
    },
  },
]

describe('one verification core: every verifier gives each defect the same code', () => {
  for (const kind of KINDS) {
    for (const [path, verifySignature] of PATHS) {
      describe(`${kind.name} (${path})`, () => {
        it('accepts the well-formed token', async () => {
          expect(await codeOf(kind.verify(await kind.good(), verifySignature))).toBe('accepted')
        })
        const applicable = DEFECTS.filter(
          (d) => d.notInHttpHeader !== true || kind.name !== 'verifyRequestToken',
        )
        for (const defect of applicable) {
          it(defect.title, async () => {
            const token = await defect.make(await kind.good(), kind)
            expect(await codeOf(kind.verify(token, verifySignature))).toBe(defect.code)
          })
        }
      })
    }
  }

  it('[EVT-JSON-002] signs no byte-order mark before the header or payload JSON', async () => {
    for (const kind of KINDS) {
      for (const part of parts(await kind.good()).slice(0, 2)) {
        expect(Buffer.from(part, 'base64url').subarray(0, 3)).not.toEqual(Buffer.from(BOM))
      }
    }
  })

  for (const kind of KINDS) {
    // Subscription requests and request tokens ignored the hook before the core.
    it(`[EVT-SIG-005] ${kind.name} checks the signature with the verifySignature hook it is given`, async () => {
      const seen: string[] = []
      const refuse: SignatureVerifier = (key) => {
        seen.push(key.alg)
        return Promise.resolve(false)
      }
      expect(await codeOf(kind.verify(await kind.good(), refuse))).toBe('ERR_SIGNATURE_INVALID')
      expect(seen).toEqual(['EdDSA'])
    })
  }
})

describe('typ compares as a media type (RFC 7515 §4.1.9), in every verifier', () => {
  /** The kind's good token with its header's `typ` replaced, signed again with its key. */
  const withTyp = async (kind: Kind, typ: unknown): Promise<string> => {
    const [h, p] = parts(await kind.good())
    const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, unknown>
    return signBytes(encoder.encode(JSON.stringify({ ...header, typ })), partBytes(p), kind.key)
  }
  const other = (kind: Kind): string =>
    kind.typ === 'cta-event+jws' ? 'cta-membership+jwt' : 'cta-event+jws'

  for (const kind of KINDS) {
    it(`[EVT-SIG-003] ${kind.name} accepts its typ with application/ and in any ASCII case`, async () => {
      for (const typ of [
        `application/${kind.typ}`,
        kind.typ.toUpperCase(),
        `Application/${kind.typ.replace('cta', 'CTA')}`,
      ]) {
        expect(await codeOf(kind.verify(await withTyp(kind, typ))), typ).toBe('accepted')
      }
    })

    it(`[EVT-SIG-003] ${kind.name} rejects another media type, a parameter or another kind's typ`, async () => {
      for (const typ of [
        `text/${kind.typ}`,
        `application/application/${kind.typ}`,
        `${kind.typ}; v=1`,
        ` ${kind.typ}`,
        `application/${other(kind)}`,
        other(kind).toUpperCase(),
        ['cta', kind.typ],
        null,
      ]) {
        expect(await codeOf(kind.verify(await withTyp(kind, typ))), String(typ)).toBe(
          'ERR_TYP_MISMATCH',
        )
      }
    })
  }
})
