import { ProtocolError, isProtocolError, type ProtocolErrorCode } from '../errors.js'
import { assertOutboundUrl, outboundFetch, type OutboundPolicy } from '../http/guarded-fetch.js'
import { readBody } from '../http/read-body.js'
import { SIZE_LIMITS } from '../http/size-limits.js'
import { assertProtocolShape, isProblemDocument } from '../validate/assert-protocol-shape.js'
import { parseStrictJson } from '../internal/strict-json.js'
import type { Group, ToolInstallation } from '../schemas/index.js'

/** What a receiver needs of an installation: which tool, and whether it is `active`. */
export type InstallationRef = Pick<ToolInstallation, 'tool' | 'installationStatus'>

/** Options of {@link readInstallations}. */
export interface ReadInstallationsOptions extends OutboundPolicy {
  /** This tool's access token at the authority (client credentials, scope `cta:roster`). */
  readonly accessToken?: string
  /** The whole `Authorization` header value, for authorities that authenticate otherwise. */
  readonly authorization?: string
  /** Largest answer accepted, in bytes. Default 4 MiB (DLV-LIM-007). */
  readonly maxBytes?: number
}

/**
 * Reads a group's tool installations from its authority: `GET` of the group's `tools` URL, an
 * `OrderedCollection` of `ToolInstallation`s, with this tool's `cta:roster` token. Every item must
 * be an installation in this group; the request passes the outbound guard, follows no redirect,
 * and the answer is capped.
 *
 * @param group The group's document (its `tools` URL and `id`).
 * @param options `accessToken` (or `authorization`), the outbound policy, `maxBytes`.
 * @returns Each installation's `tool` and `installationStatus`, in the collection's order.
 * @throws {ProtocolError} `ERR_UNAUTHORIZED` and `ERR_NOT_INSTALLED` as the authority answers
 *   them; `ERR_FETCH_FAILED` when it does not answer or answers anything else;
 *   `ERR_ADDRESS_NOT_ALLOWED`, `ERR_TOO_LARGE`, `ERR_JSON_INVALID`; `ERR_SCHEMA_INVALID` for a
 *   collection that is not one, `ERR_GROUP_MISMATCH` for an installation in another group.
 * @example
 * ```ts
 * const { accessToken } = await requestRosterToken(authority)
 * const installations = await readInstallations(authority.group, { accessToken, fetch: createSafeFetch() })
 * ```
 * @see {@link https://w3id.org/cta/spec/membership#MEM-INS-001 Spec: MEM-INS-001}
 * @see {@link https://w3id.org/cta/spec/events#EVT-AUTHZ-002 Spec: EVT-AUTHZ-002}
 */
export async function readInstallations(
  group: Pick<Group, 'id' | 'tools'>,
  options: ReadInstallationsOptions = {},
): Promise<InstallationRef[]> {
  const url = group.tools
  assertOutboundUrl(url, options)
  const authorization =
    options.authorization ??
    (options.accessToken === undefined ? undefined : `Bearer ${options.accessToken}`)
  let response: Response
  try {
    response = await outboundFetch(options)(url, {
      redirect: 'manual',
      headers: {
        accept: 'application/json',
        ...(authorization === undefined ? {} : { authorization }),
      },
      signal: AbortSignal.timeout(options.timeout ?? 5000),
    })
  } catch (err) {
    if (isProtocolError(err)) throw err // e.g. ERR_ADDRESS_NOT_ALLOWED from a safe fetch
    throw new ProtocolError('ERR_FETCH_FAILED', `could not fetch ${url}`, { cause: err })
  }
  const text = await readBody(response.body, options.maxBytes ?? SIZE_LIMITS.collectionPage)
  if (response.status !== 200) {
    let code: ProtocolErrorCode = 'ERR_FETCH_FAILED'
    try {
      const problem: unknown = JSON.parse(text)
      if (
        isProblemDocument(problem) &&
        (problem.code === 'ERR_UNAUTHORIZED' || problem.code === 'ERR_NOT_INSTALLED')
      ) {
        code = problem.code
      }
    } catch {
      // not a problem document: keep ERR_FETCH_FAILED
    }
    throw new ProtocolError(code, `${url} answered ${response.status}`)
  }
  let collection: unknown
  try {
    collection = parseStrictJson(text, { maxDepth: 8 })
  } catch (err) {
    throw new ProtocolError('ERR_JSON_INVALID', `${url} did not return JSON`, { cause: err })
  }
  // The published installation-collection schema (MEM-INS-001): ERR_SCHEMA_INVALID otherwise.
  assertProtocolShape('InstallationCollection', collection)
  const { orderedItems } = collection as { orderedItems: Record<string, unknown>[] }
  return orderedItems.map((item) => {
    if (item['organization'] !== group.id) {
      throw new ProtocolError('ERR_GROUP_MISMATCH', 'an installation of another group')
    }
    return {
      tool: item['tool'] as string,
      installationStatus: item['installationStatus'] as InstallationRef['installationStatus'],
    }
  })
}
