/**
 * Deliberately broken variants of the SDK adapter, for the suite's mutation checks: each skips
 * one verification step, the way a careless implementation would. A suite whose vectors still all
 * pass against one of these does not test that step.
 */
import { createPublicKey, verify } from 'node:crypto'
import type { ResolvedKey } from '@cta-interop/sdk'
import type { Implementation, TrustedTool } from '../types.js'
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

/** Rewrites the protected header, keeping the original bytes for the signature check. */
function headerRewrite(
  fix: (header: Record<string, unknown>, trust: readonly TrustedTool[]) => void,
): AdapterHooks {
  return {
    rewriteJws(jws, trust) {
      const header = decodeHeader(jws)
      if (header === undefined) return jws
      fix(header, trust)
      const encoded = Buffer.from(JSON.stringify(header)).toString('base64url')
      return `${encoded}${jws.slice(jws.indexOf('.'))}`
    },
    verifyOptions: (original) => ({
      // The header was rewritten: check the signature over the bytes that were actually signed.
      verifySignature: (key: ResolvedKey, _input: Uint8Array, signature: Uint8Array) => {
        const signed = Buffer.from(original.slice(0, original.lastIndexOf('.')))
        const publicKey = createPublicKey({ key: key.key as never, format: 'jwk' })
        const algorithm = key.alg === 'ES256' ? 'sha256' : null
        return Promise.resolve(
          verify(algorithm, signed, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature),
        )
      },
    }),
  }
}

const HOOKS: Record<VerificationStep, AdapterHooks> = {
  signature: { verifyOptions: () => ({ verifySignature: () => Promise.resolve(true) }) },
  typ: headerRewrite((header) => {
    header['typ'] = 'cta-event+jws'
  }),
  alg: headerRewrite((header, trust) => {
    const key = findKey(trust, header['kid'])
    if (key !== undefined) header['alg'] = key['alg']
  }),
  'header-allowlist': headerRewrite((header) => {
    const kept = Object.entries(header).filter(([name]) => ALLOWED.has(name))
    for (const name of Object.keys(header)) Reflect.deleteProperty(header, name)
    Object.assign(header, Object.fromEntries(kept))
  }),
  age: { verifyOptions: () => ({ maxAge: 1e9, clockTolerance: 1e9 }) },
  dedupe: { noDedupe: true },
  schema: { swallow: ['ERR_SCHEMA_INVALID'], acceptAnyDocument: true },
  source: { swallow: ['ERR_SOURCE_MISMATCH'] },
  context: { swallow: ['ERR_JSONLD_UNSAFE', 'ERR_JSONLD_CONTEXT_UNKNOWN'] },
}

/** The SDK adapter with one verification step switched off. */
export function brokenSdkImplementation(step: VerificationStep): Implementation {
  return sdkImplementation(HOOKS[step])
}
