// A real oidc-provider with the group auth plugin on 127.0.0.1, a member's "browser" that drives
// the authorization code flow through the provider's interaction endpoints, and a relying tool.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import Provider from 'oidc-provider'
import { exportJWK, type JWK } from 'jose'
import {
  createMemoryMembershipStore,
  generateSigningKey,
  staticKeyResolver,
  toJwks,
  type Event,
  type Group,
  type MembershipStore,
  type ResolveKey,
  type SigningKey,
} from '../../src/index.js'
import {
  createGroupAuthority,
  type GroupAuthority,
  type ProviderLike,
} from '../../authority/index.js'

/** The relying tool of these tests (its OAuth client id is its origin). */
export const TOOL = 'https://budgeting.example'
export const TOOL_SECRET = 'budgeting-secret-0123456789abcdef'
export const REDIRECT_URI = `${TOOL}/cta/callback`
/** A second tool, registered with the authority but installed in no group. */
export const STRANGER = 'https://stranger.example'
export const STRANGER_SECRET = 'stranger-secret-0123456789abcdef'

export interface AuthorityHarness {
  readonly issuer: string
  readonly provider: Provider
  readonly authority: GroupAuthority
  readonly store: MembershipStore
  readonly group: Group
  readonly otherGroup: Group
  /** Member IRIs at this authority. */
  readonly members: { readonly aroha: string; readonly tomas: string; readonly mere: string }
  /** The provider's assertion and ID token key. */
  readonly providerKey: SigningKey
  readonly providerJwk: JWK
  /** The authority's event key and a resolver that knows it. */
  readonly eventKey: SigningKey
  readonly resolveEventKey: ResolveKey
  /** Every event the authority emitted, in order. */
  readonly emitted: { jws: string; event: Event }[]
  close(): Promise<void>
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve((server.address() as AddressInfo).port)
    })
  })
}

/** The authority's own login and consent pages, reduced to what a test drives. */
function interactions(provider: Provider, authority: GroupAuthority) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const details = await provider.interactionDetails(req, res)
    if (req.method === 'GET') {
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ uid: details.uid, prompt: details.prompt, params: details.params }))
      return
    }
    if (url.pathname.endsWith('/login')) {
      const accountId = url.searchParams.get('account') ?? ''
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId } },
        {
          mergeWithLastSubmission: false,
        },
      )
      return
    }
    if (url.pathname.endsWith('/abort')) {
      await provider.interactionFinished(req, res, {
        error: 'access_denied',
        error_description: 'the member declined',
      })
      return
    }
    await provider.interactionFinished(
      req,
      res,
      await authority.consent(provider as unknown as ProviderLike, details),
      {
        mergeWithLastSubmission: true,
      },
    )
  }
}

/** Options of {@link startAuthority}. */
export interface AuthorityHarnessOptions {
  readonly now?: () => Date
  readonly assertionLifetime?: number
  /**
   * How the provider's private key becomes a JWK: `jose` (its `exportJWK`, which drops `key_ops`
   * and `ext`, the default) or `webcrypto` (`crypto.subtle.exportKey`, which keeps them).
   */
  readonly exportKey?: 'jose' | 'webcrypto'
  /** The plugin's install options (sdk/test/authority/install.test.ts). */
  readonly install?: import('../../authority/index.js').InstallOptions
}

