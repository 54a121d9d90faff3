import { verifyGroupAssertion } from '../auth/verify-group-assertion.js'
import { ProtocolError, isProtocolError } from '../errors.js'
import type { SignatureVerifier } from '../events/verify-event.js'
import { problemResponse } from '../http/problem.js'
import type { ResolveKey } from '../keys/resolve-key.js'
import type { SigningKey } from '../keys/signing-key.js'
import type { MembershipAssertionClaims } from '../schemas/index.js'
import { EXPORT_MEDIA_TYPE, EXPORT_SCOPE, MAX_EXPORT_PAGE_ITEMS } from './constants.js'
import type { ExportItem, ExportPage } from './export-page.js'
import { EXPORT_PAGE_CONTEXT } from './internal/check-export-page.js'
import { FIRST_PAGE, exportCollectionIri, exportPageIri } from './internal/export-iris.js'
import { signExportPage } from './sign-export-page.js'

/** A group's authority as the export endpoint needs it; a `DiscoveredAuthority` fits. */
export interface ExportAuthority {
  /** The authority's issuer URL: the group document's `authority`, the assertions' `iss`. */
  readonly issuer: string
  /** Finds the authority's signing keys. */
  readonly resolveKey: ResolveKey
}

/** What the tool is asked for: one page of one member's documents in one group. */
export interface ExportQuery {
  /** The member (the verified assertion's `sub`): only documents they authored. */
  readonly member: string
  /** The group. */
  readonly group: string
  /** The tool's own cursor from the previous page's `next`; absent for the first page. */
  readonly after: string | undefined
  /** The most items to return. */
  readonly limit: number
  /** The verified assertion's claims. */
  readonly claims: MembershipAssertionClaims
}

/** What the tool answers a query with. */
export interface ExportItems {
  /** The member's documents, oldest first, at most `limit`. */
  readonly items: readonly ExportItem[]
  /** The cursor of the next page, when there are more. Not `first`. */
  readonly next?: string | undefined
}

/** Options of {@link createExportHandler}. */
export interface CreateExportHandlerOptions {
  /** REQUIRED. This tool's origin: the assertions' `aud` and the pages' `generator`. */
  readonly origin: string
  /**
   * REQUIRED. The tool's event signing key, published in its manifest's JWKS, or a function that
   * returns the current one (a key ring's `signingKey`, so pages follow a rotation).
   */
  readonly key: SigningKey | (() => SigningKey)
  /** REQUIRED. The authority of a group this tool serves, or `undefined` (answered 404). */
  readonly authority: (
    group: string,
  ) => Promise<ExportAuthority | undefined> | ExportAuthority | undefined
  /** REQUIRED. One page of the member's own documents in the group. */
  readonly items: (query: ExportQuery) => Promise<ExportItems>
  /**
   * What the tool itself knows of the membership: `false` when the member is no longer active
   * (the authority's event ended it), answered 403 `ERR_MEMBERSHIP_ENDED`. Default: the assertion.
   */
  readonly isActive?: (member: string, group: string) => Promise<boolean> | boolean
  /** Items per page: 1 to 100. Default 100. */
  readonly pageSize?: number
  /** Clock skew tolerated for the assertion, in seconds (0 to 60). */
  readonly clockTolerance?: number
  /** Verifies the assertion's signature bytes. Default: Web Crypto. */
  readonly verifySignature?: SignatureVerifier
  /** "Now", for tests. */
  readonly now?: () => Date
}

const refuse = (code: ConstructorParameters<typeof ProtocolError>[0], message: string): never => {
  throw new ProtocolError(code, message)
}

/** Whether a space-separated `scope` claim holds a scope (RFC 8693 §4.2, RFC 9068 §2.2.3). */
function hasScope(claims: MembershipAssertionClaims, scope: string): boolean {
  const value = (claims as { scope?: unknown }).scope
  return typeof value === 'string' && value.split(' ').includes(scope)
}

/**
 * Makes a tool's export endpoint: `GET <endpoint>?group=<group IRI>[&page=<cursor>]` with
 * `Authorization: Bearer <membership assertion>` answers one signed page of the documents the
 * assertion's member authored in that group, as `application/cta-export+jws`. The assertion must
 * be from the group's authority, for this tool (`aud`), about that group, for an active member,
 * and carry the scope `cta:export`; it may be presented for every page while it lives. The tool's
 * `items` is only ever asked for the assertion's own member, so a page never holds another
 * member's data. Refusals are `application/problem+json`.
 *
 * @param options `origin`, `key`, `authority` and `items` (required), `isActive`, `pageSize`,
 *   `clockTolerance`, `verifySignature`, `now`.
 * @returns A Fetch API handler.
 * @throws {TypeError} When a required option is missing or `pageSize` is not 1 to 100.
 * @example
 * ```ts
 * declare const docsBy: (member: string, group: string) => Record<string, unknown>[]
 * const exportHandler = createExportHandler({
 *   origin: 'https://decisions.example', key,
 *   authority: () => authority,
 *   items: async ({ member, group, after, limit }) => {
 *     const all = docsBy(member, group)
 *     const start = Number(after ?? 0)
 *     const next = start + limit < all.length ? String(start + limit) : undefined
 *     return { items: all.slice(start, start + limit), next }
 *   },
 * })
 * ```
 * @see {@link https://w3id.org/cta/spec/export#EXP-REQ-001 Spec: EXP-REQ-001}
 */
