/**
 * Group Authority, as a tool asking to be installed meets it (group-auth.md, "Installing a tool"):
 * the suite's tools sign install statements with their manifest keys; hostile ones must be refused
 * with their codes, a well-formed one answered `202` pending; an admin's approval (control action
 * `install-approve`) gives the tool its client, and an uninstall (`disconnect-tool`) takes it away.
 */
import { CompactSign } from 'jose'
import {
  signInstallStatement,
  type InstallStatementClaims,
  type SigningKey,
} from '@cta-interop/sdk'
import type { LiveCase, LiveContext } from '../case.js'
import { check, Untested } from '../case.js'
import { startPeer, type PeerTool } from '../peer.js'
import {
  awaitAnnounced,
  discover,
  mainSession,
  subscribeTo,
  withSession,
  type ClientSession,
} from './authority-session.js'
import { readSubscription } from './emitter-consent.js'
import {
  awaitDelivery,
  deliveredIds,
  emitIn,
  expectCreated,
  expectSubscribed,
  settle,
  subscribeTool,
} from './emitter-support.js'
import { problemType } from './suite-events.js'

const CONNECTED = 'tech.collaborative.group.tool.connected'
const DISCONNECTED = 'tech.collaborative.group.tool.disconnected'

/** An answer of the install endpoint, as a case checks it. */
interface InstallAnswer {
  readonly status: number
  readonly body: Record<string, unknown>
  /** The problem document's `type`, when it is one. */
  readonly type?: string
  readonly code?: string
  readonly error?: string
  readonly location: string | null
}

const installEndpoints = new WeakMap<LiveContext, Promise<{ issuer: string; endpoint: string }>>()

/** The authority's issuer and `cta_install_endpoint`; untested when it offers none. */
function installEndpoint(ctx: LiveContext): Promise<{ issuer: string; endpoint: string }> {
  let found = installEndpoints.get(ctx)
  if (found === undefined) {
    found = (async () => {
      const { issuer } = await discover(ctx)
      const response = await ctx.wire.fetch(
        `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`,
      )
      const metadata = (await response.json()) as Record<string, unknown>
      const endpoint = metadata['cta_install_endpoint']
      if (typeof endpoint !== 'string') {
        throw new Untested('the authority names no cta_install_endpoint: it installs no tools')
      }
      return { issuer, endpoint }
    })()
    installEndpoints.set(ctx, found)
  }
  return found
}

/** The claims of a well-formed statement of `tool` for `group`, with `overrides`. */
async function claimsOf(
  ctx: LiveContext,
  tool: PeerTool,
  group: string,
  overrides: Partial<InstallStatementClaims> = {},
): Promise<InstallStatementClaims> {
  const { issuer } = await installEndpoint(ctx)
  return {
    iss: tool.origin,
    aud: issuer,
    client_name: 'cta-conformance',
    redirect_uris: [`${tool.origin}/cta/callback`],
    scope: 'openid cta:membership cta:roster',
    cta_group: group,
    cta_event_types: ['tech.collaborative.ping'],
    ...overrides,
  }
}

/** Sends `POST <cta_install_endpoint>` with `body` (JSON unless a string with `contentType`). */
async function post(
  ctx: LiveContext,
  body: unknown,
  contentType = 'application/json',
): Promise<InstallAnswer> {
  const { endpoint } = await installEndpoint(ctx)
  const response = await ctx.wire.fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body:
      typeof body === 'string' && contentType !== 'application/json' ? body : JSON.stringify(body),
  })
  return answerOf(response)
}

async function answerOf(response: Response): Promise<InstallAnswer> {
  const text = await response.text()
  let body: Record<string, unknown> = {}
  try {
    const parsed = JSON.parse(text) as unknown
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      body = parsed as Record<string, unknown>
    }
  } catch {
    body = { text: text.slice(0, 300) }
  }
  const pick = (name: string) => (typeof body[name] === 'string' ? { [name]: body[name] } : {})
  return {
    status: response.status,
    body,
    ...pick('type'),
    ...pick('code'),
    ...pick('error'),
    location: response.headers.get('location'),
  }
}

