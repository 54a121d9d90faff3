// Who may speak for a group, as the dashboard knows it (spec/events.md, "Who may speak for a
// group", EVT-AUTHZ-001…004). The dashboard is no OAuth client of the group's authority, so it
// cannot read the group's `tools` collection; it follows the authority's feed from its first event
// instead, and keeps every event it accepted in its database. Its copy of the installations is
// therefore the authority's own `group.tool.connected` and `.disconnected` events it holds
// (EVT-AUTHZ-002), read again from the database at most once a minute and updated at once when
// such an event arrives. The authority is the origin of the `authority` the group's document names,
// fetched only for the groups it follows.
import {
  createInstallationCache,
  type InstallationCache,
  type InstallationRef,
} from '@cta-interop/sdk'
import type { PGlite } from '@electric-sql/pglite'

/** What the dashboard's copy needs. */
export interface DashboardInstallationsOptions {
  readonly db: PGlite
  /** Whether the dashboard follows the group (only then is its document fetched). */
  readonly follows: (group: string) => Promise<boolean>
}

const TYPES = [
  'tech.collaborative.group.tool.connected',
  'tech.collaborative.group.tool.disconnected',
]

/**
 * The dashboard's installation cache: pass `speaksFor` to its inbox, and every stored event to
 * `onEvent`.
 */
export function createDashboardInstallations(
  options: DashboardInstallationsOptions,
): InstallationCache {
  const authorities = new Map<string, string | undefined>()
  const authority = async (group: string): Promise<string | undefined> => {
    if (authorities.has(group)) return authorities.get(group)
    if (!(await options.follows(group))) return undefined
    // A group's document names its authority (MEM-GRP-001). A failure is thrown: the inbox
    // answers 503 and the sender retries; nothing is cached until the document was read.
    const response = await fetch(group, {
      headers: { accept: 'application/activity+json, application/ld+json, application/json' },
      redirect: 'error',
      signal: AbortSignal.timeout(3_000),
    })
    if (!response.ok) throw new Error(`the group document answered ${response.status}`)
    const document = (await response.json()) as { id?: unknown; authority?: unknown }
    const found =
      document.id === group &&
      typeof document.authority === 'string' &&
      URL.canParse(document.authority)
        ? document.authority
        : undefined
    authorities.set(group, found)
    return found
  }
  return createInstallationCache({
    authority,
    async load(group) {
      const issuer = await authority(group)
      if (issuer === undefined) return []
      // The authority's events about the group's installations, oldest first: the last per tool
      // is its installation now.
      const rows = await options.db.query<{ data: string }>(
        `select data from notifications where grp = $1 and source = $2 and type in ($3, $4)
         order by published, received`,
        [group, new URL(issuer).origin, ...TYPES],
      )
      const installations = new Map<string, InstallationRef>()
      for (const row of rows.rows) {
        const object = (JSON.parse(row.data) as { object?: Partial<InstallationRef> }).object
        if (typeof object?.tool !== 'string' || object.installationStatus === undefined) continue
        installations.set(object.tool, {
          tool: object.tool,
          installationStatus: object.installationStatus,
        })
      }
      return [...installations.values()]
    },
  })
}
