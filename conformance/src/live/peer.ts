/**
 * The suite's side of a live run: a tool of its own on 127.0.0.1 (manifest, keys, an inbox that
 * records every delivery and can answer 503 on purpose) and, when a relying tool is under test, a
 * group authority (a real `oidc-provider` with the SDK's group auth plugin) whose login completes
 * as whichever member a case arms, and whose token endpoint can hand out mutated assertions.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { randomBytes } from 'node:crypto'
import Provider, { type GrantHandler } from 'oidc-provider'
import { CompactSign, exportJWK, type JWK } from 'jose'
import {
  TOOL_MANIFEST_PATH,
  createMemoryMembershipStore,
  createToolManifest,
  generateSigningKey,
  toJwks,
  type Event,
  type Group,
  type SigningKey,
  type ToolManifest,
} from '@cta-interop/sdk'
import { toNodeListener } from '@cta-interop/sdk/node'
import {
  createGroupAuthority,
  type GroupAuthority,
  type ProviderLike,
} from '@cta-interop/sdk/authority'
import { headersOf, type Wire } from './wire.js'

/** One request that reached the suite's inbox. */
export interface Delivery {
  readonly method: string
  readonly contentType: string | null
  readonly body: string
  /** What the suite answered. */
  readonly status: number
  readonly at: number
}

/** The suite's own tool. */
export interface PeerTool {
  readonly origin: string
  readonly key: SigningKey
  readonly manifest: ToolManifest
  /** Requests to `/cta/inbox` (not handshakes), oldest first. */
  readonly deliveries: Delivery[]
  /** Handshakes (`OPTIONS`) received, by requesting origin. */
  readonly handshakes: string[]
  /**
   * Answer the next `count` deliveries with `status` and `Retry-After: <retryAfter>` (and a 3xx
   * with `Location: <origin>/cta/moved`, which answers 202 and counts in {@link PeerTool.moved}).
   */
  failNext(count: number, status?: number, retryAfter?: string): void
  /** Requests that followed a redirect to `/cta/moved`, by method. */
  readonly moved: string[]
  close(): Promise<void>
}

/** The suite as a group authority, for relying tools. */
export interface PeerAuthority {
  readonly issuer: string
  readonly group: Group
  readonly authority: GroupAuthority
  /** The provider's assertion key (to sign mutated assertions with). */
  readonly providerKey: SigningKey
  /** The client secret the tool under test was registered with (for sessions in other groups). */
  readonly clientSecret: string
  /** Adds another group this authority holds, with the tool under test installed in it. */
  addGroup(slug: string): Promise<Group>
  /** Adds an active member (of `group`, default {@link PeerAuthority.group}); returns their IRI. */
  addMember(name: string, group?: string): Promise<string>
  /** The next login interaction completes as this member, with consent. */
  armSignIn(member: string): void
  /** The next token exchange answers with this assertion instead (a mutation). */
  mutateNextAssertion(mutate: ((assertion: string) => Promise<string>) | undefined): void
  /** The next authorization code grant answers with this ID token instead (a mutation). */
  mutateNextIdToken(mutate: ((idToken: string) => Promise<string>) | undefined): void
  /** Members whose login completed at the authority, in order. */
  readonly loggedIn: readonly string[]
  /** Token exchanges the authority answered, by the member the assertion is about. */
  readonly exchanges: readonly { readonly member: string; readonly mutated: boolean }[]
  /** When the authority refused a token exchange (an OAuth error), in ms since the epoch. */
  readonly refusedExchanges: readonly number[]
  /**
   * Every assertion about `member` states this re-check period (`cta_recheck`, seconds) from now
   * on; `undefined` states none again (AUTH-END-004).
   */
  statePeriod(member: string, seconds: number | undefined): void
  /**
   * While `down`, every request to the authority (discovery, keys, token endpoint, groups and
   * rosters) is answered `503` with `Retry-After`: the authority cannot be reached.
   */
  setDown(down: boolean): void
  /** Events the authority emitted (membership changes), signed. */
  readonly emitted: { readonly jws: string; readonly event: Event }[]
}

