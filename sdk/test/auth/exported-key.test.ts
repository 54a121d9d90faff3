// The authority's key as Web Crypto exports it: `crypto.subtle.exportKey('jwk', …)` keeps
// `key_ops: ['sign']` and `ext`, which the public key the provider serves must not carry, or a
// relying tool cannot import it to verify ID tokens and assertions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  discoverAuthority,
  exchangeForAssertion,
  finishSignIn,
  startSignIn,
  type DiscoveredAuthority,
} from '../../src/index.js'
import {
  REDIRECT_URI,
  TOOL,
  TOOL_SECRET,
  signInAs,
  startAuthority,
  type AuthorityHarness,
} from './support.js'

let h: AuthorityHarness
let authority: DiscoveredAuthority

beforeAll(async () => {
  h = await startAuthority({ exportKey: 'webcrypto' })
  authority = await discoverAuthority(h.group, {
    clientId: TOOL,
    clientSecret: TOOL_SECRET,
    allowHttp: true,
    allowPrivateNetwork: true,
  })
})
afterAll(async () => {
  await h.close()
})

describe('an authority whose provider key was exported with key_ops', () => {
  it('really was given key_ops and ext', () => {
    expect(h.providerJwk.key_ops).toEqual(['sign'])
    expect(h.providerJwk.ext).toBe(true)
  })

  it('signs a member in and exchanges the access token for a membership assertion', async () => {
    const { url, pending } = await startSignIn(authority, { redirectUri: REDIRECT_URI })
    const signedIn = await finishSignIn(authority, await signInAs(url, h.members.aroha), pending)
    expect(signedIn.claims.sub).toBe(h.members.aroha)
    const { claims } = await exchangeForAssertion(authority, signedIn.accessToken)
    expect(claims).toMatchObject({
      iss: h.issuer,
      sub: h.members.aroha,
      aud: TOOL,
      groups: [h.group.id],
      roles: ['member'],
    })
  })

  it('serves public keys without key_ops or ext', async () => {
    const jwksUri = authority.configuration.serverMetadata().jwks_uri ?? ''
    const { keys } = (await (await fetch(jwksUri)).json()) as {
      keys: Record<string, unknown>[]
    }
    expect(keys.length).toBeGreaterThan(0)
    for (const key of keys) {
      expect(key).not.toHaveProperty('key_ops')
      expect(key).not.toHaveProperty('ext')
      expect(key).not.toHaveProperty('d')
    }
  })
})
