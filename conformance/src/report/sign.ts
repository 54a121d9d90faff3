/**
 * Signed reports (`report.jws`): a JWS with a detached payload (RFC 7515 Appendix F) over the
 * exact bytes of `report.json`, and its verification: the signature against a given JWKS, the
 * report schema, and the vector digest against the installed vectors.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import {
  CompactSign,
  base64url,
  calculateJwkThumbprint,
  compactVerify,
  errors as joseErrors,
  importJWK,
  type JWK,
} from 'jose'
import { SUITE_DIR, loadVectors } from '../vectors.js'
import type { Report } from './report.js'

/** The `typ` of a signed report. */
export const REPORT_JWS_TYP = 'cta-conformance-report+jws'

/** The signature algorithms a report may be signed with. */
export type ReportAlgorithm = 'EdDSA' | 'ES256'

/** The codes of {@link ReportError}. Tests and callers branch on these, never on messages. */
export type ReportErrorCode =
  /** The JWS is not `header..signature`, or a part is not canonical base64url or JSON. */
  | 'ERR_REPORT_JWS_MALFORMED'
  /** The protected header has a member other than `alg`, `kid` and `typ`, or lacks one. */
  | 'ERR_REPORT_HEADER'
  /** The protected header's `typ` is not `cta-conformance-report+jws`. */
  | 'ERR_REPORT_TYP'
  /** `alg` is not EdDSA or ES256 (`none` included), or not the algorithm of the key. */
  | 'ERR_REPORT_ALG'
  /** No usable key with this `kid` in the given JWKS. */
  | 'ERR_REPORT_KEY_UNRESOLVED'
  /** The signature does not verify over the report's bytes. */
  | 'ERR_REPORT_SIGNATURE_INVALID'
  /** The report is not JSON, or does not validate against `schemas/report.schema.json`. */
  | 'ERR_REPORT_SCHEMA'
  /** `suite.vectorsDigest` is not the digest of the installed vectors. */
  | 'ERR_REPORT_DIGEST'
  /** The JWKS given for verification is not `{"keys": [...]}`. */
  | 'ERR_REPORT_JWKS_INVALID'
  /** The signing key is not a private Ed25519 or P-256 JWK. */
  | 'ERR_REPORT_KEY_INVALID'
  /** A report command or `writeReports` was called wrongly (missing file, option or reporter). */
  | 'ERR_REPORT_USAGE'

/** A coded error of signing, verifying or writing reports. */
export class ReportError extends Error {
  override readonly name = 'ReportError'
  readonly code: ReportErrorCode

  constructor(code: ReportErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
  }
}

/** Whether a value is a {@link ReportError}, optionally with the given code. */
export function isReportError(err: unknown, code?: ReportErrorCode): err is ReportError {
  return err instanceof ReportError && (code === undefined || err.code === code)
}

const fail = (code: ReportErrorCode, message: string, cause?: unknown): never => {
  throw new ReportError(code, message, cause === undefined ? undefined : { cause })
}

const HEADER_MEMBERS = ['alg', 'kid', 'typ'] as const
const MAX_HEADER_LENGTH = 1024
const encoder = new TextEncoder()

function bytesOf(report: string | Uint8Array): Uint8Array {
  return typeof report === 'string' ? encoder.encode(report) : report
}

/** The algorithm a key is for: Ed25519 signs with EdDSA, P-256 with ES256; anything else none. */
function algorithmOf(jwk: JWK): ReportAlgorithm | undefined {
  let alg: ReportAlgorithm | undefined
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') alg = 'EdDSA'
  else if (jwk.kty === 'EC' && jwk.crv === 'P-256') alg = 'ES256'
  // A key that names its algorithm is used with that algorithm only.
  if (alg !== undefined && jwk.alg !== undefined && jwk.alg !== alg) return undefined
  return alg
}

/** A key's identifier: its `kid`, or its RFC 7638 thumbprint when it has none. */
async function kidOf(jwk: JWK): Promise<string> {
  return typeof jwk.kid === 'string' && jwk.kid !== '' ? jwk.kid : calculateJwkThumbprint(jwk)
}

/** The public members of an Ed25519 or P-256 JWK: never verify with private material. */
function publicPart(jwk: JWK): JWK {
  const members = (['kty', 'crv', 'x', 'y'] as const).filter((name) => jwk[name] !== undefined)
  return Object.fromEntries(members.map((name) => [name, jwk[name]]))
}

/**
 * Signs a report: a compact JWS with a detached payload (`header..signature`, RFC 7515
 * Appendix F) over the exact bytes of the `report.json` text, with the protected header exactly
 * `{ alg, kid, typ: 'cta-conformance-report+jws' }`.
 * @param reportJsonText The report as written to `report.json` (a string is signed as UTF-8).
 * @param privateJwk A private Ed25519 (EdDSA) or P-256 (ES256) JWK; without a `kid`, its RFC 7638
 *   thumbprint is used.
 * @returns The detached compact JWS.
 * @throws {ReportError} `ERR_REPORT_KEY_INVALID` when the key is not a usable private key.
 */
