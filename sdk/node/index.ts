/**
 * `@cta-interop/sdk/node`: the parts of the SDK that need Node.js: a `fetch` that refuses
 * non-public addresses after DNS resolution, an adapter from Fetch API handlers to `node:http`, a
 * server whose timeouts close slow connections, durable delivery stores, and the test-only
 * conformance control API.
 * @module
 */
export { createSafeFetch, type ResolvedAddress, type SafeFetchOptions } from './safe-fetch.js'
export { toNodeListener, type NodeListenerOptions } from './to-node-listener.js'
export {
  createNodeServer,
  NODE_SERVER_DEFAULTS,
  type NodeServerOptions,
} from './create-node-server.js'
export { nodeSignatureVerifier } from './node-signature-verifier.js'
export { nodeBase64urlDecoder } from './node-base64url-decoder.js'
export {
  sodiumSignatureVerifier,
  type PooledSignatureVerifier,
  type SodiumSignatureVerifierOptions,
} from './sodium-signature-verifier.js'
export { createNodeInbox } from './create-node-inbox.js'
export {
  createTool,
  development,
  PresetRefusal,
  type CreateToolOptions,
  type Tool,
  type ToolPreset,
  type ToolStoreOptions,
  type ToolSubscribeOptions,
} from './create-tool.js'
export {
  subscribe,
  type CursorStore,
  type SubscribeOptions,
  type SubscribeResult,
} from './subscribe.js'
export {
  createPgliteDeliveryStore,
  type PgliteDeliveryStoreOptions,
  type PgliteLike,
} from './stores/pglite-delivery-store.js'
export {
  createPostgresDeliveryStore,
  type PgPoolClientLike,
  type PgPoolLike,
  type PostgresDeliveryStoreOptions,
} from './stores/postgres-delivery-store.js'
export type {
  SqlDeliveryStore,
  SqlStoreOptions,
  SqlTransaction,
} from './stores/sql-delivery-store.js'
export {
  CONTROL_BASE_PATH,
  CONTROL_UNSUPPORTED,
  ControlUnsupportedError,
  createControlHandler,
  type ControlAction,
  type ControlHandler,
  type ControlHandlerOptions,
  type ControlMember,
  type ControlObservation,
  type ControlSession,
  type ControlSessionRequest,
  type ControlSessionSetup,
} from './create-control-handler.js'
