// The group's map: the group, the tools it uses, how many members each sees, and the events that
// flowed from each tool to the dashboard over a period. Everything comes from what the dashboard
// stored, verified: the authority's `ToolInstallation`s and memberships as its signed
// `group.tool.*` and `membership.*` events announced them, and the counts of every stored event.
// `/map` draws it with Cytoscape.js (served from node_modules, never fetched from the internet)
// above a table of the same data; `/map.json` is the data.
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import type { PGlite } from '@electric-sql/pglite'
import { json } from '../src/http.js'
import { renderMap } from './map-page.js'

/** Where the dashboard serves Cytoscape.js's browser build. */
export const CYTOSCAPE_PATH = '/vendor/cytoscape.min.js'

/** The periods the map can count events over, as they appear in the URL (`?period=24h`). */
export const PERIODS = { '1h': 3_600_000, '24h': 86_400_000, '7d': 604_800_000 } as const
export type Period = keyof typeof PERIODS
const DEFAULT_PERIOD: Period = '24h'

/** A node of the map: the group, or a tool. */
export interface MapNode {
  readonly id: string
  readonly kind: 'group' | 'tool'
  readonly name: string
  /** A tool's part: the group's authority, installed in the group, or neither (it only sent events). */
  readonly role?: 'authority' | 'installed' | 'not installed'
  /** The dashboard itself. */
  readonly self?: boolean
  /** Members of the group the tool sees: the roster, for the authority and a tool with `cta:roster`. */
  readonly members?: number
  /** Members who acted in the tool's events in the period. */
  readonly active?: number
  /** The tool's scopes in the group, from its installation. */
  readonly scopes?: readonly string[]
  /** Events the tool sent in the period. */
  readonly events?: number
}

/** An edge of the map. */
export interface MapEdge {
  readonly id: string
  readonly source: string
  readonly target: string
  /** `authority`: the tool holds the group; `installation`: the group uses the tool; `events`. */
  readonly kind: 'authority' | 'installation' | 'events'
  /** For `events`: how many in the period. */
  readonly count?: number
}

/** Events of one type from one tool, in the period. */
export interface Flow {
  readonly source: string
  readonly type: string
  readonly count: number
}

/** The map of one group, as `/map.json` serves it. */
export interface GroupMap {
  readonly group: { readonly id: string; readonly name: string }
  /** The groups the dashboard follows, for the group picker. */
  readonly groups: readonly { readonly id: string; readonly name: string }[]
  readonly period: Period
  /** The start of the period (RFC 3339). */
  readonly since: string
  readonly generated: string
  /** Members of the group now (active, invited, requested or suspended), from its events. */
  readonly roster: number
  readonly nodes: readonly MapNode[]
  readonly edges: readonly MapEdge[]
  readonly flows: readonly Flow[]
}

interface SignedEvent {
  readonly source: string
  readonly type: string
  readonly time?: string
  readonly sequence?: string
  readonly data: {
    readonly published?: string
    readonly object?: unknown
    readonly result?: unknown
  }
}

interface Installation {
  readonly tool: string
  readonly scopes?: readonly string[]
  readonly installationStatus: string
  readonly organization?: string
}

interface Membership {
  readonly member: { readonly id: string }
  readonly membershipStatus: string
}

const ENDED = new Set(['left', 'removed'])
const TOOL_EVENT = 'tech.collaborative.group.tool.'
const MEMBERSHIP_EVENT = 'tech.collaborative.membership.'

