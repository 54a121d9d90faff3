/**
 * Deliberately broken variants of the SDK adapter, for the suite's mutation checks: each skips
 * one verification step, the way a careless implementation would. A suite whose vectors still all
 * pass against one of these does not test that step.
 */
import { createPublicKey, verify } from 'node:crypto'
import {
  computeRound,
  tallyPoll,
  type DedupeStore,
  type Poll,
  type ResolvedKey,
  type SignatureVerifier,
  type Stance,
} from '@cta-interop/sdk'
import type {
  ComputeAmountInput,
  ComputeRoundInput,
  Implementation,
  TallyPollInput,
  TrustedTool,
} from '../types.js'
import { sdkImplementation, type AdapterHooks } from './sdk.js'

/** The verification steps that can be switched off. */
export const VERIFICATION_STEPS = [
  'signature',
  'typ',
  'alg',
  'header-allowlist',
  'age',
  'dedupe',
  'schema',
  'source',
  'context',
  'assertion-signature',
  'assertion-typ',
  'assertion-alg',
  'assertion-header-allowlist',
  'assertion-issuer',
  'assertion-audience',
  'assertion-group',
  'assertion-status',
  'assertion-lifetime',
  'assertion-expiry',
  'assertion-replay',
  'amount-exact',
  'match-visibility',
  'proposal-expiry',
  'subscription-signature',
  'subscription-typ',
  'subscription-alg',
  'subscription-header-allowlist',
  'subscription-audience',
  'subscription-sink',
  'subscription-age',
  'subscription-replay',
  'request-token-signature',
  'request-token-typ',
  'request-token-alg',
  'request-token-header-allowlist',
  'request-token-method',
  'request-token-url',
  'request-token-age',
  'request-token-replay',
  'stance-rules',
  'proposal-block',
  'decision-privacy',
  'budget-balance',
  'budget-refunds',
] as const
export type VerificationStep = (typeof VERIFICATION_STEPS)[number]

const ALLOWED = new Set(['alg', 'kid', 'typ'])

