/**
 * `@cta-interop/sdk`: the TypeScript SDK of CTA Interop, the interoperability protocol for
 * collaborative tools. This entry holds what every tool needs at runtime and loads neither
 * TypeBox nor jsonld: use `@cta-interop/sdk/schemas` for the schemas themselves and
 * `@cta-interop/sdk/jsonld` for JSON-LD tooling.
 * @module
 */
export { AS2_CONTEXT, CONTEXT, CTA_CONTEXT, CTA_NAMESPACE, SCHEMA_BASE } from './constants.js'
export {
  ProtocolError,
  SchemaInvalid,
  isProtocolError,
  type AnyProtocolError,
  type ProtocolErrorCode,
  type ValidationIssue,
} from './errors.js'
export {
  assertValid,
  validateDocument,
  type AnyDocument,
  type DocumentOfKind,
  type ValidateDocumentOptions,
  type ValidateDocumentResult,
} from './validate/validate-document.js'
export type { DocumentKind } from './schemas/index.js'
export {
  createEvent,
  type CreateEventOptions,
  type EventData,
  type ExtensionValue,
} from './events/create-event.js'
export type { CoreEventType, EventOf } from './schemas/index.js'
// -- events and delivery --
export { ALLOWED_ALGORITHMS, isAllowedAlgorithm, type SigningAlgorithm } from './keys/algorithms.js'
export {
  generateSigningKey,
  importSigningKey,
  toJwks,
  type GenerateSigningKeyOptions,
  type Jwks,
  type PublicJwk,
  type SigningKey,
} from './keys/signing-key.js'
export { staticKeyResolver, type ResolveKey, type ResolvedKey } from './keys/resolve-key.js'
export {
  DEFAULT_CLOCK_TOLERANCE,
  DEFAULT_MAX_EVENT_AGE,
  EVENT_JWS_TYP,
  MAX_EVENT_DEPTH,
  MAX_EVENT_JWS_LENGTH,
} from './events/constants.js'
export { signEvent } from './events/sign-event.js'
export {
  verifyEvent,
  type DedupeStore,
  type VerifyEventOptions,
  type VerifyEventResult,
} from './events/verify-event.js'
export {
  createMemoryDedupeStore,
  type MemoryDedupeStoreOptions,
} from './stores/memory-dedupe-store.js'
// -- intents: exports of sdk/src/intents go below this line --
