/**
 * Installing a tool, the tool's side (AUTH-INST-009): the suite is a group's authority of its own
 * (a real oidc-provider with the SDK's plugin, on a port of its own, where the tool under test is
 * not registered), and asks the tool through its control API to request installation there
 * (`install-request`). The suite's authority verifies the tool's install statement (signed with a
 * key of the tool's manifest, `iss` the tool's origin, redirect URIs on it), an admin approves, and
 * the tool then holds working credentials: it obtains a token with the client credentials grant
 * (`install-status` reports it, and the suite's token endpoint saw it).
 */
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import Provider from 'oidc-provider'
import { exportJWK } from 'jose'
import {
  createManifestResolver,
  createMemoryMembershipStore,
  generateSigningKey,
  type Group,
  type ManifestResolver,
} from '@cta-interop/sdk'
import { createGroupAuthority, type ProviderLike } from '@cta-interop/sdk/authority'
import type { LiveCase, LiveContext } from '../case.js'
import { check, Untested, waitUntil } from '../case.js'

/** The suite's install authority for one case: its issuer, group, admin and what it saw. */
interface InstallAuthority {
  readonly issuer: string
  readonly group: string
  readonly admin: string
  readonly installs: Awaited<ReturnType<typeof createGroupAuthority>>['installs']
  /** The `kid`s the authority resolved to verify install statements. */
  readonly resolvedKids: readonly string[]
  /** The clients the token endpoint issued a token to. */
  readonly tokensTo: readonly string[]
  close(): Promise<void>
}

/** Starts a group authority on 127.0.0.1 that accepts install requests (and knows no client). */
async function startInstallAuthority(): Promise<InstallAuthority> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const key = await generateSigningKey({ kid: 'suite-install-1', extractable: true })
  const jwk = { ...(await exportJWK(key.privateKey)), kid: key.kid, alg: 'EdDSA', use: 'sig' }
  const eventKey = await generateSigningKey({ origin: issuer })
  const store = createMemoryMembershipStore()
  const resolvedKids: string[] = []
  const base = createManifestResolver({
    allowPrivateNetwork: true,
    allowHttp: true,
    allowAnySource: true,
  })
  const manifests: ManifestResolver = {
    ...base,
    resolveKey: async (kid, ...rest) => {
      resolvedKids.push(kid)
      return base.resolveKey(kid, ...rest)
    },
  }
  const plugin = await createGroupAuthority({
    store,
    jwks: { keys: [jwk] },
    events: { source: issuer, key: eventKey, emit: () => undefined },
    install: { manifests, approvalUri: (id) => `${issuer}/approve/${id}` },
  })
  const provider = new Provider(
    issuer,
    plugin.configuration({ cookies: { keys: [randomBytes(32).toString('hex')] } }),
  )
  const tokensTo: string[] = []
  const like = provider as unknown as ProviderLike
  like.use(async (ctx, next) => {
    await next()
    // Only the provider's own routes have `ctx.oidc` (the install endpoint has none).
    const oidc = ctx.oidc as typeof ctx.oidc | undefined
    const client = oidc?.client?.clientId
    if (ctx.path === '/token' && ctx.status === 200 && client !== undefined) tokensTo.push(client)
  })
  plugin.mount(like)
  server.on('request', provider.callback())
  const group: Group = {
    '@context': ['https://www.w3.org/ns/activitystreams', 'https://w3id.org/cta/v1'],
    id: `${issuer}/g/install`,
    type: 'Group',
    name: 'Install circle',
    authority: issuer,
    joinPolicy: 'approval',
    visibility: 'public',
    rosterVisibility: 'members',
    memberships: `${issuer}/g/install/memberships`,
    tools: `${issuer}/g/install/tools`,
  }
  await store.putGroup(group)
  const admin = `${issuer}/u/admin`
  await plugin.registry.join(
    group.id,
    { id: admin, type: 'Person', name: 'Admin' },
    { role: [`${group.id}/roles/admin`], coreRole: 'admin' },
  )
  return {
    issuer,
    group: group.id,
    admin,
    installs: plugin.installs,
    resolvedKids,
    tokensTo,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => {
          resolve()
        })
      }),
  }
}

export const TOOL_INSTALL_CASES: readonly LiveCase[] = [
  {
    id: 'live.group-auth-relying-tool.install-request',
    title:
      'asks to be installed with a statement signed by a key of its manifest (iss its origin, redirect URIs on it), and signs in with the credentials an approval gives it',
    requirements: ['AUTH-INST-009'],
    profile: 'group-auth-relying-tool',
    level: 'MUST',
    actions: ['install-request', 'install-status'],
    async run(ctx: LiveContext) {
      const { control, session } = ctx
      if (control === undefined || session === undefined) {
        throw new Untested('needs the control API')
      }
      const sut = ctx.sut.endpoints.origin
      const authority = await startInstallAuthority()
      try {
        await control.act(session, 'install-request', {
          authority: authority.issuer,
          group: authority.group,
        })
        const request = await waitUntil(
          async () => (await authority.installs.list(authority.group)).find((r) => r.tool === sut),
          ctx.patience,
        )
        const kids = authority.resolvedKids.filter((k) => k.startsWith(`${sut}#`))
        const statement = {
          accepted: request !== undefined,
          signedWithManifestKey: kids.length > 0,
          redirectUrisOnOrigin:
            request !== undefined &&
            request.redirectUris.length > 0 &&
            request.redirectUris.every((u) => new URL(u).origin === sut),
        }
        const expectedStatement = {
          accepted: true,
          signedWithManifestKey: true,
          redirectUrisOnOrigin: true,
        }
        check(
          statement.accepted && statement.signedWithManifestKey && statement.redirectUrisOnOrigin,
          'the tool sent no valid install statement (accepted by the authority, signed with a key of its manifest, redirect URIs on its origin)',
          expectedStatement,
          statement,
        )
        await authority.installs.approve(request?.id ?? '', authority.admin)
        const status = await control.act(session, 'install-status', { group: authority.group })
        const actual = {
          ...statement,
          status: status['status'],
          token: status['token'] === true,
          tokenIssuedToTool: authority.tokensTo.includes(sut),
        }
        const expected = {
          ...expectedStatement,
          status: 'approved',
          token: true,
          tokenIssuedToTool: true,
        }
        check(
          actual.status === 'approved' && actual.token && actual.tokenIssuedToTool,
          'after the approval, the tool did not obtain a token with the credentials it was given',
          expected,
          actual,
        )
        return { expected, actual }
      } finally {
        await authority.close()
      }
    },
  },
]
