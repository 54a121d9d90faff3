// oidc-provider ships no types. This declares the part of it the decisions tool uses; the members
// the SDK's authority plugin needs come from the plugin's structural `ProviderLike`.
declare module 'oidc-provider' {
  type IncomingMessage = import('node:http').IncomingMessage
  type ServerResponse = import('node:http').ServerResponse
  type ProviderLike = import('@cta-interop/sdk/authority').ProviderLike
  type InteractionDetailsLike = import('@cta-interop/sdk/authority').InteractionDetailsLike

  /** What `interactionDetails` returns: the plugin's view plus the interaction's id. */
  export interface InteractionDetails extends InteractionDetailsLike {
    readonly uid: string
  }

  export default class Provider implements ProviderLike {
    constructor(issuer: string, configuration: Record<string, unknown>)
    readonly issuer: string
    readonly Grant: ProviderLike['Grant']
    readonly AccessToken: ProviderLike['AccessToken']
    readonly ClientCredentials: ProviderLike['ClientCredentials']
    readonly Client: ProviderLike['Client']
    registerGrantType(...args: Parameters<ProviderLike['registerGrantType']>): void
    use(...args: Parameters<ProviderLike['use']>): void
    /** The provider as a `node:http` request listener. */
    callback(): (req: IncomingMessage, res: ServerResponse) => void
    /** Emitted on errors the provider answers with `500`. */
    on(event: 'server_error', listener: (ctx: unknown, error: Error) => void): this
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: unknown,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>
  }
}
