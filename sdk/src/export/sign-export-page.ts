import { CompactSign } from 'jose'
import type { SigningKey } from '../keys/signing-key.js'
import { EXPORT_JWS_TYP } from './constants.js'
import type { ExportPage } from './export-page.js'
import { checkExportPage } from './internal/check-export-page.js'

const encoder = new TextEncoder()

/**
 * Signs one page of a member's export: the page becomes the payload of a compact JWS whose
 * protected header is exactly `{ alg, kid, typ: "cta-export+jws" }`, signed with the tool's
 * event key, so that anyone can verify it later against the tool's JWKS. The page is checked
 * first, so a tool cannot sign what verifiers refuse.
 *
 * @param page The page: `generator` is the tool's origin, the origin of `key`'s `kid`.
 * @param key The tool's signing key, published in the JWKS of its manifest.
 * @returns The compact JWS.
 * @throws {ProtocolError} `ERR_SCHEMA_INVALID` (or an item's JSON-LD code) when the page is not
 *   a valid export page.
 * @example
 * ```ts
 * declare const exportPage: import('@cta-interop/sdk').ExportPage
 * const signed = await signExportPage(exportPage, key)
 * ```
 * @see {@link https://w3id.org/cta/spec/export#EXP-SIGN-001 Spec: EXP-SIGN-001}
 */
export async function signExportPage(page: ExportPage, key: SigningKey): Promise<string> {
  const valid = checkExportPage(page)
  return new CompactSign(encoder.encode(JSON.stringify(valid)))
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: EXPORT_JWS_TYP })
    .sign(key.privateKey)
}
