import {
  GROUP_PARAMETER,
  MAX_ASSERTION_LIFETIME,
  MEMBERSHIP_SCOPE,
  ROSTER_SCOPE,
  TOKEN_EXCHANGE_GRANT_TYPE,
  createGroupHandler,
  createGroupRegistry,
  createManifestResolver,
  importSigningKey,
  type GroupRegistry,
  type ManifestResolver,
  type MembershipStore,
  type SigningKey,
} from '@cta-interop/sdk'
import type { JWK } from 'jose'
import { accountWithGroup, groupOfGrant, setGroupOfGrant } from './internal/grant-group.js'
import { generateIdTokenKey } from './internal/id-token-key.js'
import { encodeOriginBasicCredentials } from './internal/origin-basic-credentials.js'
import { OAuthError } from './internal/oauth-error.js'
import { bearerTool, serveGroups } from './internal/group-routes.js'
import { tokenExchange, TOKEN_EXCHANGE_PARAMETERS } from './internal/token-exchange.js'
import { createGroupInstalls } from './internal/create-group-installs.js'
import { serveInstalls } from './internal/install-routes.js'
import { providerClients } from './internal/provider-clients.js'
import { createSafeFetch } from '@cta-interop/sdk/node'
import type { GroupInstalls, InstallOptions } from './install-types.js'
import type {
  AccountLike,
  ClientCredentialsLike,
  GrantLike,
  InteractionDetailsLike,
  ProviderConfiguration,
  ProviderContext,
  ProviderLike,
} from './provider-types.js'

/** Options of {@link createGroupAuthority}. */
export interface GroupAuthorityOptions {
  /** Where the authority keeps its groups, memberships and installations. */
  readonly store: MembershipStore
  /**
   * The provider's private signing keys (its `jwks` configuration). The first Ed25519 or P-256
   * key, which must have a `kid`, signs membership assertions, and ID tokens for a client that
   * registered its algorithm as `id_token_signed_response_alg`. An RSA key (`RS256`) signs every
   * other client's ID tokens; without one, the plugin generates one when it is created (so a
   * provider that runs as several processes passes its own). Public parts are served at the
   * provider's `jwks_uri`; `key_ops` and `ext` (as Web Crypto exports them) are dropped.
   */
  readonly jwks: { readonly keys: readonly JWK[] }
  /** The authority's membership and tool events: who signs them and where they go. */
  readonly events: {
    /** The authority's tool origin, the `source` of its events. */
    readonly source: string
    /** The event signing key from its tool manifest (`kid` `<source>#…`). */
    readonly key: SigningKey
    /** Receives each signed event: hand it to the outbox. */
    readonly emit: (jws: string, event: import('@cta-interop/sdk').Event) => Promise<void> | void
  }
  /** Lifetime of membership assertions, in seconds: at most 300, the default. */
  readonly assertionLifetime?: number
  /**
   * The re-check period each assertion states (`cta_recheck`), in seconds: an integer from 1 to
   * 3600. Default: none stated, so relying tools re-check every 900 seconds (AUTH-END-004).
   */
  readonly recheckPeriod?: number
  /**
   * The URL prefix under which the provider serves group documents, rosters and installations.
   * Default `<issuer origin>/g/`. Group IRIs in the store must start with it.
   */
  readonly groupsBase?: string
  /** Roster page size unless a request asks for fewer. Default 100. */
  readonly pageSize?: number
  /** "Now" for assertions and events, for tests. */
  readonly now?: () => Date
  /**
   * Installing tools in groups (`POST /install`, see {@link GroupAuthority.installs}): where
   * admins approve (`approvalUri`), where clients are registered (`clients`, default the
   * provider's own client storage) and how tools' manifests are found (`manifests`).
   */
  readonly install?: InstallOptions
}

/** The group auth plugin for one `oidc-provider`, from {@link createGroupAuthority}. */
export interface GroupAuthority {
  /**
   * Extends an `oidc-provider` configuration with what group auth needs: the provider's `jwks`,
   * the scopes `cta:membership` (claim `groups`) and `cta:roster`, the `cta_group` authorization
   * parameter, the client credentials grant, PKCE for every client, scope claims in ID tokens,
   * one grant per disclosed group, and an account wrapper that adds `groups`; and what a generic
   * OpenID client expects: `RS256` ID tokens unless a client registered another algorithm, and
   * only the client authentication methods a tool registered with a secret can use
   * (`client_secret_basic`, `client_secret_post`). Settings of `base` are kept where they do not
   * conflict.
   */
  configuration(base?: ProviderConfiguration): ProviderConfiguration
  /**
   * Registers RFC 8693 token exchange (which issues membership assertions) and the group
   * endpoints on a provider built from {@link GroupAuthority.configuration}; reads a raw origin
   * `client_id` in HTTP Basic as the tool meant it; and refuses member scopes in the client
   * credentials grant (`invalid_scope`).
   */
  mount(provider: ProviderLike): void
  /**
   * Decides a consent interaction: for a member who is active in the requested group, from a tool
   * installed in it, grants the requested scopes and records the disclosed group in the grant;
   * otherwise denies with `access_denied`. Pass the result to `provider.interactionFinished`.
   */
  consent(provider: ProviderLike, details: InteractionDetailsLike): Promise<InteractionResult>
  /** The writes that change memberships and installations, each announced as a signed event. */
  readonly registry: GroupRegistry
  /** The group endpoints as a Fetch API handler (what {@link GroupAuthority.mount} serves). */
  readonly groups: (request: Request) => Promise<Response>
  /**
   * Tools' requests to be installed in groups (received at `POST <issuer>/install` once mounted),
   * and the admins' decisions on them: `list`, `get`, `approve`, `refuse`, `uninstall`.
   */
  readonly installs: GroupInstalls
}