/** Starts an authority: a real oidc-provider with the plugin, one group, three members. */
export async function startAuthority(
  harnessOptions: AuthorityHarnessOptions = {},
): Promise<AuthorityHarness> {
  const { exportKey = 'jose', ...options } = harnessOptions
  let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.statusCode = 503
    res.end()
  }
  const server = createServer((req, res) => {
    handle(req, res)
  })
  const port = await listen(server)
  const issuer = `http://127.0.0.1:${port}`

  const providerKey = await generateSigningKey({ kid: 'authority-2026', extractable: true })
  const exported =
    exportKey === 'jose'
      ? await exportJWK(providerKey.privateKey)
      : ((await crypto.subtle.exportKey('jwk', providerKey.privateKey)) as JWK)
  const providerJwk: JWK = {
    ...exported,
    kid: providerKey.kid,
    alg: 'EdDSA',
    use: 'sig',
  }
  const eventKey = await generateSigningKey({ origin: issuer })
  const resolveEventKey = staticKeyResolver([{ source: issuer, jwks: toJwks([eventKey]) }])
  const store = createMemoryMembershipStore()
  const emitted: { jws: string; event: Event }[] = []
  const authority = await createGroupAuthority({
    store,
    jwks: { keys: [providerJwk] },
    events: {
      source: issuer,
      key: eventKey,
      emit: (jws, event) => {
        emitted.push({ jws, event })
      },
    },
    pageSize: 2,
    ...options,
  })

  const client = (id: string, secret: string) => ({
    client_id: id,
    client_secret: secret,
    redirect_uris: [`${id}/cta/callback`],
    grant_types: [
      'authorization_code',
      'client_credentials',
      'urn:ietf:params:oauth:grant-type:token-exchange',
    ],
    response_types: ['code'],
    scope: 'openid profile cta:membership cta:roster',
  })
  const provider = new Provider(
    issuer,
    authority.configuration({
      clients: [client(TOOL, TOOL_SECRET), client(STRANGER, STRANGER_SECRET)],
      cookies: { keys: ['a-cookie-signing-key-for-tests-only'] },
      interactions: {
        url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}`,
      },
      ttl: {
        AccessToken: 3600,
        AuthorizationCode: 60,
        IdToken: 3600,
        Interaction: 600,
        Session: 3600,
        Grant: 3600,
        ClientCredentials: 600,
      },
    }),
  )
  // oidc-provider is untyped: the plugin takes it structurally.
  authority.mount(provider as unknown as ProviderLike)
  const callback = provider.callback()
  const interact = interactions(provider, authority)
  handle = (req, res) => {
    if (req.url?.startsWith('/interaction/') === true) {
      interact(req, res).catch((err: unknown) => {
        res.statusCode = 500
        res.end(String(err))
      })
    } else {
      callback(req, res)
    }
  }

  const groupOf = (slug: string, name: string): Group => ({
    '@context': ['https://www.w3.org/ns/activitystreams', 'https://w3id.org/cta/v1'],
    id: `${issuer}/g/${slug}`,
    type: 'Group',
    name,
    authority: issuer,
    joinPolicy: 'approval',
    visibility: 'public',
    rosterVisibility: 'members',
    memberships: `${issuer}/g/${slug}/memberships`,
    tools: `${issuer}/g/${slug}/tools`,
  })
  const group = groupOf('harbour-commons', 'Harbour Commons')
  const otherGroup = groupOf('night-market', 'Night Market')
  await store.putGroup(group)
  await store.putGroup(otherGroup)
  const members = {
    aroha: `${issuer}/u/aroha`,
    tomas: `${issuer}/u/tomas`,
    mere: `${issuer}/u/mere`,
  }
  const { registry } = authority
  const role = (g: Group, name: string): string => `${g.id}/roles/${name}`
  await registry.join(
    group.id,
    { id: members.aroha, type: 'Person', name: 'Aroha' },
    {
      role: [role(group, 'member')],
      coreRole: 'member',
    },
  )
  await registry.join(
    group.id,
    { id: members.tomas, type: 'Person', name: 'Tomás' },
    {
      role: [role(group, 'coordinator')],
      coreRole: 'admin',
    },
  )
  await registry.join(
    otherGroup.id,
    { id: members.aroha, type: 'Person', name: 'Aroha' },
    {
      role: [role(otherGroup, 'member')],
      coreRole: 'member',
    },
  )
  await registry.join(
    otherGroup.id,
    { id: members.mere, type: 'Person', name: 'Mere' },
    {
      role: [role(otherGroup, 'member')],
      coreRole: 'member',
    },
  )
  for (const g of [group, otherGroup]) {
    await registry.connectTool({
      id: `${g.id}/tools/budgeting`,
      organization: g.id,
      tool: TOOL,
      scopes: ['cta:membership', 'cta:roster'],
    })
  }

  return {
    issuer,
    provider,
    authority,
    store,
    group,
    otherGroup,
    members,
    providerKey,
    providerJwk,
    eventKey,
    resolveEventKey,
    emitted,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => {
          resolve()
        })
      }),
  }
}

/**
 * A member's browser: follows redirects with cookies through the provider and its interaction
 * pages, signs in as `account` and answers the consent prompt, and stops at the redirect back to
 * the tool, returning that URL (with `code`, `state` and `iss`, or an `error`).
 */
export async function signInAs(
  authorizationUrl: string,
  account: string,
  options: { consent?: 'grant' | 'abort' } = {},
): Promise<string> {
  const jar = new Map<string, string>()
  const origin = new URL(authorizationUrl).origin
  const send = async (method: string, url: string): Promise<Response> => {
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ')
    const response = await fetch(url, {
      method,
      redirect: 'manual',
      headers: cookie === '' ? {} : { cookie },
    })
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';')
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) jar.delete(name)
      else jar.set(name, value)
    }
    return response
  }
  let url = authorizationUrl
  let method = 'GET'
  for (let hops = 0; hops < 20; hops++) {
    const response = await send(method, url)
    method = 'GET'
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel()
      const next = new URL(response.headers.get('location') ?? '', url).href
      if (!next.startsWith(origin)) return next
      url = next
      continue
    }
    if (response.status !== 200 || !url.includes('/interaction/')) {
      throw new Error(`unexpected ${response.status} at ${url}: ${await response.text()}`)
    }
    const page = (await response.json()) as { uid: string; prompt: { name: string } }
    const base = `${origin}/interaction/${page.uid}`
    method = 'POST'
    if (page.prompt.name === 'login') url = `${base}/login?account=${encodeURIComponent(account)}`
    else url = options.consent === 'abort' ? `${base}/abort` : `${base}/confirm`
  }
  throw new Error('too many redirects')
}
