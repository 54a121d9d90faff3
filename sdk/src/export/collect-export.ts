import { ProtocolError, isProtocolError } from '../errors.js'
import type { SignatureVerifier } from '../events/verify-event.js'
import { assertOutboundUrl, outboundFetch, type OutboundPolicy } from '../http/guarded-fetch.js'
import { readBody } from '../http/read-body.js'
import type { ResolveKey } from '../keys/resolve-key.js'
import { EXPORT_MEDIA_TYPE, MAX_EXPORT_PAGES, MAX_EXPORT_PAGE_LENGTH } from './constants.js'
import type { ExportItem, ExportPage } from './export-page.js'
import { exportCollectionIri, exportPageIri } from './internal/export-iris.js'
import { verifyExportPage } from './verify-export-page.js'

/** Options of {@link collectExport}. */
export interface CollectExportOptions extends OutboundPolicy {
  /** REQUIRED. The tool's export endpoint, from its manifest's `export`. */
  readonly endpoint: string
  /** REQUIRED. The group. */
  readonly group: string
  /** REQUIRED. A membership assertion for this tool, with `cta:export`. */
  readonly assertion: string
  /** REQUIRED. Finds the tool's keys (its manifest's JWKS): `createManifestResolver(…).resolveKey`. */
  readonly resolveKey: ResolveKey
  /** The member the export must be about. Default: the assertion's `sub`. */
  readonly member?: string
  /** Verifies the signature bytes. Default: Web Crypto. */
  readonly verifySignature?: SignatureVerifier
}

/** A member's verified export from one tool. */
export interface CollectedExport {
  /** The tool: its origin, every page's `generator`. */
  readonly tool: string
  /** The member: every page's `attributedTo`. */
  readonly member: string
  /** The group: every page's `context`. */
  readonly group: string
  /** The items of every page, in order. */
  readonly items: readonly ExportItem[]
  /** The signed pages as received: what an export file keeps, verifiable later. */
  readonly pages: readonly string[]
}

const inconsistent = (message: string): never => {
  throw new ProtocolError('ERR_EXPORT_INCONSISTENT', message)
}

/** The `sub` of the caller's own assertion, read without verifying (the tool verifies it). */
function subjectOf(assertion: string): string | undefined {
  try {
    const part = assertion.split('.')[1] ?? ''
    const text = atob(part.replace(/-/g, '+').replace(/_/g, '/'))
    const claims = JSON.parse(
      new TextDecoder().decode(Uint8Array.from(text, (c) => c.charCodeAt(0))),
    ) as { sub?: unknown }
    return typeof claims.sub === 'string' ? claims.sub : undefined
  } catch {
    return undefined
  }
}