export function createExportHandler(
  options: CreateExportHandlerOptions,
): (request: Request) => Promise<Response> {
  const { origin, key, authority, items } = options
  if (typeof origin !== 'string' || origin === '') throw new TypeError('options.origin is required')
  if (typeof key !== 'object' && typeof key !== 'function') {
    throw new TypeError('options.key is required')
  }
  if (typeof authority !== 'function') throw new TypeError('options.authority is required')
  if (typeof items !== 'function') throw new TypeError('options.items is required')
  const pageSize = options.pageSize ?? MAX_EXPORT_PAGE_ITEMS
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_EXPORT_PAGE_ITEMS) {
    throw new TypeError(`pageSize must be an integer from 1 to ${MAX_EXPORT_PAGE_ITEMS}`)
  }
  const now = options.now ?? (() => new Date())

  async function answer(request: Request): Promise<Response> {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response(null, { status: 405, headers: { allow: 'GET, HEAD' } })
    }
    const url = new URL(request.url)
    const group = url.searchParams.get('group')
    if (group === null || group === '') refuse('ERR_REQUEST_INVALID', 'group is required')
    const cursor = url.searchParams.get('page') ?? FIRST_PAGE
    const header = request.headers.get('authorization') ?? ''
    const match = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(header)
    if (match === null) refuse('ERR_UNAUTHORIZED', 'a membership assertion is required (Bearer)')
    const found = await authority(group as string)
    if (found === undefined) refuse('ERR_NOT_FOUND', 'this tool does not serve that group')
    const { claims } = await verifyGroupAssertion((match as RegExpExecArray)[1] as string, {
      group: group as string,
      audience: origin,
      authority: (found as ExportAuthority).issuer,
      resolveKey: (found as ExportAuthority).resolveKey,
      currentDate: now(),
      ...(options.clockTolerance === undefined ? {} : { clockTolerance: options.clockTolerance }),
      ...(options.verifySignature === undefined
        ? {}
        : { verifySignature: options.verifySignature }),
    })
    if (!hasScope(claims, EXPORT_SCOPE)) {
      refuse('ERR_INSUFFICIENT_SCOPE', `the assertion does not carry ${EXPORT_SCOPE}`)
    }
    if (options.isActive !== undefined && !(await options.isActive(claims.sub, group as string))) {
      refuse('ERR_MEMBERSHIP_ENDED', 'the membership is not active')
    }
    const after = cursor === FIRST_PAGE ? undefined : cursor
    const answered = await items({
      member: claims.sub,
      group: group as string,
      after,
      limit: pageSize,
      claims,
    })
    if (answered.items.length > pageSize) throw new TypeError('items returned more than limit')
    if (answered.next === FIRST_PAGE) throw new TypeError(`a cursor may not be "${FIRST_PAGE}"`)
    const collection = exportCollectionIri(`${origin}${url.pathname}`, group as string)
    const page: ExportPage = {
      '@context': [...EXPORT_PAGE_CONTEXT] as unknown as ExportPage['@context'],
      id: exportPageIri(collection, after),
      type: 'OrderedCollectionPage',
      partOf: collection,
      attributedTo: claims.sub,
      generator: origin,
      context: group as string,
      published: now().toISOString(),
      orderedItems: answered.items,
      ...(answered.next === undefined ? {} : { next: exportPageIri(collection, answered.next) }),
    }
    const signed = await signExportPage(page, typeof key === 'function' ? key() : key)
    return new Response(request.method === 'HEAD' ? null : signed, {
      status: 200,
      headers: { 'content-type': EXPORT_MEDIA_TYPE, 'cache-control': 'no-store' },
    })
  }

  return async (request) => {
    try {
      return await answer(request)
    } catch (err) {
      const response = problemResponse(err)
      if (isProtocolError(err) && err.code === 'ERR_INSUFFICIENT_SCOPE') {
        response.headers.set(
          'www-authenticate',
          `Bearer error="insufficient_scope", scope="${EXPORT_SCOPE}"`,
        )
      } else if (response.status === 401) {
        response.headers.set('www-authenticate', 'Bearer error="invalid_token"')
      }
      return response
    }
  }
}