interface Listening {
  readonly origin: string
  handle(listener: (req: IncomingMessage, res: ServerResponse) => void): void
  close(): Promise<void>
}

async function listen(): Promise<Listening> {
  let listener = (_req: IncomingMessage, res: ServerResponse): void => {
    res.statusCode = 503
    res.end()
  }
  const server = createServer((req, res) => {
    listener(req, res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    origin: `http://127.0.0.1:${port}`,
    handle(l) {
      listener = l
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => {
          resolve()
        })
      }),
  }
}

const json = (body: unknown): Response =>
  new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } })

/**
 * Starts the suite's tool, and with `authority` also a group authority on the same origin (its
 * issuer is the tool's origin, so its events are signed by the tool's key).
 */
export async function startPeer(options: {
  readonly name: string
  readonly wire: Wire
  /** The tool under test: the only origin whose handshake the inbox accepts. */
  readonly sut: string
  /** Start a group authority for a relying tool (its client secret and redirect URI). */
  readonly authority?: { readonly clientSecret: string; readonly redirectUri: string }
}): Promise<PeerTool & { readonly authority?: PeerAuthority }> {
  const server = await listen()
  const { origin } = server
  const key = await generateSigningKey({ origin })
  const manifest = createToolManifest({
    id: origin,
    name: options.name,
    jwks_uri: `${origin}/.well-known/jwks.json`,
    inbox: `${origin}/cta/inbox`,
    emits: ['tech.collaborative.membership.removed', 'tech.collaborative.proposal.published'],
    consumes: ['tech.*', 'example.*'],
    profiles: ['core', 'emitter', 'receiver'],
  })
  const deliveries: Delivery[] = []
  const handshakes: string[] = []
  const failures: { status: number; retryAfter: string }[] = []
  const moved: string[] = []

  const toolHandler = async (request: Request): Promise<Response | undefined> => {
    const path = new URL(request.url).pathname
    if (path === TOOL_MANIFEST_PATH) return json(manifest)
    if (path === '/.well-known/jwks.json') return json(toJwks([key]))
    if (path === '/cta/moved') {
      moved.push(request.method)
      return new Response(null, { status: 202 })
    }
    if (path !== '/cta/inbox') return undefined
    if (request.method === 'OPTIONS') {
      const from = request.headers.get('webhook-request-origin') ?? ''
      handshakes.push(from)
      const allowed = from === options.sut
      options.wire.record({
        direction: 'in',
        method: 'OPTIONS',
        url: request.url,
        requestHeaders: headersOf(request.headers),
        status: allowed ? 200 : 401,
        at: new Date().toISOString(),
      })
      return allowed
        ? new Response(null, { status: 200, headers: { 'webhook-allowed-origin': from } })
        : new Response(null, { status: 401 })
    }
    const body = await request.text()
    const failure = failures.shift()
    const status = failure?.status ?? 202
    deliveries.push({
      method: request.method,
      contentType: request.headers.get('content-type'),
      body,
      status,
      at: Date.now(),
    })
    options.wire.record({
      direction: 'in',
      method: request.method,
      url: request.url,
      requestHeaders: headersOf(request.headers),
      requestBody: body,
      status,
      at: new Date().toISOString(),
    })
    return failure === undefined
      ? new Response(JSON.stringify({ status: 'accepted' }), {
          status: 202,
          headers: { 'content-type': 'application/json' },
        })
      : new Response(null, {
          status,
          headers: {
            'retry-after': failure.retryAfter,
            ...(status >= 300 && status < 400 ? { location: `${origin}/cta/moved` } : {}),
          },
        })
  }
  const tool: PeerTool = {
    origin,
    key,
    manifest,
    deliveries,
    handshakes,
    moved,
    failNext(count, status = 503, retryAfter = '1') {
      for (let i = 0; i < count; i++) failures.push({ status, retryAfter })
    },
    close: () => server.close(),
  }

  if (options.authority === undefined) {
    const listener = toNodeListener(
      async (request) => (await toolHandler(request)) ?? new Response('not found', { status: 404 }),
    )
    server.handle(listener)
    return tool
  }
  const authority = await startAuthority(origin, key, options.sut, options.authority)
  const toolListener = toNodeListener(
    async (request) => (await toolHandler(request)) ?? new Response('not found', { status: 404 }),
  )
  server.handle((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/'
    if (
      path === TOOL_MANIFEST_PATH ||
      path === '/.well-known/jwks.json' ||
      path === '/cta/inbox' ||
      path === '/cta/moved'
    ) {
      toolListener(req, res)
    } else {
      authority.listener(req, res)
    }
  })
  return { ...tool, authority: authority.peer }
}