async function fetchPage(url: string, options: CollectExportOptions): Promise<string> {
  assertOutboundUrl(url, options)
  let response: Response
  try {
    response = await outboundFetch(options)(url, {
      redirect: 'manual',
      headers: { accept: EXPORT_MEDIA_TYPE, authorization: `Bearer ${options.assertion}` },
      signal: AbortSignal.timeout(options.timeout ?? 5000),
    })
  } catch (err) {
    if (isProtocolError(err)) throw err
    throw new ProtocolError('ERR_FETCH_FAILED', `could not fetch ${url}`, { cause: err })
  }
  if (response.status !== 200) {
    let code = ''
    if ((response.headers.get('content-type') ?? '').startsWith('application/problem+json')) {
      const problem = JSON.parse(await readBody(response.body, 16 * 1024).catch(() => '{}')) as {
        code?: unknown
      }
      code = typeof problem.code === 'string' ? ` ${problem.code.slice(0, 64)}` : ''
    } else {
      await response.body?.cancel().catch(() => undefined)
    }
    throw new ProtocolError('ERR_FETCH_FAILED', `${url} answered ${response.status}${code}`)
  }
  const type = (response.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase()
  if (type !== EXPORT_MEDIA_TYPE) {
    await response.body?.cancel().catch(() => undefined)
    throw new ProtocolError('ERR_FETCH_FAILED', `${url} did not answer ${EXPORT_MEDIA_TYPE}`)
  }
  return (await readBody(response.body, MAX_EXPORT_PAGE_LENGTH)).trim()
}

/**
 * Fetches a member's whole export from one tool, page after page, and verifies each: its
 * signature against the tool's JWKS ({@link verifyExportPage}), and that every page is the one
 * asked for (`id`), of this tool's collection for this group (`partOf`, `generator`, `context`)
 * and about this member (`attributedTo`), with `next` staying on the export endpoint. Returns the
 * items and the signed pages, which an export file keeps so that anyone can verify them later.
 *
 * @param options `endpoint`, `group`, `assertion` and `resolveKey` (required), `member`,
 *   `verifySignature`, and the outbound policy (`fetch`, `allowHttp`, `allowPrivateNetwork`,
 *   `timeout`).
 * @returns The verified export.
 * @throws {ProtocolError} `ERR_EXPORT_INCONSISTENT` (a page of another member, tool, group or
 *   collection, a `next` off the endpoint, a loop, more than 1,000 pages), `ERR_FETCH_FAILED`
 *   (a refusal: its status and code are in the message), `ERR_ADDRESS_NOT_ALLOWED`,
 *   `ERR_TOO_LARGE`, and the codes of {@link verifyExportPage}.
 * @throws {TypeError} When a required option is missing.
 * @example
 * ```ts
 * declare const assertion: string
 * const exported = await collectExport({
 *   endpoint: 'https://decisions.example/cta/export', group: group.id, assertion,
 *   resolveKey: resolver.resolveKey, fetch,
 * })
 * console.log(exported.items.length, exported.pages.length)
 * ```
 * @see {@link https://w3id.org/cta/spec/export#EXP-VER-002 Spec: EXP-VER-002}
 */
export async function collectExport(options: CollectExportOptions): Promise<CollectedExport> {
  const { endpoint, group, assertion } = options
  for (const name of ['endpoint', 'group', 'assertion'] as const) {
    if (typeof options[name] !== 'string' || options[name] === '') {
      throw new TypeError(`options.${name} is required`)
    }
  }
  if (typeof options.resolveKey !== 'function')
    throw new TypeError('options.resolveKey is required')
  const tool = assertOutboundUrl(endpoint, options).origin
  const member = options.member ?? subjectOf(assertion)
  if (member === undefined) throw new TypeError('options.member is required: no sub in assertion')
  const collection = exportCollectionIri(endpoint, group)
  const seen = new Set<string>()
  const items: ExportItem[] = []
  const pages: string[] = []
  let url: string | undefined = collection
  let expectedId = exportPageIri(collection, undefined)
  while (url !== undefined) {
    if (pages.length >= MAX_EXPORT_PAGES) inconsistent(`more than ${MAX_EXPORT_PAGES} pages`)
    const jws = await fetchPage(url, options)
    const { page } = await verifyExportPage(jws, {
      resolveKey: options.resolveKey,
      ...(options.verifySignature === undefined
        ? {}
        : { verifySignature: options.verifySignature }),
    })
    checkPage(page, { tool, member, group, collection, id: expectedId })
    seen.add(page.id)
    pages.push(jws)
    items.push(...page.orderedItems)
    url = page.next
    if (url !== undefined) {
      const next = new URL(url)
      if (
        next.searchParams.get('page') === null ||
        exportPageIri(collection, next.searchParams.get('page') ?? '') !== url
      ) {
        inconsistent('next is not a page of this export')
      }
      if (seen.has(url)) inconsistent('next points to a page already read')
      expectedId = url
    }
  }
  return { tool, member, group, items, pages }
}

function checkPage(
  page: ExportPage,
  expected: { tool: string; member: string; group: string; collection: string; id: string },
): void {
  if (page.generator !== expected.tool) inconsistent('a page of another tool')
  if (page.attributedTo !== expected.member) inconsistent('a page about another member')
  if (page.context !== expected.group) inconsistent('a page about another group')
  if (page.partOf !== expected.collection) inconsistent('a page of another collection')
  if (page.id !== expected.id) inconsistent('not the page asked for')
}