export async function signReport(
  reportJsonText: string | Uint8Array,
  privateJwk: JWK,
): Promise<string> {
  if (typeof privateJwk !== 'object' || (privateJwk as unknown) === null) {
    return fail('ERR_REPORT_KEY_INVALID', 'the signing key is not a JWK')
  }
  const alg = algorithmOf(privateJwk)
  if (alg === undefined) {
    return fail('ERR_REPORT_KEY_INVALID', 'the signing key is not an Ed25519 or P-256 JWK')
  }
  if (typeof privateJwk.d !== 'string') {
    return fail('ERR_REPORT_KEY_INVALID', 'the signing key has no private part (d)')
  }
  let key
  let kid
  try {
    kid = await kidOf(privateJwk)
    key = await importJWK(privateJwk, alg)
  } catch (err) {
    return fail('ERR_REPORT_KEY_INVALID', 'the signing key cannot be imported', err)
  }
  const jws = await new CompactSign(bytesOf(reportJsonText))
    .setProtectedHeader({ alg, kid, typ: REPORT_JWS_TYP })
    .sign(key)
  const [header, , signature] = jws.split('.')
  return `${header ?? ''}..${signature ?? ''}`
}

/** Strict base64url: the URL-safe alphabet, no padding, and the one canonical encoding. */
function decodePart(part: string, what: string): Buffer {
  const bytes = Buffer.from(part, 'base64url')
  if (!/^[A-Za-z0-9_-]+$/.test(part) || bytes.toString('base64url') !== part) {
    return fail('ERR_REPORT_JWS_MALFORMED', `the ${what} is not canonical base64url`)
  }
  return bytes
}

function checkHeader(part: string): { alg: ReportAlgorithm; kid: string } {
  if (part.length > MAX_HEADER_LENGTH) fail('ERR_REPORT_HEADER', 'the protected header is too long')
  let header: unknown
  try {
    header = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(decodePart(part, 'header')),
    )
  } catch (err) {
    if (isReportError(err)) throw err
    return fail('ERR_REPORT_JWS_MALFORMED', 'the protected header is not JSON', err)
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    return fail('ERR_REPORT_JWS_MALFORMED', 'the protected header is not an object')
  }
  const names = Object.keys(header)
  const extra = names.find((name) => !(HEADER_MEMBERS as readonly string[]).includes(name))
  if (extra !== undefined) fail('ERR_REPORT_HEADER', `header member not allowed: ${extra}`)
  const missing = HEADER_MEMBERS.find((name) => !names.includes(name))
  if (missing !== undefined) fail('ERR_REPORT_HEADER', `header member missing: ${missing}`)
  const { alg, kid, typ } = header as Record<string, unknown>
  if (typ !== REPORT_JWS_TYP) fail('ERR_REPORT_TYP', `typ must be ${REPORT_JWS_TYP}`)
  if (alg !== 'EdDSA' && alg !== 'ES256')
    return fail('ERR_REPORT_ALG', 'alg must be EdDSA or ES256')
  if (typeof kid !== 'string' || kid === '' || kid.length > 512) {
    return fail('ERR_REPORT_HEADER', 'kid must be a non-empty string')
  }
  return { alg, kid }
}

async function findKey(jwks: unknown, kid: string): Promise<JWK> {
  const keys = (jwks as { keys?: unknown } | null)?.keys
  if (typeof jwks !== 'object' || !Array.isArray(keys)) {
    return fail('ERR_REPORT_JWKS_INVALID', 'the JWKS is not {"keys": [...]}')
  }
  const matches: JWK[] = []
  for (const key of keys as unknown[]) {
    if (typeof key !== 'object' || key === null || Array.isArray(key)) continue
    const jwk = key as JWK
    if (algorithmOf(jwk) === undefined) continue
    let id: string
    try {
      id = await kidOf(jwk)
    } catch {
      continue
    }
    if (id === kid) matches.push(jwk)
  }
  if (matches.length !== 1 || matches[0] === undefined) {
    return fail(
      'ERR_REPORT_KEY_UNRESOLVED',
      matches.length === 0
        ? `no Ed25519 or P-256 key with kid ${JSON.stringify(kid)} in the JWKS`
        : `several keys with kid ${JSON.stringify(kid)} in the JWKS`,
    )
  }
  return matches[0]
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020
let validator: Promise<ValidateFunction> | undefined

/** The compiled validator of `conformance/schemas/report.schema.json`. */
function reportValidator(): Promise<ValidateFunction> {
  validator ??= (async () => {
    const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true })
    addFormats(ajv)
    const schema = JSON.parse(
      await readFile(join(SUITE_DIR, 'schemas', 'report.schema.json'), 'utf8'),
    ) as object
    return ajv.compile(schema)
  })()
  return validator
}

/**
 * Parses a report and validates it against `conformance/schemas/report.schema.json`.
 * @param report The `report.json` text or bytes.
 * @returns The report.
 * @throws {ReportError} `ERR_REPORT_SCHEMA` when it is not UTF-8 JSON or does not validate.
 */
