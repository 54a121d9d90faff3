/**
 * `@cta-interop/sdk/authority`: the group auth plugin for `oidc-provider` (Node.js only), which
 * makes a tool that holds groups their authority: "sign in with your group", membership assertions
 * by token exchange, rosters and tool installations, and membership events.
 * `oidc-provider` is an optional peer dependency of the SDK; install it to use this entry.
 * @module
 */
export {
  createGroupAuthority,
  type GroupAuthority,
  type GroupAuthorityOptions,
  type InteractionResult,
} from './create-group-authority.js'
export { GROUP_DETAIL_TYPE } from './internal/grant-group.js'
export type {
  GroupInstalls,
  InstallClientMetadata,
  InstallClients,
  InstallOptions,
  InstallRequest,
} from './install-types.js'
export type {
  AccountLike,
  GrantLike,
  InteractionDetailsLike,
  ProviderConfiguration,
  ProviderContext,
  ProviderLike,
  TokenLike,
} from './provider-types.js'