async function startAuthority(
  issuer: string,
  eventKey: SigningKey,
  sut: string,
  client: { readonly clientSecret: string; readonly redirectUri: string },
): Promise<{ peer: PeerAuthority; listener: (req: IncomingMessage, res: ServerResponse) => void }> {
  const providerKey = await generateSigningKey({
    kid: `suite-authority-${randomBytes(4).toString('hex')}`,
    extractable: true,
  })
  const providerJwk: JWK = {
    ...(await exportJWK(providerKey.privateKey)),
    kid: providerKey.kid,
    alg: 'EdDSA',
    use: 'sig',
  }
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
  })
  const provider = new Provider(
    issuer,
    authority.configuration({
      clients: [
        {
          client_id: sut,
          client_secret: client.clientSecret,
          redirect_uris: [client.redirectUri],
          grant_types: [
            'authorization_code',
            'client_credentials',
            'urn:ietf:params:oauth:grant-type:token-exchange',
          ],
          response_types: ['code'],
          scope: 'openid profile cta:membership cta:roster',
          // ID tokens from the suite's own EdDSA key, which the hostile sign-in cases re-sign
          // (RS256 is the authority's default for clients that register no algorithm).
          id_token_signed_response_alg: 'EdDSA',
        },
      ],
      cookies: { keys: [randomBytes(32).toString('hex')] },
      interactions: {
        url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}`,
      },
    }),
  )
  // Swap in a token exchange that can mutate the assertion it issues, for the hostile cases.
  let mutate: ((assertion: string) => Promise<string>) | undefined
  const exchanges: { member: string; mutated: boolean }[] = []
  const refusedExchanges: number[] = []
  const periods = new Map<string, number>()
  let down = false
  /** Signs the assertion's claims again, with `cta_recheck` stated for its member. */
  const withPeriod = async (assertion: string, seconds: number): Promise<string> => {
    const [header = '', payload = ''] = assertion.split('.')
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as object
    return new CompactSign(
      new TextEncoder().encode(JSON.stringify({ ...claims, cta_recheck: seconds })),
    )
      .setProtectedHeader(
        JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg: string },
      )
      .sign(providerKey.privateKey)
  }
  const loggedIn: string[] = []
  const register = provider.registerGrantType.bind(provider)
  provider.registerGrantType = (name: string, handler: GrantHandler, ...rest: unknown[]) => {
    register(
      name,
      async (ctx, next) => {
        try {
          await handler(ctx, next)
        } catch (err) {
          if (name === 'urn:ietf:params:oauth:grant-type:token-exchange') {
            refusedExchanges.push(Date.now())
          }
          throw err
        }
        const body = ctx.body as { access_token?: string } | undefined
        const m = mutate
        mutate = undefined
        if (typeof body?.access_token !== 'string') return
        const claims = JSON.parse(
          Buffer.from(body.access_token.split('.')[1] ?? '', 'base64url').toString('utf8'),
        ) as { sub?: string }
        exchanges.push({ member: claims.sub ?? '', mutated: m !== undefined })
        const period = periods.get(claims.sub ?? '')
        const stated =
          period === undefined ? body.access_token : await withPeriod(body.access_token, period)
        if (m !== undefined || period !== undefined) {
          ctx.body = { ...body, access_token: m === undefined ? stated : await m(stated) }
        }
      },
      ...rest,
    )
  }
  authority.mount(provider as unknown as ProviderLike)
  // The ID token of the next authorization code grant can be mutated too (AUTH-SIN-004).
  let mutateIdToken: ((idToken: string) => Promise<string>) | undefined
  ;(provider as unknown as ProviderLike).use(async (ctx, next) => {
    await next()
    const body = ctx.body as { id_token?: unknown } | undefined
    const m = mutateIdToken
    if (ctx.path !== '/token' || typeof body?.id_token !== 'string' || m === undefined) return
    mutateIdToken = undefined
    ctx.body = { ...body, id_token: await m(body.id_token) }
  })
  const group: Group = {
    '@context': ['https://www.w3.org/ns/activitystreams', 'https://w3id.org/cta/v1'],
    id: `${issuer}/g/conformance`,
    type: 'Group',
    name: 'Conformance circle',
    authority: issuer,
    joinPolicy: 'approval',
    visibility: 'public',
    rosterVisibility: 'members',
    memberships: `${issuer}/g/conformance/memberships`,
    tools: `${issuer}/g/conformance/tools`,
  }
  await store.putGroup(group)
  await authority.registry.connectTool({
    id: `${group.id}/tools/sut`,
    organization: group.id,
    tool: sut,
    scopes: ['cta:membership', 'cta:roster'],
  })
  const addGroup = async (slug: string): Promise<Group> => {
    const other: Group = {
      ...group,
      id: `${issuer}/g/${slug}`,
      name: `Conformance circle ${slug}`,
      memberships: `${issuer}/g/${slug}/memberships`,
      tools: `${issuer}/g/${slug}/tools`,
    }
    await store.putGroup(other)
    await authority.registry.connectTool({
      id: `${other.id}/tools/sut`,
      organization: other.id,
      tool: sut,
      scopes: ['cta:membership', 'cta:roster'],
    })
    return other
  }
  let armed: string | undefined
  let counter = 0
  const callback = provider.callback()
  const interact = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const details = await provider.interactionDetails(req, res)
    if (details.prompt.name === 'login') {
      if (armed === undefined) {
        await provider.interactionFinished(req, res, {
          error: 'access_denied',
          error_description: 'no member is signing in',
        })
        return
      }
      loggedIn.push(armed)
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: armed } },
        { mergeWithLastSubmission: false },
      )
      return
    }
    await provider.interactionFinished(
      req,
      res,
      await authority.consent(provider as unknown as ProviderLike, details),
      { mergeWithLastSubmission: true },
    )
  }
  return {
    listener: (req, res) => {
      if (down) {
        res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' })
        res.end(JSON.stringify({ error: 'temporarily_unavailable' }))
        return
      }
      if (req.url?.startsWith('/interaction/') === true) {
        interact(req, res).catch((err: unknown) => {
          res.statusCode = 500
          res.end(String(err))
        })
      } else {
        callback(req, res)
      }
    },
    peer: {
      issuer,
      group,
      authority,
      providerKey,
      emitted,
      loggedIn,
      exchanges,
      refusedExchanges,
      statePeriod(member, seconds) {
        if (seconds === undefined) periods.delete(member)
        else periods.set(member, seconds)
      },
      setDown(value) {
        down = value
      },
      clientSecret: client.clientSecret,
      addGroup,
      async addMember(name, of = group.id) {
        const id = `${issuer}/u/${++counter}-${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`
        await authority.registry.join(
          of,
          { id, type: 'Person', name },
          {
            role: [`${of}/roles/member`],
            coreRole: 'member',
          },
        )
        return id
      },
      armSignIn(member) {
        armed = member
      },
      mutateNextAssertion(m) {
        mutate = m
      },
      mutateNextIdToken(m) {
        mutateIdToken = m
      },
    },
  }
}
