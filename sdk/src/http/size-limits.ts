/**
 * The size limits of the protocol's bodies, tokens and fetched documents, in bytes, counted after
 * any content coding is removed (DLV-LIM-001). A reader stops at the limit and refuses the rest
 * with `ERR_TOO_LARGE` (`413` for a request).
 *
 * @example
 * ```ts
 * import { SIZE_LIMITS } from '@cta-interop/sdk'
 * console.log(SIZE_LIMITS.feedPage) // 4194304
 * ```
 * @see {@link https://w3id.org/cta/spec/delivery#size-limits Spec: size limits}
 */
export const SIZE_LIMITS: Readonly<{
  /** A subscription request's body (DLV-LIM-002). */
  subscriptionRequest: number
  /** A request token, the `CTA-JWS` credentials of an `Authorization` header (DLV-LIM-003). */
  requestToken: number
  /** A tool manifest, a key set (JWKS) or a `Group` document (DLV-LIM-004). */
  document: number
  /** A feed's answer (DLV-LIM-005, DLV-LIM-006). */
  feedPage: number
  /** A roster page or an installations collection (DLV-LIM-007). */
  collectionPage: number
}> = Object.freeze({
  subscriptionRequest: 8 * 1024,
  requestToken: 4 * 1024,
  document: 64 * 1024,
  feedPage: 4 * 1024 * 1024,
  collectionPage: 4 * 1024 * 1024,
})
