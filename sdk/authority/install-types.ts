import type { ManifestResolver, ToolInstallation } from '@cta-interop/sdk'

/** A tool's request to be installed in a group, as the authority keeps it. */
export interface InstallRequest {
  /** The request's id (the last segment of its `install_request` URL). */
  readonly id: string
  /** The tool's origin (the statement's `iss`, its future `client_id`). */
  readonly tool: string
  /** The tool's name, from the statement. */
  readonly clientName: string
  /** The group's IRI. */
  readonly group: string
  /** The scopes asked for. */
  readonly scope: readonly string[]
  /** The event types the tool will emit or receive in the group. */
  readonly eventTypes: readonly string[]
  /** The tool's redirect URIs. */
  readonly redirectUris: readonly string[]
  /** Where it stands. */
  readonly status: 'pending' | 'approved' | 'refused'
  /** When it arrived (ISO 8601). */
  readonly requestedAt: string
  /** Who approved or refused it (a member IRI), once decided. */
  readonly decidedBy?: string
  /** The ToolInstallation IRI, once approved. */
  readonly installation?: string
}

/** The OAuth client an approval registers: RFC 7591 client metadata. */
export interface InstallClientMetadata {
  readonly client_id: string
  readonly client_secret: string
  readonly client_name: string
  readonly redirect_uris: readonly string[]
  readonly grant_types: readonly string[]
  readonly response_types: readonly string[]
  readonly scope: string
  readonly token_endpoint_auth_method: 'client_secret_basic'
}

/**
 * Where an approval registers the tool's OAuth client, and an uninstall revokes it. Default: the
 * provider's own client storage (`provider.Client.adapter`, the adapter the provider was built
 * with), so a client registered here is found by the provider like any other.
 */
export interface InstallClients {
  /** The client's current metadata, if it is registered (to keep its secret when re-installed). */
  find(clientId: string): Promise<
    | {
        readonly client_secret?: string
        readonly redirect_uris?: readonly string[]
        readonly scope?: string
      }
    | undefined
  >
  /** Registers or updates a client. */
  register(metadata: InstallClientMetadata): Promise<void>
  /** Removes a client: its later token requests fail with `invalid_client`. */
  revoke(clientId: string): Promise<void>
}

/** The install requests of the groups an authority holds, and the admins' decisions on them. */
export interface GroupInstalls {
  /** The requests (pending and decided), of one group or of all, oldest first. */
  list(group?: string): Promise<InstallRequest[]>
  /** One request by id. */
  get(id: string): Promise<InstallRequest | undefined>
  /**
   * An admin approves a pending request: registers the tool's OAuth client and creates its
   * ToolInstallation (announced as `group.tool.connected`).
   * @throws {ProtocolError} `ERR_NOT_FOUND`, `ERR_INSTALL_DECIDED`, `ERR_NOT_ADMIN`.
   */
  approve(id: string, by: string): Promise<ToolInstallation>
  /**
   * An admin refuses a pending request.
   * @throws {ProtocolError} `ERR_NOT_FOUND`, `ERR_INSTALL_DECIDED`, `ERR_NOT_ADMIN`.
   */
  refuse(id: string, by: string): Promise<void>
  /**
   * An admin uninstalls a tool from a group: ends its installation (announced as
   * `group.tool.disconnected`, which ends its subscriptions to the group) and revokes its OAuth
   * client unless another group of this authority still has it installed.
   * @throws {ProtocolError} `ERR_NOT_ADMIN`, `ERR_NOT_INSTALLED`.
   */
  uninstall(group: string, tool: string, by: string): Promise<void>
}

/** The install options of the plugin (see {@link GroupAuthorityOptions}). */
export interface InstallOptions {
  /** Where an admin of the group approves a request (the vendor's page), as `approval_uri`. */
  readonly approvalUri?: (id: string) => string
  /** Where clients are registered and revoked. Default: the provider's client storage. */
  readonly clients?: InstallClients
  /**
   * Finds tools' manifests and keys for install statements. It must fetch any origin (a tool
   * asking to be installed is not yet known). Default: `createManifestResolver` with
   * `allowAnySource: true` and the guarded fetch of `createSafeFetch()`.
   */
  readonly manifests?: ManifestResolver
}
