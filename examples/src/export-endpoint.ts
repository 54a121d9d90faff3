// A tool's member export endpoint (spec/export.md), shared by Decisions and Budgeting: the SDK's
// createExportHandler verifies the member's assertion (from the group's authority, for this tool,
// with `cta:export`) and signs each page with the tool's current event key; the tool only says
// which of its documents the member authored in the group.
import {
  createExportHandler,
  discoverAuthority,
  type ExportAuthority,
  type ExportItem,
  type SigningKey,
} from '@cta-interop/sdk'
import { LOCAL, type Route } from './producer.js'

/** The path every example tool serves its export at; its manifest's `export` names it. */
export const EXPORT_PATH = '/cta/export'

/** Options of {@link exportRoute}. */
export interface ExportRouteOptions {
  readonly origin: string
  /** The tool's current event key. */
  readonly key: () => SigningKey
  /** The groups this tool serves: a group it does not serve is answered 404. */
  readonly serves: (group: string) => boolean | Promise<boolean>
  /** Everything the member authored (or is a party to) in the group, oldest first. */
  readonly documents: (member: string, group: string) => readonly ExportItem[]
  /** What the tool knows of the membership (ended by the authority's event): default active. */
  readonly isActive?: (member: string, group: string) => boolean
  /** Items per page. Default 100. */
  readonly pageSize?: number
}

/**
 * The export route: `GET /cta/export?group=…[&page=…]`. The group's authority (its issuer and
 * keys) is discovered from the group's document once per group, as a relying tool does.
 */
export function exportRoute(options: ExportRouteOptions): Route {
  const authorities = new Map<string, Promise<ExportAuthority>>()
  const authorityOf = (group: string): Promise<ExportAuthority> => {
    let found = authorities.get(group)
    if (found === undefined) {
      found = discoverAuthority(group, { clientId: options.origin, ...LOCAL })
      // A failed discovery is tried again on the next request.
      found.catch(() => authorities.delete(group))
      authorities.set(group, found)
    }
    return found
  }
  const handler = createExportHandler({
    origin: options.origin,
    key: options.key,
    authority: async (group) => ((await options.serves(group)) ? authorityOf(group) : undefined),
    ...(options.isActive === undefined ? {} : { isActive: options.isActive }),
    ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
    items: ({ member, group, after, limit }) => {
      const all = options.documents(member, group)
      const start = after === undefined ? 0 : Number.parseInt(after, 10)
      if (!Number.isSafeInteger(start) || start < 0 || start > all.length) {
        return Promise.resolve({ items: [] })
      }
      const end = start + limit
      return Promise.resolve({
        items: all.slice(start, end),
        ...(end < all.length ? { next: String(end) } : {}),
      })
    },
  })
  return (request) => (new URL(request.url).pathname === EXPORT_PATH ? handler(request) : undefined)
}

/** Whether a protocol document is about a group: its `audience` (every profile document has one). */
export const inGroup = (document: ExportItem, group: string): boolean =>
  document['audience'] === group