/** Fails unless the answer is a `400` refusal with `code` and the RFC 7591 `error`. */
function expectRefusal(
  answer: InstallAnswer,
  code: string,
  error: string,
  what: string,
): { expected: unknown; actual: unknown } {
  const expected = { status: 400, type: problemType(code), code, error }
  const actual = {
    status: answer.status,
    type: answer.type,
    code: answer.code,
    error: answer.error,
  }
  check(
    answer.status === 400 &&
      answer.type === problemType(code) &&
      answer.code === code &&
      answer.error === error,
    `${what}: expected 400 ${code} (${error}), got ${answer.status} ${String(answer.code)}`,
    expected,
    actual,
  )
  return { expected, actual }
}

/** Runs the refusals in turn; the result lists each one's expected and actual answer. */
async function refusals(
  cases: readonly {
    what: string
    statement: () => Promise<unknown>
    code: string
    error?: string
  }[],
  ctx: LiveContext,
): Promise<{ expected: unknown; actual: unknown }> {
  const expected: Record<string, unknown> = {}
  const actual: Record<string, unknown> = {}
  for (const c of cases) {
    const answer = await post(ctx, { software_statement: await c.statement() })
    const result = expectRefusal(answer, c.code, c.error ?? 'invalid_software_statement', c.what)
    expected[c.what] = result.expected
    actual[c.what] = result.actual
  }
  return { expected, actual }
}

/** A statement with the key's `kid` but another typ (jose, since the SDK signs only its own). */
async function withTyp(claims: InstallStatementClaims, key: SigningKey, typ: string) {
  const iat = Math.floor(Date.now() / 1000)
  const payload = { ...claims, iat, exp: iat + 300, jti: crypto.randomUUID() }
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ })
    .sign(key.privateKey)
}