export async function parseReport(report: string | Uint8Array): Promise<Report> {
  let data: unknown
  try {
    const text =
      typeof report === 'string' ? report : new TextDecoder('utf-8', { fatal: true }).decode(report)
    data = JSON.parse(text)
  } catch (err) {
    return fail('ERR_REPORT_SCHEMA', 'the report is not UTF-8 JSON', err)
  }
  const validate = await reportValidator()
  if (!validate(data)) {
    const issues = (validate.errors ?? [])
      .slice(0, 5)
      .map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`)
    return fail('ERR_REPORT_SCHEMA', `the report does not match its schema: ${issues.join('; ')}`)
  }
  return data as Report
}

/** What {@link verifyReport} checked. Every check that fails throws instead. */
export interface VerifiedReport {
  /** The `kid` of the key that signed the report. */
  readonly kid: string
  readonly alg: ReportAlgorithm
  readonly signatureOk: true
  readonly schemaOk: true
  /**
   * `true`: `suite.vectorsDigest` is the digest of the installed vectors. `null`: the report
   * carries no digest to check (and is not a `vectors` run).
   */
  readonly digestOk: true | null
  /** The verified report. */
  readonly report: Report
}

/** The input of {@link verifyReport}. */
export interface VerifyReportInput {
  /** The exact `report.json` text or bytes that were signed. */
  readonly report: string | Uint8Array
  /** The detached compact JWS (`header..signature`); surrounding whitespace is ignored. */
  readonly jws: string
  /** The keys to trust: the key is looked up by `kid` here and nowhere else. */
  readonly jwks: { readonly keys: readonly JWK[] }
  /** The digest to compare `suite.vectorsDigest` with. Default: that of the installed vectors. */
  readonly vectorsDigest?: string
}

/**
 * Verifies a signed report: the detached JWS over the report's bytes (key found by `kid` in the
 * given JWKS only, `alg` pinned to the key, protected header exactly `alg`, `kid` and `typ` with
 * `typ: cta-conformance-report+jws`), then the report against its JSON Schema, then
 * `suite.vectorsDigest` against the installed vectors.
 * @param input The report, its JWS and the trusted JWKS.
 * @returns What was checked, with the report.
 * @throws {ReportError} `ERR_REPORT_JWS_MALFORMED`, `ERR_REPORT_HEADER`, `ERR_REPORT_TYP`,
 *   `ERR_REPORT_ALG`, `ERR_REPORT_JWKS_INVALID`, `ERR_REPORT_KEY_UNRESOLVED`,
 *   `ERR_REPORT_SIGNATURE_INVALID`, `ERR_REPORT_SCHEMA`, `ERR_REPORT_DIGEST`.
 */
export async function verifyReport(input: VerifyReportInput): Promise<VerifiedReport> {
  const jws = typeof input.jws === 'string' ? input.jws.trim() : ''
  const parts = jws.split('.')
  if (parts.length !== 3) fail('ERR_REPORT_JWS_MALFORMED', 'a compact JWS has three parts')
  const [headerPart = '', payloadPart, signaturePart = ''] = parts
  if (payloadPart !== '') {
    fail('ERR_REPORT_JWS_MALFORMED', 'the payload must be detached (header..signature)')
  }
  const { alg, kid } = checkHeader(headerPart)
  decodePart(signaturePart, 'signature')
  const jwk = await findKey(input.jwks, kid)
  if (algorithmOf(jwk) !== alg) fail('ERR_REPORT_ALG', `alg ${alg} is not the algorithm of the key`)
  const bytes = bytesOf(input.report)
  let key
  try {
    key = await importJWK(publicPart(jwk), alg)
  } catch (err) {
    return fail('ERR_REPORT_KEY_UNRESOLVED', `the key ${kid} cannot be imported`, err)
  }
  try {
    await compactVerify(`${headerPart}.${base64url.encode(bytes)}.${signaturePart}`, key, {
      algorithms: [alg],
    })
  } catch (err) {
    if (err instanceof joseErrors.JWSSignatureVerificationFailed) {
      fail('ERR_REPORT_SIGNATURE_INVALID', 'the signature does not verify over the report', err)
    }
    return fail('ERR_REPORT_JWS_MALFORMED', 'the JWS is malformed', err)
  }
  const report = await parseReport(bytes)
  const claimed = (report.suite as { vectorsDigest?: unknown }).vectorsDigest
  const mode: string = report.mode
  let digestOk: true | null = null
  if (typeof claimed === 'string' || mode === 'vectors') {
    const expected = input.vectorsDigest ?? (await loadVectors()).digest
    if (claimed !== expected) {
      fail(
        'ERR_REPORT_DIGEST',
        `suite.vectorsDigest ${String(claimed)} is not the installed vectors' ${expected}`,
      )
    }
    digestOk = true
  }
  return { kid, alg, signatureOk: true, schemaOk: true, digestOk, report }
}