/** What {@link GroupAuthority.consent} decides, for `provider.interactionFinished`. */
export type InteractionResult =
  | { readonly consent: { readonly grantId: string } }
  | { readonly error: string; readonly error_description: string }

const SIGNING_CURVES: Readonly<Record<string, string>> = { OKP: 'Ed25519', EC: 'P-256' }

/**
 * A private JWK without `key_ops` and `ext`. Web Crypto's `exportKey('jwk')` writes
 * `key_ops: ['sign']` and `ext: true` on a private key; oidc-provider publishes the public part of
 * each key with its `key_ops` kept, and a relying tool that imports `['sign']` for verifying fails,
 * so every ID token and assertion the authority signs would be unverifiable.
 */
const withoutKeyUsage = (jwk: JWK): JWK => {
  const { key_ops: _keyOps, ext: _ext, ...rest } = jwk
  return rest
}

/** Scopes only a member's sign-in grants (with the claims scopes of the configuration). */
const OIDC_MEMBER_SCOPES = ['openid', 'offline_access']

const union = (a: unknown, b: readonly string[]): string[] => [
  ...new Set([...(Array.isArray(a) ? (a as string[]) : []), ...b]),
]

/**
 * Creates the group auth plugin for `oidc-provider`: a tool that holds groups becomes their
 * authority. Members sign in to other tools with "sign in with your group" (authorization code with
 * PKCE, `scope=openid cta:membership`, `cta_group=<group IRI>`), disclosing that one group; tools
 * exchange the member's access token for a membership assertion (RFC 8693, `resource` = the
 * group), read rosters and installations with client-credentials tokens (scope `cta:roster`), and
 * learn of every change through signed membership and `group.tool.*` events.
 *
 * @param options `store`, `jwks` and `events` (required), `assertionLifetime`, `recheckPeriod`,
 *   `groupsBase`, `pageSize`, `now`, `install`.
 * @returns The plugin: `configuration`, `mount`, `consent`, `registry`, `groups`, `installs`.
 * @throws {TypeError} When no Ed25519 or P-256 key with a `kid` is in `jwks`, or
 *   `assertionLifetime` is not an integer from 1 to 300, or `recheckPeriod` not one from 1 to 3600.
 * @example
 * ```ts
 * // @ts-expect-error oidc-provider ships no type declarations
 * import Provider from 'oidc-provider'
 * import type { IncomingMessage, ServerResponse } from 'node:http'
 * import { createGroupAuthority, type InteractionDetailsLike } from '@cta-interop/sdk/authority'
 * declare const emit: (jws: string) => Promise<void> // to the outbox: publishEvent
 * declare const clients: object[], cookies: { keys: string[] } // oidc-provider settings
 * declare const req: IncomingMessage, res: ServerResponse // the interaction's request
 * declare const details: InteractionDetailsLike // await provider.interactionDetails(req, res)
 * const authority = await createGroupAuthority({ store, jwks, events: { source, key, emit } })
 * const provider = new Provider(issuer, authority.configuration({ clients, cookies }))
 * authority.mount(provider)
 * // in the consent step of the interaction:
 * await provider.interactionFinished(req, res, await authority.consent(provider, details))
 * ```
 * @see {@link https://w3id.org/cta/spec/group-auth Spec: group auth}
 */