/** A client-credentials token request with HTTP Basic (form-encoded id and secret). */
async function tokenRequest(
  ctx: LiveContext,
  session: ClientSession,
  clientId: string,
  secret: string,
): Promise<{ status: number; error: unknown }> {
  const endpoint = (await discover(ctx, session)).configuration.serverMetadata().token_endpoint
  if (endpoint === undefined) throw new Error('the discovery document has no token_endpoint')
  const basic = Buffer.from(
    `${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`,
    'utf8',
  ).toString('base64')
  const response = await ctx.wire.fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${basic}`,
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'cta:roster' }).toString(),
  })
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>
  return { status: response.status, error: body['error'] }
}

/** Sends a well-formed request of `tool` for `group`; fails unless it is answered `202`. */
async function requestPending(
  ctx: LiveContext,
  tool: PeerTool,
  group: string,
): Promise<{ installRequest: string; requestToken: string; id: string; statement: string }> {
  const statement = await signInstallStatement(await claimsOf(ctx, tool, group), tool.key)
  const answer = await post(ctx, { software_statement: statement })
  const installRequest = answer.body['install_request']
  const requestToken = answer.body['request_token']
  check(
    answer.status === 202 &&
      answer.body['status'] === 'pending' &&
      typeof installRequest === 'string' &&
      answer.location === installRequest &&
      typeof requestToken === 'string' &&
      answer.body['client_secret'] === undefined,
    `a well-formed install request was answered ${answer.status} ${answer.code ?? ''}`,
    { status: 202, body: { status: 'pending', install_request: 'the Location' } },
    { status: answer.status, body: answer.body, location: answer.location },
  )
  const url = installRequest as string
  return {
    installRequest: url,
    requestToken: requestToken as string,
    id: url.slice(url.lastIndexOf('/') + 1),
    statement,
  }
}

/** `GET <install_request>` with `authorization`. */
async function readStatus(
  ctx: LiveContext,
  installRequest: string,
  authorization?: string,
): Promise<InstallAnswer> {
  const response = await ctx.wire.fetch(installRequest, {
    headers: authorization === undefined ? {} : { authorization },
  })
  return answerOf(response)
}

export const AUTHORITY_INSTALL_CASES: readonly LiveCase[] = [
  {
    id: 'live.group-authority.install-endpoint',
    title:
      'Names its install endpoint in discovery on its own origin, and refuses a body that is not JSON',
    requirements: ['AUTH-INST-001'],
    profile: 'group-authority',
    level: 'MUST',
    async run(ctx) {
      const { issuer, endpoint } = await installEndpoint(ctx)
      const answer = await post(ctx, 'software_statement=x', 'text/plain')
      const expected = { origin: new URL(issuer).origin, notJson: 400 }
      const actual = {
        origin: URL.canParse(endpoint) ? new URL(endpoint).origin : endpoint,
        notJson: answer.status,
      }
      check(
        actual.origin === expected.origin && answer.status === 400,
        'the install endpoint is not on the issuer’s origin, or took a body that is not JSON',
        expected,
        actual,
      )
      return { expected, actual }
    },
  },
  {
    id: 'live.group-authority.install-foreign-key',
    title:
      'An install statement signed with another tool’s key is refused with ERR_SOURCE_MISMATCH, one with a forged kid with ERR_SIGNATURE_INVALID',
    requirements: ['AUTH-INST-002'],
    profile: 'group-authority',
    level: 'MUST',
    async run(ctx) {
      const group = mainSession(ctx).group
      return refusals(
        [
          {
            what: 'the stranger’s statement signed with the suite’s key',
            statement: async () =>
              signInstallStatement(await claimsOf(ctx, ctx.stranger, group), ctx.peer.key),
            code: 'ERR_SOURCE_MISMATCH',
          },
          {
            what: 'the suite’s key under the stranger’s kid',
            statement: async () =>
              signInstallStatement(await claimsOf(ctx, ctx.stranger, group), {
                ...ctx.peer.key,
                kid: ctx.stranger.key.kid,
              }),
            code: 'ERR_SIGNATURE_INVALID',
          },
        ],
        ctx,
      )
    },
  },
  {
    id: 'live.group-authority.install-statement-claims',
    title:
      'An install statement of another typ, for another audience, or living over 600 seconds is refused with its code',
    requirements: ['AUTH-INST-002'],
    profile: 'group-authority',
    level: 'MUST',
    async run(ctx) {
      const group = mainSession(ctx).group
      const now = Math.floor(Date.now() / 1000)
      return refusals(
        [
          {
            what: 'typ JWT',
            statement: async () =>
              withTyp(await claimsOf(ctx, ctx.peer, group), ctx.peer.key, 'JWT'),
            code: 'ERR_TYP_MISMATCH',
          },
          {
            what: 'another audience',
            statement: async () =>
              signInstallStatement(
                await claimsOf(ctx, ctx.peer, group, { aud: 'https://elsewhere.example' }),
                ctx.peer.key,
              ),
            code: 'ERR_AUDIENCE_MISMATCH',
          },
          {
            what: 'a lifetime of 601 seconds',
            statement: async () =>
              signInstallStatement(
                await claimsOf(ctx, ctx.peer, group, { iat: now, exp: now + 601 }),
                ctx.peer.key,
              ),
            code: 'ERR_STATEMENT_INVALID',
          },
        ],
        ctx,
      )
    },
  },
  {
    id: 'live.group-authority.install-pending-replay',
    title:
      'A well-formed install request is answered 202 pending with its Location and request token, and the same statement sent again is refused with ERR_STATEMENT_REPLAYED',
    requirements: ['AUTH-INST-003', 'AUTH-INST-004'],
    profile: 'group-authority',
    level: 'MUST',
    async run(ctx) {
      const pending = await requestPending(ctx, ctx.stranger, mainSession(ctx).group)
      const again = await post(ctx, { software_statement: pending.statement })
      const replay = expectRefusal(
        again,
        'ERR_STATEMENT_REPLAYED',
        'invalid_software_statement',
        'the same statement again',
      )
      return {
        expected: { first: 202, again: replay.expected },
        actual: { first: 202, again: replay.actual },
      }
    },
  },
  {
    id: 'live.group-authority.install-hostile-metadata',
    title:
      'An install statement with a redirect URI on another origin, a scope beyond the policy, or a group the authority does not hold is refused with its code',
    requirements: ['AUTH-INST-003'],
    profile: 'group-authority',
    level: 'MUST',
    async run(ctx) {
      const group = mainSession(ctx).group
      const sign = async (overrides: Partial<InstallStatementClaims>) =>
        signInstallStatement(await claimsOf(ctx, ctx.peer, group, overrides), ctx.peer.key)
      return refusals(
        [
          {
            what: 'a redirect URI on another origin',
            statement: () =>
              sign({
                redirect_uris: [`${ctx.peer.origin}/cta/callback`, 'https://evil.example/cb'],
              }),
            code: 'ERR_REDIRECT_URI',
            error: 'invalid_redirect_uri',
          },
          {
            what: 'a scope beyond the policy',
            statement: () => sign({ scope: 'openid cta:roster offline_access' }),
            code: 'ERR_SCOPE_NOT_ALLOWED',
            error: 'invalid_client_metadata',
          },
          {
            what: 'a group the authority does not hold',
            statement: () => sign({ cta_group: `${group}/no-such-group` }),
            code: 'ERR_GROUP_UNKNOWN',
            error: 'invalid_client_metadata',
          },
        ],
        ctx,
      )
    },
  },
  {
    id: 'live.group-authority.install-status-token',
    title:
      'The status of an install request is answered 200 only to the bearer of its request token, 401 ERR_UNAUTHORIZED to anyone else',
    requirements: ['AUTH-INST-005'],
    profile: 'group-authority',
    level: 'MUST',
    async run(ctx) {
      const pending = await requestPending(ctx, ctx.stranger, mainSession(ctx).group)
      const expected = {
        none: 401,
        wrong: 401,
        type: problemType('ERR_UNAUTHORIZED'),
        right: { status: 200, body: { status: 'pending' } },
      }
      const none = await readStatus(ctx, pending.installRequest)
      const wrong = await readStatus(ctx, pending.installRequest, 'Bearer not-the-request-token')
      const right = await readStatus(ctx, pending.installRequest, `Bearer ${pending.requestToken}`)
      const actual = {
        none: none.status,
        wrong: wrong.status,
        type: wrong.type,
        right: { status: right.status, body: right.body },
      }
      check(
        none.status === 401 &&
          wrong.status === 401 &&
          wrong.type === problemType('ERR_UNAUTHORIZED') &&
          right.status === 200 &&
          right.body['status'] === 'pending' &&
          right.body['client_secret'] === undefined,
        'the status of an install request was not kept to the bearer of its request token',
        expected,
        actual,
      )
      return { expected, actual }
    },
  },
  {
    id: 'live.group-authority.install-refused',
    title:
      'An install request an admin refuses is answered 200 with status refused, and its tool gets no client',
    requirements: ['AUTH-INST-006'],
    profile: 'group-authority',
    level: 'MUST',
    actions: ['install-refuse'],
    async run(ctx) {
      return withSession(ctx, { members: ['Ana'] }, async (session) => {
        if (ctx.control === undefined) throw new Untested('needs the control API')
        const pending = await requestPending(ctx, ctx.stranger, session.group)
        await ctx.control.act(session, 'install-refuse', {
          id: pending.id,
          install_request: pending.installRequest,
        })
        const answer = await readStatus(
          ctx,
          pending.installRequest,
          `Bearer ${pending.requestToken}`,
        )
        const expected = { status: 200, body: { status: 'refused' } }
        const actual = { status: answer.status, body: answer.body }
        check(
          answer.status === 200 &&
            answer.body['status'] === 'refused' &&
            answer.body['client_secret'] === undefined,
          'a refused install request was not answered refused',
          expected,
          actual,
        )
        return { expected, actual }
      })
    },
  },
  {
    id: 'live.group-authority.install-approve-uninstall',
    title:
      'An approved install request gets its client, which issues tokens, and is announced; after the uninstall the client is refused with invalid_client',
    requirements: ['AUTH-INST-007', 'AUTH-INST-008'],
    profile: 'group-authority',
    level: 'MUST',
    actions: ['install-approve', 'disconnect-tool'],
    async run(ctx) {
      return withSession(ctx, { members: ['Ana'] }, async (session) => {
        if (ctx.control === undefined) throw new Untested('needs the control API')
        const tool = ctx.stranger
        await subscribeTo(ctx, session.group)
        const pending = await requestPending(ctx, tool, session.group)
        await ctx.control.act(session, 'install-approve', {
          id: pending.id,
          install_request: pending.installRequest,
        })
        const approved = await readStatus(
          ctx,
          pending.installRequest,
          `Bearer ${pending.requestToken}`,
        )
        const clientId = approved.body['client_id']
        const secret = approved.body['client_secret']
        check(
          approved.status === 200 &&
            approved.body['status'] === 'approved' &&
            clientId === tool.origin &&
            typeof secret === 'string' &&
            typeof approved.body['installation'] === 'string',
          'an approved install request did not give the tool its client',
          { status: 200, body: { status: 'approved', client_id: tool.origin } },
          { status: approved.status, body: { ...approved.body, client_secret: '…' } },
        )
        const ours = (e: { data?: unknown }) =>
          (e.data as { object?: { tool?: unknown } } | undefined)?.object?.tool === tool.origin
        const connected = await awaitAnnounced(ctx, session.group, CONNECTED, ours)
        const before = await tokenRequest(ctx, session, tool.origin, secret as string)
        await ctx.control.act(session, 'disconnect-tool', { tool: tool.origin })
        const disconnected = await awaitAnnounced(ctx, session.group, DISCONNECTED, ours)
        const after = await tokenRequest(ctx, session, tool.origin, secret as string)
        const expected = {
          tokenBefore: 200,
          connected: true,
          disconnected: true,
          tokenAfter: { status: 401, error: 'invalid_client' },
        }
        const actual = {
          tokenBefore: before.status,
          connected: connected !== undefined,
          disconnected: disconnected !== undefined,
          tokenAfter: after,
        }
        check(
          before.status === 200 &&
            connected !== undefined &&
            disconnected !== undefined &&
            after.status === 401 &&
            after.error === 'invalid_client',
          'the approved client did not work, was not announced, or outlived its uninstall',
          expected,
          actual,
        )
        return { expected, actual }
      })
    },
  },
  {
    id: 'live.group-authority.uninstall-ends-subscriptions',
    title:
      'When the group uninstalls a tool installed through the install flow, the authority ends the subscription of that tool to the group: nothing emitted afterwards is delivered to it, it reads ended (uninstalled) or is refused, the uninstall is announced, and its client is refused with invalid_client',
    requirements: ['AUTH-INST-008', 'DLV-SUB-009'],
    profile: 'group-authority',
    level: 'MUST',
    actions: ['install-approve', 'emit', 'disconnect-tool'],
    async run(ctx) {
      // The authority's feed: the run's main subscription, which `settle` waits on, is one to it.
      await expectSubscribed(ctx)
      return withSession(ctx, { members: ['Ana'] }, async (session) => {
        if (ctx.control === undefined) throw new Untested('needs the control API')
        const control = ctx.control
        // A tool of the suite's own, known to the authority only through its install statement.
        const tool = await startPeer({
          name: 'cta-conformance installed tool',
          wire: ctx.wire,
          sut: ctx.sut.endpoints.origin,
        })
        try {
          await subscribeTo(ctx, session.group)
          const pending = await requestPending(ctx, tool, session.group)
          await control.act(session, 'install-approve', {
            id: pending.id,
            install_request: pending.installRequest,
          })
          const approved = await readStatus(
            ctx,
            pending.installRequest,
            `Bearer ${pending.requestToken}`,
          )
          const secret = approved.body['client_secret']
          check(
            approved.status === 200 &&
              approved.body['status'] === 'approved' &&
              typeof secret === 'string',
            'an approved install request did not give the tool its client',
            { status: 200, body: { status: 'approved', client_secret: 'a string' } },
            { status: approved.status, body: { ...approved.body, client_secret: '…' } },
          )
          const subscribed = await subscribeTool(ctx, tool, session.group)
          expectCreated(subscribed, 'the installed tool to its group')
          const before = await emitIn(ctx, session)
          await awaitDelivery(ctx, tool, before)
          const tokenBefore = await tokenRequest(ctx, session, tool.origin, secret as string)
          await control.act(session, 'disconnect-tool', { tool: tool.origin })
          const from = tool.deliveries.length
          const after = await emitIn(ctx, session)
          // Everything the authority queued before the next two events reached the main inbox
          // has been attempted by then.
          await settle(ctx)
          const ours = (e: { data?: unknown }) =>
            (e.data as { object?: { tool?: unknown } } | undefined)?.object?.tool === tool.origin
          const disconnected = await awaitAnnounced(ctx, session.group, DISCONNECTED, ours)
          const read =
            subscribed.location === null
              ? { status: 0, body: {} as Record<string, unknown> }
              : await readSubscription(ctx, tool, subscribed.location)
          const tokenAfter = await tokenRequest(ctx, session, tool.origin, secret as string)
          const expected = {
            tokenBefore: 200,
            delivered: 'nothing emitted after the uninstall',
            subscription: { status: 'ended', reason: 'uninstalled', orRefused: [401, 403, 404] },
            disconnected: true,
            tokenAfter: { status: 401, error: 'invalid_client' },
          }
          const actual = {
            tokenBefore: tokenBefore.status,
            emittedAfter: after,
            deliveredAfter: deliveredIds(tool, from),
            subscription:
              read.status === 200
                ? { answer: 200, status: read.body['status'], reason: read.body['reason'] }
                : { answer: read.status, type: read.body['type'] },
            disconnected: disconnected !== undefined,
            tokenAfter,
          }
          check(
            tokenBefore.status === 200,
            `the installed tool's client was answered ${tokenBefore.status} before the uninstall`,
            expected,
            actual,
          )
          check(
            !actual.deliveredAfter.includes(after),
            'an event emitted after the group uninstalled the tool was delivered to it',
            expected,
            actual,
          )
          // Reading it, the tool may be refused (SEC-SSRF-004); when answered, it must read ended.
          check(
            read.status === 200
              ? read.body['status'] === 'ended' && read.body['reason'] === 'uninstalled'
              : [401, 403, 404].includes(read.status),
            `the subscription of the uninstalled tool was answered ${read.status} and reads ${JSON.stringify(read.body['status'])} (${JSON.stringify(read.body['reason'])}), not ended (uninstalled)`,
            expected,
            actual,
          )
          check(
            disconnected !== undefined,
            `the authority announced no ${DISCONNECTED} for the uninstalled tool`,
            expected,
            actual,
          )
          check(
            tokenAfter.status === 401 && tokenAfter.error === 'invalid_client',
            `the uninstalled tool's client was answered ${tokenAfter.status} ${String(tokenAfter.error)}, not 401 invalid_client`,
            expected,
            actual,
          )
          return { expected, actual }
        } finally {
          await tool.close()
        }
      })
    },
  },
]
