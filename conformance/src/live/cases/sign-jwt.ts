/** The hostile assertions' signer: any header, any claims, any key or none. */
import { CompactSign } from 'jose'
import type { SigningKey } from '@cta-interop/sdk'

/** Signs a JWT payload with a header of the suite's choosing: the hostile assertions. */
export async function signJwt(
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  key: SigningKey | undefined,
): Promise<string> {
  const payload = new TextEncoder().encode(JSON.stringify(claims))
  if (key === undefined) {
    const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url')
    return `${b64(new TextEncoder().encode(JSON.stringify(header)))}.${b64(payload)}.`
  }
  return new CompactSign(payload).setProtectedHeader(header as { alg: string }).sign(key.privateKey)
}
