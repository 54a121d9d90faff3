// oidc-provider ships no types; the live peer uses this much of it. (An ambient module cannot import
// the authority plugin's types, so the shapes the suite needs are written out.)
declare module 'oidc-provider' {
  type IncomingMessage = import('node:http').IncomingMessage
  type ServerResponse = import('node:http').ServerResponse

  export interface InteractionDetails {
    readonly uid: string
    readonly params: Record<string, unknown>
    readonly prompt: {
      readonly name: string
      readonly details: {
        readonly missingOIDCScope?: readonly string[]
        readonly missingOIDCClaims?: readonly string[]
        readonly missingResourceScopes?: Readonly<Record<string, readonly string[]>>
      }
    }
    readonly session?: { readonly accountId?: string }
    readonly grantId?: string
  }

  export type GrantHandler = (ctx: { body?: unknown }, next: () => Promise<void>) => Promise<void>

  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>)
    readonly issuer: string
    registerGrantType(name: string, handler: GrantHandler, ...rest: unknown[]): void
    callback(): (req: IncomingMessage, res: ServerResponse) => void
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: unknown,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>
  }
}