export async function createGroupAuthority(
  options: GroupAuthorityOptions,
): Promise<GroupAuthority> {
  const lifetime = options.assertionLifetime ?? MAX_ASSERTION_LIFETIME
  if (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > MAX_ASSERTION_LIFETIME) {
    throw new TypeError(`assertionLifetime must be an integer from 1 to ${MAX_ASSERTION_LIFETIME}`)
  }
  const recheck = options.recheckPeriod
  if (recheck !== undefined && (!Number.isInteger(recheck) || recheck < 1 || recheck > 3600)) {
    throw new TypeError('recheckPeriod must be an integer from 1 to 3600')
  }
  const given = options.jwks.keys.map(withoutKeyUsage)
  const jwk = given.find(
    (k) => k.kty !== undefined && SIGNING_CURVES[k.kty] === k.crv && typeof k.kid === 'string',
  )
  if (jwk === undefined)
    throw new TypeError('jwks needs an Ed25519 or P-256 private key with a kid')
  const keys = given.some((k) => k.kty === 'RSA') ? given : [...given, await generateIdTokenKey()]
  // Set by `configuration`: what the client credentials grant must not hand out.
  let memberScopes = new Set([...OIDC_MEMBER_SCOPES, 'profile', MEMBERSHIP_SCOPE])
  const key = await importSigningKey(jwk)
  const { store } = options
  const registry = createGroupRegistry({
    store,
    source: options.events.source,
    key: options.events.key,
    emit: options.events.emit,
    ...(options.now === undefined ? {} : { now: options.now }),
  })
  let mounted: ProviderLike | undefined
  const mountedProvider = (): ProviderLike => {
    if (mounted === undefined) throw new TypeError('mount the authority on a provider first')
    return mounted
  }
  let manifests: ManifestResolver | undefined = options.install?.manifests
  const installs = createGroupInstalls({
    issuer: () => mountedProvider().issuer,
    store,
    registry,
    manifests: () =>
      (manifests ??= createManifestResolver({ allowAnySource: true, fetch: createSafeFetch() })),
    clients: () => options.install?.clients ?? providerClients(mountedProvider()),
    now: options.now ?? (() => new Date()),
  })
  const groups = createGroupHandler({
    store,
    authenticate: (request) => {
      if (mounted === undefined) throw new TypeError('mount the authority on a provider first')
      return bearerTool(mounted, request)
    },
    ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
  })

  const validateGroupParameter = async (ctx: ProviderContext, value: unknown): Promise<void> => {
    const scope = typeof ctx.oidc.params['scope'] === 'string' ? ctx.oidc.params['scope'] : ''
    if (!scope.split(' ').includes(MEMBERSHIP_SCOPE)) {
      // The group is disclosed only under `cta:membership`: without it, consent would record no
      // group, and a grant for the group would never be found (a consent page after each Allow).
      if (value === undefined) return
      throw new OAuthError(
        400,
        'invalid_request',
        `${GROUP_PARAMETER} needs the ${MEMBERSHIP_SCOPE} scope`,
      )
    }
    if (typeof value !== 'string' || (await store.getGroup(value)) === undefined) {
      throw new OAuthError(
        400,
        'invalid_request',
        `${GROUP_PARAMETER} must name a group of this authority`,
      )
    }
  }

  return {
    registry,
    groups,
    installs,

    configuration(base = {}) {
      const baseFindAccount = base['findAccount'] as
        | ((ctx: ProviderContext, id: string, token?: unknown) => Promise<AccountLike | undefined>)
        | undefined
      const baseLoadGrant = base['loadExistingGrant'] as
        ((ctx: ProviderContext) => Promise<GrantLike | undefined>) | undefined
      const features = (base['features'] ?? {}) as Record<string, unknown>
      const extraParams = base['extraParams']
      const claims = {
        openid: ['sub'],
        profile: ['name'],
        ...(base['claims'] as object | undefined),
        [MEMBERSHIP_SCOPE]: ['groups'],
      }
      memberScopes = new Set([...OIDC_MEMBER_SCOPES, ...Object.keys(claims)])
      return {
        ...base,
        jwks: { keys: keys.map((k) => ({ ...k })) },
        // Tools are registered with a secret: advertise only what such a client may use.
        clientAuthMethods: base['clientAuthMethods'] ?? [
          'client_secret_basic',
          'client_secret_post',
        ],
        scopes: union(base['scopes'] ?? ['openid', 'offline_access'], [
          'openid',
          'profile',
          MEMBERSHIP_SCOPE,
          ROSTER_SCOPE,
        ]),
        claims,
        extraParams: {
          ...(Array.isArray(extraParams)
            ? Object.fromEntries((extraParams as string[]).map((p) => [p, undefined]))
            : typeof extraParams === 'object'
              ? { ...extraParams }
              : {}),
          [GROUP_PARAMETER]: validateGroupParameter,
        },
        features: {
          ...features,
          devInteractions: features['devInteractions'] ?? { enabled: false },
          clientCredentials: { enabled: true },
        },
        pkce: { ...(base['pkce'] as object | undefined), required: () => true },
        // Scope claims (here `groups`) go into the ID token, not only to the userinfo endpoint.
        conformIdTokenClaims: false,
        // OpenID Connect's default, which every OpenID library verifies; a client that registers
        // `EdDSA` or `ES256` gets ID tokens from the assertion key.
        clientDefaults: {
          id_token_signed_response_alg: 'RS256',
          ...(base['clientDefaults'] as object | undefined),
        },
        async findAccount(ctx: ProviderContext, id: string, token?: { grantId?: string }) {
          const account =
            baseFindAccount === undefined
              ? { accountId: id, claims: () => ({ sub: id }) }
              : await baseFindAccount(ctx, id, token)
          return account === undefined
            ? undefined
            : accountWithGroup(account, ctx, token, store, (grantId) =>
                mounted === undefined ? Promise.resolve(undefined) : mounted.Grant.find(grantId),
              )
        },
        async loadExistingGrant(ctx: ProviderContext) {
          let grant: GrantLike | undefined
          if (baseLoadGrant !== undefined) {
            grant = await baseLoadGrant(ctx)
          } else {
            const clientId = ctx.oidc.client?.clientId
            const grantId =
              ctx.oidc.result?.consent?.grantId ??
              (clientId === undefined ? undefined : ctx.oidc.session?.grantIdFor(clientId))
            grant = grantId === undefined ? undefined : await mounted?.Grant.find(grantId)
          }
          // One grant per disclosed group: a sign-in for another group asks for consent again.
          const requested = ctx.oidc.params[GROUP_PARAMETER]
          if (grant === undefined) return undefined
          if (typeof requested === 'string' && groupOfGrant(grant) !== requested) {
            return undefined
          }
          return grant
        },
      }
    },

    mount(provider) {
      mounted = provider
      provider.use((ctx, next) => {
        const encoded = encodeOriginBasicCredentials(ctx.get('authorization'))
        if (encoded !== undefined) ctx.headers['authorization'] = encoded
        return next()
      })
      // Member scopes come only from a member's sign-in, never from the client credentials grant.
      const { prototype } = provider.ClientCredentials
      const save = prototype.save
      prototype.save = function (this: ClientCredentialsLike) {
        const refused = (this.scope ?? '').split(' ').filter((s) => memberScopes.has(s))
        if (refused.length > 0) {
          return Promise.reject(
            new OAuthError(
              400,
              'invalid_scope',
              `${refused.join(' ')} is granted only through a member's sign-in`,
            ),
          )
        }
        return save.call(this)
      }
      provider.registerGrantType(
        TOKEN_EXCHANGE_GRANT_TYPE,
        (ctx) => tokenExchange(ctx, provider, { store, key, lifetime, recheck, now: options.now }),
        TOKEN_EXCHANGE_PARAMETERS,
      )
      const base = options.groupsBase ?? `${new URL(provider.issuer).origin}/g/`
      provider.use((ctx, next) => serveGroups(ctx, next, base, groups))
      provider.use((ctx, next) =>
        serveInstalls(ctx, next, provider.issuer, installs, options.install?.approvalUri),
      )
    },

    async consent(provider, details) {
      const accountId = details.session?.accountId
      const clientId = details.params['client_id']
      if (typeof accountId !== 'string' || typeof clientId !== 'string') {
        throw new TypeError('consent needs an interaction with a signed-in member')
      }
      const scope = details.params['scope']
      const scopes = typeof scope === 'string' ? scope.split(' ') : []
      const group = details.params[GROUP_PARAMETER]
      if (scopes.includes(MEMBERSHIP_SCOPE)) {
        if (typeof group !== 'string') {
          return { error: 'invalid_request', error_description: `${GROUP_PARAMETER} is required` }
        }
        const membership = await store.getMembership(group, accountId)
        if (membership?.membershipStatus !== 'active') {
          return { error: 'access_denied', error_description: 'not an active member of the group' }
        }
        const installation = await store.getInstallation(group, clientId)
        if (installation?.installationStatus !== 'active') {
          return {
            error: 'access_denied',
            error_description: 'the tool is not installed in the group',
          }
        }
      }
      let grant =
        details.grantId === undefined ? undefined : await provider.Grant.find(details.grantId)
      if (grant !== undefined && typeof group === 'string' && groupOfGrant(grant) !== group) {
        grant = undefined
      }
      grant ??= new provider.Grant({ accountId, clientId })
      const missing = details.prompt.details
      if (missing.missingOIDCScope !== undefined)
        grant.addOIDCScope(missing.missingOIDCScope.join(' '))
      if (missing.missingOIDCClaims !== undefined) grant.addOIDCClaims(missing.missingOIDCClaims)
      for (const [resource, scope] of Object.entries(missing.missingResourceScopes ?? {})) {
        grant.addResourceScope(resource, scope.join(' '))
      }
      if (typeof group === 'string' && scopes.includes(MEMBERSHIP_SCOPE)) {
        setGroupOfGrant(grant, group)
      }
      return { consent: { grantId: await grant.save() } }
    },
  }
}
