import { createPublicKey, type KeyObject } from 'node:crypto'
import {
  createEvent,
  generateSigningKey,
  signEvent,
  staticKeyResolver,
  toJwks,
  type SigningKey,
} from '@cta-interop/sdk'

export const SOURCE = 'https://decisions.example'
const GROUP = 'https://decisions.example/g/harbour-commons'

/** A fixed "now", a minute after every generated event. */
export const NOW = new Date('2026-08-20T10:00:00Z')

export interface SignedCorpus {
  readonly key: SigningKey
  readonly publicKey: KeyObject
  readonly resolveKey: ReturnType<typeof staticKeyResolver>
  readonly jws: string[]
  /** Per event: the JWS signing input and the signature bytes, for raw verification. */
  readonly raw: { input: Buffer; signature: Buffer }[]
}

/** Realistic member-joined events, each with its own id and member. */
export function makeEvent(i: number) {
  const member = `https://decisions.example/u/member-${i}`
  return createEvent(
    'tech.collaborative.membership.joined',
    {
      type: 'Accept',
      actor: { id: 'https://decisions.example/u/tomas', type: 'Person', name: 'Tomás' },
      object: { id: member, type: 'Person', name: `Member ${i}` },
      result: {
        id: `${GROUP}/memberships/${i}`,
        type: 'Membership',
        member: { id: member, type: 'Person', name: `Member ${i}` },
        organization: GROUP,
        role: [`${GROUP}/roles/member`],
        coreRole: 'member',
        membershipStatus: 'active',
        startTime: '2026-08-20T09:59:00Z',
      },
      summary: `Member ${i} joined Harbour Commons`,
      published: '2026-08-20T09:59:00Z',
      url: 'https://decisions.example/harbour-commons/members',
      audience: GROUP,
    },
    { source: SOURCE, id: `evt-${String(i).padStart(8, '0')}` },
  )
}

/** Signs `count` events with one Ed25519 key, and keeps what raw verification needs. */
export async function signedCorpus(count: number): Promise<SignedCorpus> {
  const key = await generateSigningKey({ origin: SOURCE })
  const publicKey = createPublicKey({ key: key.publicJwk as never, format: 'jwk' })
  const jws: string[] = []
  const raw: { input: Buffer; signature: Buffer }[] = []
  for (let i = 0; i < count; i++) {
    const token = await signEvent(makeEvent(i), key)
    jws.push(token)
    const last = token.lastIndexOf('.')
    raw.push({
      input: Buffer.from(token.slice(0, last)),
      signature: Buffer.from(token.slice(last + 1), 'base64url'),
    })
  }
  const resolveKey = staticKeyResolver([{ source: SOURCE, jwks: toJwks([key]) }])
  return { key, publicKey, resolveKey, jws, raw }
}