function decodeHeader(jws: string): Record<string, unknown> | undefined {
  try {
    const header = JSON.parse(
      Buffer.from(jws.split('.')[0] ?? '', 'base64url').toString('utf8'),
    ) as unknown
    return typeof header === 'object' && header !== null && !Array.isArray(header)
      ? (header as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

function findKey(trust: readonly TrustedTool[], kid: unknown): Record<string, unknown> | undefined {
  for (const tool of trust) {
    const key = tool.jwks.keys.find((k) => k['kid'] === kid)
    if (key !== undefined) return key
  }
  return undefined
}

/** Checks a signature over the bytes that were signed, not the rewritten ones. */
function originalSignature(original: string): SignatureVerifier {
  return (key: ResolvedKey, _input: Uint8Array, signature: Uint8Array) => {
    const signed = Buffer.from(original.slice(0, original.lastIndexOf('.')))
    const publicKey = createPublicKey({ key: key.key as never, format: 'jwk' })
    const algorithm = key.alg === 'ES256' ? 'sha256' : null
    return Promise.resolve(
      verify(algorithm, signed, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature),
    )
  }
}

function rewriteHeader(
  jws: string,
  trust: readonly TrustedTool[],
  fix: (header: Record<string, unknown>, trust: readonly TrustedTool[]) => void,
): string {
  const header = decodeHeader(jws)
  if (header === undefined) return jws
  fix(header, trust)
  const encoded = Buffer.from(JSON.stringify(header)).toString('base64url')
  return `${encoded}${jws.slice(jws.indexOf('.'))}`
}

/**
 * Rewrites the protected header of one kind of token, keeping the original bytes for the
 * signature check (through the verifier's `verifySignature` hook).
 */
function headerRewrite(
  fix: (header: Record<string, unknown>, trust: readonly TrustedTool[]) => void,
  scope: 'events' | 'assertions' | 'subscriptions' | 'request-tokens',
): AdapterHooks {
  const rewrite = (jws: string, trust: readonly TrustedTool[]): string =>
    rewriteHeader(jws, trust, fix)
  const original = (jws: string) => ({ verifySignature: originalSignature(jws) })
  switch (scope) {
    case 'events':
      return { rewriteJws: rewrite, verifyOptions: original }
    case 'assertions':
      return { rewriteToken: rewrite, assertionOptions: original }
    case 'subscriptions':
      return { rewriteSubscription: rewrite, subscriptionOptions: original }
    case 'request-tokens':
      return { rewriteRequestToken: rewrite, requestTokenOptions: original }
  }
}

/** Every signature verifies. */
const ANY_SIGNATURE = { verifySignature: () => Promise.resolve(true) }

/** The claims of a token, decoded without any check, or `{}`. */
function claimsOf(token: string): Record<string, unknown> {
  try {
    const claims = JSON.parse(
      Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'),
    ) as unknown
    return typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}

/** Amounts through binary floating point, as a careless implementation computes them. */
function floatAmount(input: ComputeAmountInput): string | number | undefined {
  const a = Number(input.a)
  const b = Number(input.b)
  switch (input.op) {
    case 'add':
      return String(a + b)
    case 'multiply':
      return String(a * b)
    case 'compare':
      return Math.sign(a - b)
    default:
      return undefined
  }
}

/** A replay memory that remembers nothing: every `jti` is new. */
const FORGETFUL: DedupeStore = {
  claim: () => Promise.resolve(true),
  release: () => Promise.resolve(),
}

/** A token's claim as a string, or `undefined`. */
function claim(token: string, name: string): string | undefined {
  const value = claimsOf(token)[name]
  return typeof value === 'string' ? value : undefined
}

/** The key of the same `kid` decides the algorithm, as if the header named none. */
function keyAlg(header: Record<string, unknown>, trust: readonly TrustedTool[]): void {
  const key = findKey(trust, header['kid'])
  if (key !== undefined) header['alg'] = key['alg']
}

/** The header claims the expected `typ`, whatever it said. */
const typOf =
  (typ: string) =>
  (header: Record<string, unknown>): void => {
    header['typ'] = typ
  }

/** Only `alg`, `kid` and `typ` are kept, as if the others were never there. */
function allowedOnly(header: Record<string, unknown>): void {
  const kept = Object.entries(header).filter(([name]) => ALLOWED.has(name))
  for (const name of Object.keys(header)) Reflect.deleteProperty(header, name)
  Object.assign(header, Object.fromEntries(kept))
}

// The steps without a prefix concern events (and documents); the `assertion-` ones membership
// assertions; the `subscription-` and `request-token-` ones the signed requests of delivery; the
// others intents.
const HOOKS: Record<VerificationStep, AdapterHooks> = {
  signature: { verifyOptions: () => ({ verifySignature: () => Promise.resolve(true) }) },
  typ: headerRewrite(typOf('cta-event+jws'), 'events'),
  alg: headerRewrite(keyAlg, 'events'),
  'header-allowlist': headerRewrite(allowedOnly, 'events'),
  age: { verifyOptions: () => ({ maxAge: 1e9, clockTolerance: 1e9 }) },
  dedupe: { noDedupe: true },
  schema: { swallow: ['ERR_SCHEMA_INVALID'], acceptAnyDocument: true },
  source: { swallow: ['ERR_SOURCE_MISMATCH'] },
  context: { swallow: ['ERR_JSONLD_UNSAFE', 'ERR_JSONLD_CONTEXT_UNKNOWN'] },
  'assertion-signature': {
    assertionOptions: () => ({ verifySignature: () => Promise.resolve(true) }),
  },
  'assertion-typ': headerRewrite(typOf('cta-membership+jwt'), 'assertions'),
  'assertion-alg': headerRewrite(keyAlg, 'assertions'),
  'assertion-header-allowlist': headerRewrite(allowedOnly, 'assertions'),
  // Each of these takes what the token claims as what the tool expects.
  'assertion-issuer': {
    assertionOptions: (token, input) => {
      const { iss } = claimsOf(token)
      // A fresh JWKS object: the SDK caches a resolver per JWKS, bound to the authority.
      const jwks = { keys: input.authority.jwks.keys } as never
      return typeof iss === 'string' ? { authority: iss, jwks } : {}
    },
  },
  'assertion-audience': {
    assertionOptions: (token) => {
      const { aud } = claimsOf(token)
      return typeof aud === 'string' ? { audience: aud } : {}
    },
  },
  'assertion-group': {
    assertionOptions: (token) => {
      const { groups } = claimsOf(token)
      return Array.isArray(groups) && typeof groups[0] === 'string' ? { group: groups[0] } : {}
    },
  },
  // The SDK refuses options wider than the spec allows, so these ignore the check's code instead.
  'assertion-status': { swallow: ['ERR_MEMBERSHIP_ENDED'] },
  'assertion-lifetime': { swallow: ['ERR_ASSERTION_LIFETIME'] },
  'assertion-expiry': { swallow: ['ERR_ASSERTION_EXPIRED'] },
  'assertion-replay': { noReplay: true },
  'amount-exact': { computeAmount: floatAmount },
  'match-visibility': { matcherOptions: { canSee: () => true } },
  'proposal-expiry': { matcherOptions: { now: () => 0 } },
  'subscription-signature': { subscriptionOptions: () => ANY_SIGNATURE },
  'subscription-typ': headerRewrite(typOf('cta-subscription+jws'), 'subscriptions'),
  'subscription-alg': headerRewrite(keyAlg, 'subscriptions'),
  'subscription-header-allowlist': headerRewrite(allowedOnly, 'subscriptions'),
  // Takes the request's aud as this producer's origin.
  'subscription-audience': {
    subscriptionOptions: (jws) => {
      const aud = claim(jws, 'aud')
      return aud === undefined ? {} : { audience: aud }
    },
  },
  // Takes the sink's origin for the subscriber's, so any sink passes the comparison.
  'subscription-sink': {
    subscriptionOptions: (jws, options) => {
      const sink = claim(jws, 'sink')
      if (sink === undefined || !URL.canParse(sink)) return {}
      return {
        resolveKey: async (kid) => {
          const key = await options.resolveKey(kid)
          return key === undefined ? undefined : { ...key, source: new URL(sink).origin }
        },
      }
    },
  },
  'subscription-age': { subscriptionOptions: () => ({ maxAge: 1e9, clockTolerance: 1e9 }) },
  'subscription-replay': { subscriptionOptions: () => ({ replay: FORGETFUL }) },
  'request-token-signature': { requestTokenOptions: () => ANY_SIGNATURE },
  'request-token-typ': headerRewrite(typOf('cta-request+jws'), 'request-tokens'),
  'request-token-alg': headerRewrite(keyAlg, 'request-tokens'),
  'request-token-header-allowlist': headerRewrite(allowedOnly, 'request-tokens'),
  // Each of these takes what the token claims as the request it authenticates.
  'request-token-method': {
    tokenRequest: ({ token, method, url }) => ({ method: claim(token, 'htm') ?? method, url }),
  },
  'request-token-url': {
    tokenRequest: ({ token, method, url }) => {
      const htu = claim(token, 'htu')
      return { method, url: htu !== undefined && URL.canParse(htu) ? htu : url }
    },
  },
  'request-token-age': { requestTokenOptions: () => ({ maxAge: 1e9, clockTolerance: 1e9 }) },
  'request-token-replay': { requestTokenOptions: () => ({ replay: FORGETFUL }) },
  'stance-rules': { tallyPoll: tallyOverGoodStances },
  'proposal-block': { tallyPoll: tallyIgnoringBlock },
  'decision-privacy': { skipDecisionPrivacy: true },
  'budget-balance': { computeRound: roundWithoutBalances },
  'budget-refunds': { computeRound: roundWithoutRefunds },
}

/** A tally over the stances that pass on their own: the bad ones dropped instead of refused. */
function tallyOverGoodStances({ poll, stances }: TallyPollInput): unknown {
  const good = (stances as Stance[]).filter((stance) => {
    try {
      tallyPoll(poll as Poll, [stance])
      return true
    } catch {
      return false
    }
  })
  return tallyPoll(poll as Poll, good)
}

/** A proposal's tally that counts a block as a disagreement, not as a stop. */
function tallyIgnoringBlock({ poll, stances }: TallyPollInput): unknown {
  const tally = tallyPoll(poll as Poll, stances as Stance[])
  if (tally.decision !== 'blocked') return tally
  const option = (position: string) => (poll as Poll).oneOf?.find((o) => o.position === position)
  const votes = (position: string) =>
    tally.options.find((l) => l.option === option(position)?.id)?.votes ?? 0
  const against = votes('disagree') + votes('block')
  const decision =
    votes('agree') > against ? 'agreed' : votes('agree') < against ? 'disagreed' : 'tied'
  return { ...tally, decision }
}

/**
 * A round computed as if every contributor had been allocated more than anyone contributes: no
 * contribution is ever refused for its member's balance.
 */
function roundWithoutBalances(input: ComputeRoundInput): Record<string, unknown> | undefined {
  const round = input.round as { id?: unknown; audience?: unknown }
  const members = new Set(
    (input.contributions as { provider?: unknown }[])
      .map((c) => c.provider)
      .filter((p) => typeof p === 'string'),
  )
  const plenty = [...members].map((member, i) => ({
    '@context': ['https://www.w3.org/ns/activitystreams', 'https://w3id.org/cta/v1'],
    id: `https://broken.example/allocations/${i}`,
    type: 'Allocation',
    inScopeOf: round.id,
    audience: round.audience,
    receiver: member,
    resourceQuantity: { hasUnit: 'one', hasNumericalValue: '1000000000000' },
    published: '1970-01-01T00:00:00Z',
  }))
  return { ...computeRound({ ...input, allocations: [...input.allocations, ...plenty] } as never) }
}

/** A round in which a cancelled bucket keeps its contributions, as if it were completed. */
function roundWithoutRefunds(input: ComputeRoundInput): Record<string, unknown> | undefined {
  const buckets = (input.buckets as { bucketStatus?: unknown }[]).map((b) =>
    b.bucketStatus === 'cancelled' ? { ...b, bucketStatus: 'completed' } : b,
  )
  return { ...computeRound({ ...input, buckets } as never) }
}

/** The SDK adapter with one verification step switched off. */
export function brokenSdkImplementation(step: VerificationStep): Implementation {
  return sdkImplementation(HOOKS[step])
}
