// The parts of `oidc-provider` (v9) that the plugin touches, typed structurally: `oidc-provider`
// ships no types, and the plugin must not need them. Only what is used is declared.

/** An `oidc-provider` grant: what a member consented to for one client. */
export interface GrantLike {
  /** The grant's id, once saved. */
  readonly jti?: string
  /** The member. */
  accountId?: string
  /** The client (the tool's origin). */
  clientId?: string
  /** RFC 9396 authorization details held by the grant; the plugin keeps the disclosed group here. */
  rar?: { type: string; [key: string]: unknown }[]
  /** Grants OpenID scopes (space-separated). */
  addOIDCScope(scope: string): void
  /** Grants OpenID claims. */
  addOIDCClaims(claims: readonly string[]): void
  /** Grants scopes (space-separated) at a resource server. */
  addResourceScope(resource: string, scope: string): void
  /** Stores the grant; resolves to its id. */
  save(): Promise<string>
}

/** An `oidc-provider` access token or client-credentials token, as found by its value. */
export interface TokenLike {
  /** The client it was issued to. */
  readonly clientId: string
  /** The member, for a member's access token. */
  readonly accountId?: string
  /** The grant it was issued under, for a member's access token. */
  readonly grantId?: string
  /** Its scopes, space-separated. */
  readonly scope?: string
  /** Whether it has expired. */
  readonly isExpired: boolean
}

/** A client-credentials token before it is stored (the parts used). */
export interface ClientCredentialsLike {
  /** Its scopes, space-separated. */
  readonly scope?: string
  /** Stores the token; resolves to its value. */
  save: (this: ClientCredentialsLike) => Promise<string>
}

/** The Koa context `oidc-provider` hands to grant handlers and middleware (the parts used). */
export interface ProviderContext {
  /** The request method. */
  readonly method: string
  /** The request path. */
  readonly path: string
  /** The query string, without `?`. */
  readonly querystring: string
  /** A request header's value, `''` when absent. */
  get(header: string): string
  /** The request headers (Node's `req.headers`): what the provider's routes read. */
  readonly headers: Record<string, string | string[] | undefined>
  /** Sets a response header. */
  set(header: string, value: string): void
  /** The response status. */
  status: number
  /** The response body. */
  body: unknown
  /** The Node request, whose body the install endpoint reads. */
  readonly req: AsyncIterable<Uint8Array>
  /** What `oidc-provider` knows about the request. */
  readonly oidc: {
    readonly params: Record<string, unknown>
    readonly client?: { readonly clientId: string }
    readonly entities?: { readonly Grant?: GrantLike }
    readonly result?: { readonly consent?: { readonly grantId?: string } }
    readonly session?: {
      /** The id of the grant the session holds for a client. */
      grantIdFor(clientId: string): string | undefined
    }
  }
}

/** An `oidc-provider` `Provider` instance (the parts used). */
export interface ProviderLike {
  /** The issuer URL. */
  readonly issuer: string
  /** Adds a grant type at the token endpoint, with the request parameters it takes. */
  registerGrantType(
    name: string,
    handler: (ctx: ProviderContext) => Promise<void>,
    parameters?: readonly string[],
    duplicates?: readonly string[],
  ): void
  /** Adds a Koa middleware in front of the provider's routes. */
  use(middleware: (ctx: ProviderContext, next: () => Promise<unknown>) => Promise<unknown>): void
  /** The grant model. */
  readonly Grant: {
    new (properties: { accountId: string; clientId: string }): GrantLike
    /** Finds a grant by id. */
    find(id: string): Promise<GrantLike | undefined>
  }
  /** The access token model. */
  readonly AccessToken: {
    /** Finds an access token by its value. */
    find(value: string): Promise<TokenLike | undefined>
  }
  /** The client model: the install flow registers and revokes clients through its adapter. */
  readonly Client: {
    /** Finds a client (static or registered) by id. */
    find(id: string): Promise<
      | {
          readonly clientSecret?: string
          readonly redirectUris?: readonly string[]
          readonly scope?: string
        }
      | undefined
    >
    /** Checks client metadata; rejects with `invalid_client_metadata` or `invalid_redirect_uri`. */
    validate(metadata: Record<string, unknown>): Promise<void>
    /** The storage of registered clients. */
    readonly adapter: {
      /** Stores a client's metadata under its id (a registration or an update). */
      upsert(id: string, payload: Record<string, unknown>): Promise<unknown>
      /** Removes a client: its later requests fail with `invalid_client`. */
      destroy(id: string): Promise<unknown>
    }
  }
  /** The client-credentials token model. */
  readonly ClientCredentials: {
    /** Finds a client-credentials token by its value. */
    find(value: string): Promise<TokenLike | undefined>
    /** Its instances' methods: the plugin checks a token's scopes before it is stored. */
    readonly prototype: ClientCredentialsLike
  }
}

/** What `provider.interactionDetails(req, res)` returns (the parts used). */
export interface InteractionDetailsLike {
  /** The authorization request's parameters, `cta_group` among them. */
  readonly params: Record<string, unknown>
  /** The prompt being answered and what it is missing. */
  readonly prompt: {
    readonly name: string
    readonly details: {
      readonly missingOIDCScope?: readonly string[]
      readonly missingOIDCClaims?: readonly string[]
      readonly missingResourceScopes?: Readonly<Record<string, readonly string[]>>
    }
  }
  /** The signed-in member, once logged in. */
  readonly session?: { readonly accountId?: string }
  /** The grant the session already holds for the client, if any. */
  readonly grantId?: string
}

/** An account as `findAccount` returns it in `oidc-provider`. */
export interface AccountLike {
  /** The member's IRI. */
  readonly accountId: string
  /** The member's claims for a use (`id_token`, `userinfo`) and the granted scopes. */
  claims(
    use: string,
    scope: string,
    claims: unknown,
    rejected: readonly string[],
  ): Record<string, unknown> | Promise<Record<string, unknown>>
}

/** An `oidc-provider` configuration object (`new Provider(issuer, configuration)`). */
export type ProviderConfiguration = Record<string, unknown>