/** The payload of a stored compact JWS: its signature was verified when it was stored. */
function payloadOf(jws: string): SignedEvent {
  const payload = jws.split('.')[1] ?? ''
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as SignedEvent
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null

const hostOf = (origin: string): string => {
  try {
    return new URL(origin).host
  } catch {
    return origin
  }
}

/** Group names by IRI, read once from the group documents (public ones answer anyone). */
const groupNames = new Map<string, string>()

async function groupName(id: string): Promise<string> {
  const known = groupNames.get(id)
  if (known !== undefined) return known
  try {
    const response = await fetch(id, {
      headers: { accept: 'application/activity+json' },
      signal: AbortSignal.timeout(2_000),
    })
    const doc = (await response.json()) as { name?: unknown }
    if (response.ok && typeof doc.name === 'string') {
      groupNames.set(id, doc.name)
      return doc.name
    }
  } catch {
    // Unreachable or not JSON: the map names the group by its address.
  }
  return id
}

/** The period of a `?period=` value; the default for anything else. */
export function periodOf(value: string | null): Period {
  return value !== null && Object.hasOwn(PERIODS, value) ? (value as Period) : DEFAULT_PERIOD
}

/** Builds the map of a group the dashboard follows (the first it follows, unless `group`). */
export async function buildMap(
  db: PGlite,
  self: { origin: string; name: string },
  options: { group?: string | null; period?: Period; now?: Date } = {},
): Promise<GroupMap | undefined> {
  const follows = (
    await db.query<{ tool: string; grp: string; tool_name: string }>(
      'select tool, grp, tool_name from follows order by grp, tool_name',
    )
  ).rows
  const groupIds = [...new Set(follows.map((f) => f.grp))]
  const id =
    options.group !== undefined && options.group !== null && groupIds.includes(options.group)
      ? options.group
      : groupIds[0]
  if (id === undefined) return undefined
  const period = options.period ?? DEFAULT_PERIOD
  const now = options.now ?? new Date()
  const since = new Date(now.getTime() - PERIODS[period])

  const names = new Map<string, string>([[self.origin, self.name]])
  for (const f of follows) names.set(f.tool, f.tool_name)
  const nameOf = (tool: string) => names.get(tool) ?? hostOf(tool)

  // The authority's record, as its signed events announced it, in the order they happened.
  const announced = (
    await db.query<{ jws: string }>(
      `select jws from notifications where grp = $1 and (type like $2 or type like $3)`,
      [id, `${TOOL_EVENT}%`, `${MEMBERSHIP_EVENT}%`],
    )
  ).rows
    .map((r) => payloadOf(r.jws))
    .sort(
      (a, b) =>
        (a.data.published ?? '').localeCompare(b.data.published ?? '') ||
        (a.sequence ?? '').localeCompare(b.sequence ?? ''),
    )
  const installations = new Map<string, Installation>()
  const memberships = new Map<string, string>()
  let authority: string | undefined
  for (const event of announced) {
    if (event.type.startsWith(TOOL_EVENT)) {
      const object = event.data.object
      if (isObject(object) && typeof object['tool'] === 'string') {
        installations.set(object['tool'], object as unknown as Installation)
      }
    } else {
      authority = event.source
      const m = [event.data.result, event.data.object].find(
        (v) => isObject(v) && isObject(v['member']),
      ) as Membership | undefined
      if (m !== undefined) memberships.set(m.member.id, m.membershipStatus)
    }
    if (event.type.startsWith(TOOL_EVENT)) authority ??= event.source
  }
  const roster = [...memberships.values()].filter((s) => !ENDED.has(s)).length
  const members = new Set(
    [...memberships].filter(([, s]) => !ENDED.has(s)).map(([member]) => member),
  )

  const flows = (
    await db.query<{ source: string; type: string; count: number }>(
      `select source, type, count(*)::int as count from notifications
       where grp = $1 and published::timestamptz >= $2::timestamptz
       group by source, type order by source, count desc, type`,
      [id, since.toISOString()],
    )
  ).rows
  const actors = (
    await db.query<{ source: string; actor_id: string }>(
      `select distinct source, actor_id from notifications
       where grp = $1 and actor_id is not null and published::timestamptz >= $2::timestamptz`,
      [id, since.toISOString()],
    )
  ).rows

  const active = [...installations.values()].filter((i) => i.installationStatus === 'active')
  const tools = [
    ...new Set([
      ...(authority === undefined ? [] : [authority]),
      ...active.map((i) => i.tool),
      ...flows.map((f) => f.source),
    ]),
  ]
  const sent = (tool: string) =>
    flows.filter((f) => f.source === tool).reduce((n, f) => n + f.count, 0)
  const nodes: MapNode[] = [
    { id, kind: 'group', name: await groupName(id) },
    ...tools.map((tool): MapNode => {
      const installation = active.find((i) => i.tool === tool)
      const seesRoster =
        tool === authority || (installation?.scopes ?? []).some((s) => s === 'cta:roster')
      return {
        id: tool,
        kind: 'tool',
        name: nameOf(tool),
        role:
          tool === authority
            ? 'authority'
            : installation !== undefined
              ? 'installed'
              : 'not installed',
        ...(tool === self.origin ? { self: true } : {}),
        members: seesRoster ? roster : 0,
        active: actors.filter((a) => a.source === tool && members.has(a.actor_id)).length,
        scopes: installation?.scopes ?? [],
        events: sent(tool),
      }
    }),
  ]
  const edges: MapEdge[] = [
    ...(authority === undefined
      ? []
      : [
          {
            id: `authority ${authority}`,
            source: authority,
            target: id,
            kind: 'authority' as const,
          },
        ]),
    ...active
      .filter((i) => i.tool !== authority)
      .map((i) => ({
        id: `installation ${i.tool}`,
        source: id,
        target: i.tool,
        kind: 'installation' as const,
      })),
    ...tools
      .filter((tool) => tool !== self.origin && sent(tool) > 0)
      .map((tool) => ({
        id: `events ${tool}`,
        source: tool,
        target: self.origin,
        kind: 'events' as const,
        count: sent(tool),
      })),
  ]
  // The dashboard receives the events: it is on the map even where the group has not installed it.
  if (edges.some((e) => e.target === self.origin) && !tools.includes(self.origin)) {
    nodes.push({
      id: self.origin,
      kind: 'tool',
      name: self.name,
      role: 'not installed',
      self: true,
      members: 0,
      active: 0,
      scopes: [],
      events: 0,
    })
  }
  return {
    group: { id, name: nodes[0]?.name ?? id },
    groups: await Promise.all(groupIds.map(async (g) => ({ id: g, name: await groupName(g) }))),
    period,
    since: since.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    generated: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    roster,
    nodes,
    edges,
    flows,
  }
}

const require = createRequire(import.meta.url)
let cytoscape: Promise<string> | undefined

/**
 * Answers the map's three paths: `/map` (the page), `/map.json` (its data) and
 * {@link CYTOSCAPE_PATH} (Cytoscape.js from node_modules).
 */
export async function serveMap(
  url: URL,
  db: PGlite,
  self: { origin: string; name: string },
): Promise<Response> {
  if (url.pathname === CYTOSCAPE_PATH) {
    cytoscape ??= readFile(require.resolve('cytoscape/dist/cytoscape.min.js'), 'utf8')
    return new Response(await cytoscape, {
      headers: {
        'content-type': 'text/javascript; charset=utf-8',
        'cache-control': 'public, max-age=86400',
      },
    })
  }
  const map = await buildMap(db, self, {
    group: url.searchParams.get('group'),
    period: periodOf(url.searchParams.get('period')),
  })
  if (url.pathname === '/map.json') {
    return map === undefined
      ? json({ error: 'the dashboard follows no group yet' }, 404)
      : json(map)
  }
  return new Response(renderMap(map, periodOf(url.searchParams.get('period'))), {
    status: map === undefined ? 404 : 200,
    headers: { 'content-type': 'text/html; charset=utf-8' },
  })
}
