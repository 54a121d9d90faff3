import { ProtocolError } from '../errors.js'
import { MAX_EVENT_DEPTH, MAX_HEADER_LENGTH } from '../events/constants.js'
import type { SignatureVerifier } from '../events/verify-event.js'
import { compactJwsRules, verifyCompactJws } from '../internal/verify-compact-jws.js'
import type { ResolveKey } from '../keys/resolve-key.js'
import { EXPORT_JWS_TYP, MAX_EXPORT_PAGE_LENGTH } from './constants.js'
import type { ExportPage } from './export-page.js'
import { checkExportPage } from './internal/check-export-page.js'

/** Options of {@link verifyExportPage}. */
export interface VerifyExportPageOptions {
  /**
   * REQUIRED. Finds the tool's key for the `kid`: `createManifestResolver(…).resolveKey` reads it
   * from the tool's manifest and JWKS; the key's `source` must be the page's `generator`.
   */
  readonly resolveKey: ResolveKey
  /** Verifies the signature bytes. Default: Web Crypto. */
  readonly verifySignature?: SignatureVerifier
}

/** What {@link verifyExportPage} returns for a page it accepts. */
export interface VerifyExportPageResult {
  /** The verified page (frozen). */
  readonly page: ExportPage
  /** The `kid` that signed it. */
  readonly kid: string
}

const PAGE_RULES = compactJwsRules({
  typ: EXPORT_JWS_TYP,
  maxLength: MAX_EXPORT_PAGE_LENGTH,
  maxHeaderLength: MAX_HEADER_LENGTH,
  maxDepth: MAX_EVENT_DEPTH,
})

/**
 * Verifies one signed page of a member's export, now or years later: the compact JWS's shape,
 * its protected header exactly `{ alg, kid, typ: "cta-export+jws" }`, the key, the signature,
 * the payload as strict JSON, the page's members and every item as a valid protocol document,
 * and that the key is published by the tool the page names as its `generator`.
 *
 * @param jws The compact JWS, as received or as stored in an export file.
 * @param options `resolveKey` (required), `verifySignature`.
 * @returns The page and the `kid` that signed it.
 * @throws {ProtocolError} `ERR_TOO_LARGE`, `ERR_JWS_MALFORMED`, `ERR_HEADER_NOT_ALLOWED`,
 *   `ERR_TYP_MISMATCH`, `ERR_ALG_NOT_ALLOWED`, `ERR_KEY_UNRESOLVED`, `ERR_SIGNATURE_INVALID`,
 *   `ERR_JSON_INVALID`, `ERR_SCHEMA_INVALID` (or an item's `ERR_JSONLD_UNSAFE` /
 *   `ERR_JSONLD_CONTEXT_UNKNOWN`), `ERR_SOURCE_MISMATCH` (a key of another tool than the
 *   `generator`).
 * @throws {TypeError} When `resolveKey` is missing.
 * @example
 * ```ts
 * declare const signedPage: string
 * const { page } = await verifyExportPage(signedPage, { resolveKey })
 * page.orderedItems.length
 * ```
 * @see {@link https://w3id.org/cta/spec/export#EXP-VER-001 Spec: EXP-VER-001}
 */
export async function verifyExportPage(
  jws: string,
  options: VerifyExportPageOptions,
): Promise<VerifyExportPageResult> {
  if (typeof jws !== 'string') throw new TypeError('jws must be a string')
  if (typeof options.resolveKey !== 'function')
    throw new TypeError('options.resolveKey is required')
  const { kid, key, payload } = await verifyCompactJws(jws, PAGE_RULES, {
    resolveKey: options.resolveKey,
    verifySignature: options.verifySignature,
  })
  const page = checkExportPage(payload)
  if (key.source !== page.generator) {
    throw new ProtocolError(
      'ERR_SOURCE_MISMATCH',
      'the page is signed by another tool than its generator',
    )
  }
  return { page: Object.freeze(page), kid }
}
