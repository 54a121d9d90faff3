import { webcrypto } from 'node:crypto'
import type { SigningKey } from '@cta-interop/sdk'

const b64 = (text: string): string => Buffer.from(text).toString('base64url')

async function sign(header: string, payload: string, key: SigningKey): Promise<string> {
  const input = `${b64(header)}.${b64(payload)}`
  const signature = await webcrypto.subtle.sign(
    { name: 'Ed25519' },
    key.privateKey,
    Buffer.from(input),
  )
  return `${input}.${Buffer.from(signature).toString('base64url')}`
}

/** Hostile inputs for the reject-hostile benchmark: name, inputs, the code each must get. */
export async function forgeBench(
  key: SigningKey,
  valid: string,
): Promise<[string, string[], string][]> {
  const header = (extra: Record<string, unknown>) =>
    JSON.stringify({ alg: 'EdDSA', kid: key.kid, typ: 'cta-event+jws', ...extra })
  const times = <T>(n: number, make: (i: number) => T): T[] =>
    Array.from({ length: n }, (_, i) => make(i))
  const [h, p, s] = valid.split('.') as [string, string, string]
  const forgedSignature = `${h}.${p}.${s.startsWith('A') ? `B${s.slice(1)}` : `A${s.slice(1)}`}`
  const deep = await sign(header({}), `${'['.repeat(10_000)}${']'.repeat(10_000)}`, key)
  return [
    ['alg none', times(200, () => `${b64(header({ alg: 'none' }))}.${p}.`), 'ERR_ALG_NOT_ALLOWED'],
    [
      'unknown kid flood',
      times(1000, (i) => `${b64(header({ kid: `${key.kid}-unknown-${i}` }))}.${p}.${s}`),
      'ERR_KEY_UNRESOLVED',
    ],
    ['1 MiB body', times(50, () => `${'a'.repeat(1024 * 1024)}.${p}.${s}`), 'ERR_TOO_LARGE'],
    ['depth 10,000 JSON', times(100, () => deep), 'ERR_JSON_INVALID'],
    [
      'wrong typ',
      times(200, () => `${b64(header({ typ: 'cta-membership+jwt' }))}.${p}.${s}`),
      'ERR_TYP_MISMATCH',
    ],
    ['forged signature', times(200, () => forgedSignature), 'ERR_SIGNATURE_INVALID'],
  ]
}
