// A notification dashboard: one page for what every tool a group uses did. It subscribes to each
// tool (push, with the handshake), and keeps the verified events in an embedded PGlite database,
// deduplicated by (source, id) across both paths. When it starts again it first reads every feed it
// follows from its saved cursor (pull), and opens its inbox only then: until it has caught up, its
// inbox answers `503` with `Retry-After`, and the tools retry their pushes later.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { PGlite } from '@electric-sql/pglite'
import {
  TOOL_MANIFEST_PATH,
  MEMBERSHIP_EVENT_PREFIX,
  answerHandshake,
  awaitInstallation,
  checkRosterViewer,
  createInbox,
  createManifestResolver,
  createToolManifest,
  generateSigningKey,
  importSigningKey,
  isProtocolError,
  pullEvents,
  requestInstallation,
  signSubscriptionRequest,
  toJwks,
  type Event,
  type Group,
  type InboxContext,
  type SigningKey,
  type SourceCheck,
} from '@cta-interop/sdk'
import { createControlHandler, createPgliteDeliveryStore } from '@cta-interop/sdk/node'
import { json, listen } from '../src/http.js'
import { CYTOSCAPE_PATH, serveMap } from './map.js'
import { LOCAL } from '../src/producer.js'
import { createNames } from './names.js'
import { EXPORT_DOWNLOAD_PATH, YOUR_DATA_PATH, createYourData } from './export.js'
import { createMemberSessions } from './member-sessions.js'
import { createDashboardInstallations } from './installations.js'
import { languagesOf } from './localized.js'
import { renderFeed, renderPage, type Filter, type Notification, type PageInput } from './page.js'
import { createEventStream } from './stream.js'
import { UNREAD_SCHEMA, answerRead, createUnread } from './unread.js'

/** The page's script, served as `/client.js` (no inline script, no eval). */
const CLIENT_JS = readFileSync(new URL('./client.js', import.meta.url), 'utf8')

/** Options of {@link startDashboard}. */
export interface DashboardOptions {
  /** Where its data lives (events, cursors, its key, its port): the same directory resumes. */
  readonly dataDir: string
  /** Told what a start is doing (creating or opening the database, catching up), as it goes. */
  readonly onProgress?: (text: string) => void
  /**
   * TEST AND DEMO ONLY: mounts the conformance control API (`/__cta-conformance`) with this bearer
   * token, so that `cta-conformance live` can have the dashboard take its events (a session trusts
   * the suite's tool as if the dashboard followed it) and fail one on purpose. Leave it out
   * everywhere else.
   */
  readonly controlToken?: string
  /** How often the live stream (`/events/stream`) sends a heartbeat comment, in ms. Default 15 s. */
  readonly heartbeatMs?: number
  /**
   * TESTS ONLY: who may speak for a group, instead of the group's authority and its installations
   * (EVT-AUTHZ-001); `'any-source'` for tools that no authority installed. Leave it out elsewhere.
   */
  readonly speaksFor?: SourceCheck
}

/** What reading the followed feeds brought. */
export interface CatchUp {
  /** Events stored from the feeds (new to the dashboard). */
  readonly pulled: number
  /** Events the feeds had that the dashboard already held. */
  readonly duplicates: number
  /** Tools whose feed could not be read, with why. */
  readonly failed: readonly string[]
}

/**
 * One run of the dashboard's effect for an event: it stored the event. Effects are kept in a table
 * with no unique key, across restarts, so an event stored twice would show twice.
 */
export interface Effect {
  readonly source: string
  readonly id: string
  /** How the event arrived: pushed to the inbox, or pulled from a feed. */
  readonly via: 'push' | 'pull'
  /** The start of the dashboard (1 the first) during which it arrived. */
  readonly start: number
}

/** The running dashboard. */
export interface Dashboard {
  readonly origin: string
  readonly port: number
  /** Which start of its data directory this is: 1 the first. */
  readonly start: number
  /** What this start read from the followed feeds before it opened its inbox. */
  readonly caughtUp: CatchUp
  /** Subscribes to a tool's events of a group, then reads what its feed already has. */
  follow(tool: string, group: string): Promise<{ pulled: number }>
  /**
   * Asks a group's authority to install the dashboard in the group (the install flow: a statement
   * signed with its manifest key). Returns where an admin approves, and the installation: once
   * approved, its client credentials are kept in its settings, across restarts.
   */
  requestInstallation(options: {
    authority: string
    group: string
  }): Promise<{ readonly approvalUri: string; readonly installed: Promise<void> }>
  /** Reads every followed feed from the last saved cursor. */
  catchUp(): Promise<CatchUp>
  /** Stored notifications, newest first. */
  notifications(filter?: Filter): Promise<Notification[]>
  /** Every effect so far, across restarts, oldest first. */
  effects(): Promise<Effect[]>
  /**
   * How the inbox answered since this start, by HTTP status: `202` new, `200` already held, `503`
   * while it was catching up or stopping.
   */
  readonly inboxAnswers: ReadonlyMap<number, number>
  /** Stops taking pushes, lets those in progress finish, then stops. */
  close(): Promise<void>
}

const SCHEMA = `
create table if not exists settings (name text primary key, value text not null);
create table if not exists notifications (
  source text not null, id text not null, type text not null, grp text not null,
  actor_id text, actor_name text, summary text not null, published text not null, url text not null,
  object_id text, recipients text not null default '', kid text not null, via text not null,
  jws text not null, received timestamptz not null default now(), primary key (source, id));
create table if not exists follows (tool text not null, grp text not null, feed text not null,
  cursor text, tool_name text not null, subscription text, primary key (tool, grp));
create table if not exists effects (source text not null, id text not null, via text not null,
  start integer not null, at timestamptz not null default now());
alter table notifications add column if not exists data text not null default '{}';
`

/**
 * Starts the dashboard on 127.0.0.1. Its data (events, cursors, its signing key, its port) lives in
 * `dataDir`; starting again with the same directory resumes where it stopped, on the same origin:
 * it reads every feed it follows from the saved cursor, and only then opens its inbox.
 */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const progress = options.onProgress ?? (() => undefined)
  const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`
  // PGlite runs PostgreSQL in WebAssembly. A new data directory needs initdb first: 8 to 11 s of
  // CPU on an idle machine, three times as long on a busy one, in a worker thread so that this
  // process keeps printing and answering. Opening an existing directory takes about a second.
  if (!existsSync(join(options.dataDir, 'PG_VERSION'))) {
    const creating = Date.now()
    progress('creating its PGlite database (initdb, first start only: about 10 s)')
    const ticking = setInterval(() => {
      progress(`still creating its database (${seconds(creating)})`)
    }, 5_000)
    try {
      await createDatabase(options.dataDir)
    } finally {
      clearInterval(ticking)
    }
    progress(`database created in ${seconds(creating)}`)
  }
  const opening = Date.now()
  const db = new PGlite(options.dataDir)
  await db.exec(SCHEMA)
  await db.exec(UNREAD_SCHEMA)
  const unread = createUnread(db)
  const stream = createEventStream(
    options.heartbeatMs === undefined ? {} : { heartbeatMs: options.heartbeatMs },
  )
  progress(`database open in ${seconds(opening)}`)
  const setting = async (name: string): Promise<string | undefined> =>
    (await db.query<{ value: string }>('select value from settings where name = $1', [name]))
      .rows[0]?.value
  const save = (name: string, value: string) =>
    db.query('insert into settings values ($1, $2) on conflict (name) do update set value = $2', [
      name,
      value,
    ])
  /** Ends the polls of pending install requests when the dashboard stops. */
  const installing = new AbortController()
  const start = Number((await setting('starts')) ?? 0) + 1
  await save('starts', String(start))
  // The durable dedupe record of accepted events (EVT-DUP-001), from the SDK's PGlite store.
  const { dedupe } = await createPgliteDeliveryStore({ db, schema: 'dashboard_dedupe' })

  const server = await listen(Number((await setting('port')) ?? 0))
  const { origin } = server
  await save('port', String(server.port))
  const key = await loadKey(origin, await setting('key'), (jwk) => save('key', jwk))
  const manifest = createToolManifest({
    id: origin,
    name: 'Dashboard',
    jwks_uri: `${origin}/.well-known/jwks.json`,
    inbox: `${origin}/cta/inbox`,
    consumes: ['tech.collaborative.*'],
    profiles: ['core', 'receiver'],
  })
  // Keys are fetched only for the tools this dashboard follows.
  const resolver = createManifestResolver({
    ...LOCAL,
    trustedSources: async (o) => controlPeers.has(o) || (await allowedOrigins(o)),
  })
  /** The suite's tools, trusted in conformance sessions (test and demo only). */
  const controlPeers = new Set<string>()
  /** Conformance sessions' peers whose next pushed event fails to process (`fail-next-event`). */
  const failNext = new Set<string>()
  let controlGroups = 0
  /** Conformance sessions' groups: the suite's tool, and whether it is installed there. */
  const controlSessions = new Map<string, { peer: string; installed: boolean }>()
  const control =
    options.controlToken === undefined
      ? undefined
      : createControlHandler({
          token: options.controlToken,
          createSession({ peer, install }) {
            // A group of the session's own, whose events the suite's tool may send when it is
            // installed there (`install: false`: its keys are fetched, its events refused, 403).
            controlPeers.add(peer)
            const group = `${origin}/g/conformance-${++controlGroups}`
            controlSessions.set(group, { peer, installed: install !== false })
            return { group, members: [] }
          },
          actions: {
            'fail-next-event'(session) {
              failNext.add(session.peer)
              return {}
            },
          },
        })
  const inboxAnswers = new Map<number, number>()
  const answered = (response: Response): Response => {
    inboxAnswers.set(response.status, (inboxAnswers.get(response.status) ?? 0) + 1)
    return response
  }

  const store = (via: 'push' | 'pull') => async (event: Event, context: InboxContext) => {
    // As a crash or a database error would: nothing is stored, and the retry is processed.
    if (via === 'push' && failNext.delete(event.source)) throw new Error('fail-next-event')
    const data = event.data as {
      actor?: { id?: string; name?: string }
      object?: { id?: string } | string
      summary: string
      published: string
      url: string
      to?: string[]
      result?: { member?: { id?: string } }
    }
    const objectId = typeof data.object === 'string' ? data.object : data.object?.id
    const recipients = [...(data.to ?? []), data.result?.member?.id ?? ''].join(' ')
    // The notification and the record of this effect commit together.
    const stored = await db.transaction(async (tx) => {
      const inserted = await tx.query(
        `insert into notifications (source, id, type, grp, actor_id, actor_name, summary, published,
           url, object_id, recipients, kid, via, jws, data)
         values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15) on conflict do nothing`,
        [
          event.source,
          event.id,
          event.type,
          event.group,
          data.actor?.id ?? null,
          data.actor?.name ?? null,
          data.summary,
          data.published,
          data.url,
          objectId ?? null,
          recipients,
          context.kid,
          via,
          context.jws,
          JSON.stringify(event.data),
        ],
      )
      await tx.query('insert into effects (source, id, via, start) values ($1, $2, $3, $4)', [
        event.source,
        event.id,
        via,
        start,
      ])
      return (inserted.affectedRows ?? 0) > 0
    })
    // Announced live once committed, and only when new.
    if (stored)
      stream.send('notification', { source: event.source, id: event.id, type: event.type })
    // The authority's installation events update who may speak for the group at once.
    await installations.onEvent(event).catch(() => undefined)
    control?.observe(event)
  }

  const followed = async (): Promise<
    { tool: string; grp: string; feed: string; cursor: string | null }[]
  > =>
    (
      await db.query<{ tool: string; grp: string; feed: string; cursor: string | null }>(
        'select tool, grp, feed, cursor from follows order by tool',
      )
    ).rows

  // Who may speak for a group (EVT-AUTHZ-001): its authority, or a tool the authority's events
  // say is installed in it; in a conformance session's group, the suite's tool when installed.
  const installations = createDashboardInstallations({
    db,
    follows: async (g) => (await followed()).some((f) => f.grp === g),
  })
  const speaksFor: SourceCheck =
    options.speaksFor ??
    (async (g, source) => {
      const session = controlSessions.get(g)
      if (session !== undefined) return session.installed && session.peer === source
      return installations.speaksFor(g, source)
    })
  const inbox = createInbox({
    resolveKey: resolver.resolveKey,
    speaksFor,
    dedupe,
    onEvent: store('push'),
  })
  const allowedOrigins = async (o: string): Promise<boolean> =>
    (await followed()).some((f) => f.tool === o)
  /** `catching-up` until the feeds are read, `open` then, `closing` once `close` is called. */
  let inboxState: 'catching-up' | 'open' | 'closing' = 'catching-up'
  const inFlight = new Set<Promise<Response>>()
  const receive = async (request: Request): Promise<Response> =>
    (await answerHandshake(request, { allowedOrigins })) ?? inbox(request)

  server.mount((path) => path === '/events/stream', stream.listener)
  const names = createNames({
    toolName: async (o) =>
      (await db.query<{ tool_name: string }>('select tool_name from follows where tool = $1', [o]))
        .rows[0]?.tool_name ?? (o === origin ? manifest.name : (await resolver.manifest(o)).name),
    mayFetchGroup: async (iri) => (await followed()).some((f) => f.grp === iri),
  })
  const isMember = async (iri: string) =>
    (
      await db.query(
        `select 1 from notifications where actor_id = $1 or object_id = $1
           or (' ' || recipients || ' ') like '% ' || $1 || ' %' limit 1`,
        [iri],
      )
    ).rows.length > 0
  /**
   * Whether the dashboard may show a group's roster entries and membership events. It verifies no
   * one who reads it (there is no sign-in), so only when the group's roster is public
   * (PRV-SHOW-001); a group whose document could not be read counts as not public.
   */
  const mayShowRoster = (group: string): boolean => {
    try {
      const rosterVisibility = names.rosterVisibility(group) as Group['rosterVisibility']
      checkRosterViewer({ id: group, rosterVisibility }, undefined)
      return true
    } catch (err) {
      if (isProtocolError(err) && err.code === 'ERR_ROSTER_HIDDEN') return false
      throw err
    }
  }
  /** Leaves out the membership events the dashboard may not show (names resolved first). */
  const shownToAnyone = async (list: Notification[]): Promise<Notification[]> => {
    await names.resolve({ groups: list.map((n) => n.group) })
    return list.filter((n) => !n.type.startsWith(MEMBERSHIP_EVENT_PREFIX) || mayShowRoster(n.group))
  }
  /** What the page and the feed show for a URL: its filters, its reader, names resolved. */
  const view = async (url: URL, languages: readonly string[] = []): Promise<PageInput> => {
    const stored = await notifications({})
    const all = await shownToAnyone(stored)
    const hiddenGroups = [
      ...new Set(stored.filter((n) => !all.includes(n)).map((n) => n.group)),
    ].sort()
    const tools = (
      await db.query<{ tool: string; tool_name: string }>(
        'select distinct tool, tool_name from follows order by tool_name',
      )
    ).rows
    const toolOrigins = all.flatMap((n) => {
      const tool = (JSON.parse(n.data ?? '{}') as { object?: { tool?: unknown } }).object?.tool
      return typeof tool === 'string' ? [n.source, tool] : [n.source]
    })
    await names.resolve({ groups: all.map((n) => n.group), tools: toolOrigins })
    const viewer = url.searchParams.get('as') ?? undefined
    const reading = viewer !== undefined && viewer !== '' && (await isMember(viewer))
    const shown = await shownToAnyone(await notifications(filterOf(url)))
    const read = reading ? await unread.read(viewer) : undefined
    return {
      filter: filterOf(url),
      languages,
      notifications: shown,
      all,
      tools: new Map(tools.map((t) => [t.tool, t.tool_name])),
      names,
      now: Date.now(),
      hidden: { count: stored.length - all.length, groups: hiddenGroups },
      // What is unread among the notifications shown: the count follows the filters.
      ...(read === undefined
        ? {}
        : { viewer, read, unread: shown.filter((n) => !read.has(`${n.source} ${n.id}`)).length }),
    }
  }
  const page = (body: string) =>
    new Response(body, {
      headers: {
        'content-type': 'text/html; charset=utf-8',
        // Icons of the tools' events may load over https: (DOC-RND-004); no other image source.
        'content-security-policy':
          "default-src 'self'; style-src 'unsafe-inline'; img-src data: https:",
      },
    })

  // "Sign in with your group" (its client credentials come from the install flow), and the
  // signed-in member's "Your data" page: one export across the group's tools (spec/export.md).
  const credentials = async (g: string) => {
    const saved = await setting(`client:${g}`)
    return saved === undefined
      ? undefined
      : (JSON.parse(saved) as { clientId: string; clientSecret: string })
  }
  /** A member's name, as the events the dashboard holds gave it. */
  const nameOf = async (member: string): Promise<string | undefined> =>
    (
      await db.query<{ actor_name: string }>(
        'select actor_name from notifications where actor_id = $1 and actor_name is not null limit 1',
        [member],
      )
    ).rows[0]?.actor_name
  const sessions = createMemberSessions({ origin, credentials, home: YOUR_DATA_PATH })
  // The export's tools come from the group's authority and the dashboard's follows only.
  const exportResolver = createManifestResolver({ ...LOCAL, allowAnySource: true })
  const yourData = createYourData({
    origin,
    sessions,
    tools: async (g) => [
      new URL((await sessions.authority(g)).issuer).origin,
      ...(await followed()).filter((f) => f.grp === g).map((f) => f.tool),
    ],
    manifest: (o) => exportResolver.manifest(o),
    resolveKey: exportResolver.resolveKey,
    groups: async () =>
      (
        await db.query<{ name: string }>(
          "select name from settings where name like 'client:%' order by name",
        )
      ).rows.map((r) => r.name.slice('client:'.length)),
    nameOf,
  })
  server.handle(async (request) => {
    const controlled = await control?.handle(request)
    if (controlled !== undefined) return controlled
    const url = new URL(request.url)
    switch (url.pathname) {
      case YOUR_DATA_PATH:
      case EXPORT_DOWNLOAD_PATH:
        return yourData(request, url.pathname)
      case '/signin':
        return sessions.signIn(request)
      case '/cta/callback':
        return sessions.callback(request)
      case '/session': {
        // Who the session stands for (the member's IRI and name), or 401.
        const session = sessions.of(request)
        if (session === undefined) return new Response(null, { status: 401 })
        const name = (await nameOf(session.member)) ?? session.member
        return json({ member: session.member, name, group: session.group })
      }
      case TOOL_MANIFEST_PATH:
        return json(manifest)
      case '/.well-known/jwks.json':
        return json(toJwks([key]))
      case '/cta/inbox': {
        // Not ready (or stopping): the sender keeps the delivery and retries after a second.
        if (inboxState !== 'open')
          return answered(new Response(null, { status: 503, headers: { 'retry-after': '1' } }))
        const receiving = receive(request)
        inFlight.add(receiving)
        try {
          return answered(await receiving)
        } finally {
          inFlight.delete(receiving)
        }
      }
      // The group's map (`/map`), its data (`/map.json`) and the graph library it draws with.
      case '/map':
      case '/map.json':
      case CYTOSCAPE_PATH:
        return serveMap(url, db, { origin, name: manifest.name })
      case '/favicon.ico':
        return new Response(null, { status: 204 })
      case '/api/notifications':
        return json(await shownToAnyone(await notifications(filterOf(url))))
      case '/':
        return page(
          renderPage(await view(url, languagesOf(request.headers.get('accept-language')))),
        )
      case '/feed':
        return page(
          renderFeed(await view(url, languagesOf(request.headers.get('accept-language')))),
        )
      case '/client.js':
        return new Response(CLIENT_JS, {
          headers: { 'content-type': 'text/javascript; charset=utf-8' },
        })
      case '/api/read':
      case '/api/read-all':
        return answerRead(request, url.pathname === '/api/read-all', unread, isMember)
      default:
        return new Response('not found', { status: 404 })
    }
  })

  async function notifications(filter: Filter = {}): Promise<Notification[]> {
    const where: string[] = []
    const params: string[] = []
    const add = (sql: string, value: string | undefined) => {
      if (value === undefined || value === '') return
      params.push(value)
      where.push(sql.replaceAll('?', `$${params.length}`))
    }
    add('source = ?', filter.tool)
    add('grp = ?', filter.group)
    add('type = ?', filter.type)
    add(
      "(actor_id = ? or object_id = ? or (' ' || recipients || ' ') like '% ' || ? || ' %')",
      filter.member,
    )
    const rows = await db.query<Notification>(
      `select source, id, type, grp as "group", actor_id as "actorId", actor_name as "actorName",
         summary, published, url, kid, via, object_id as "objectId", data from notifications
       ${where.length > 0 ? `where ${where.join(' and ')}` : ''} order by published desc, received desc`,
      params,
    )
    return rows.rows
  }

  async function pull(f: { tool: string; grp: string; feed: string; cursor: string | null }) {
    const result = await pullEvents(f.feed, {
      group: f.grp,
      ...(f.cursor === null ? {} : { after: f.cursor }),
      key,
      resolveKey: resolver.resolveKey,
      dedupe,
      onEvent: store('pull'),
      ...LOCAL,
    })
    if (result.cursor !== undefined)
      await db.query('update follows set cursor = $1 where tool = $2 and grp = $3', [
        result.cursor,
        f.tool,
        f.grp,
      ])
    return result
  }

  async function catchUp(): Promise<CatchUp> {
    let pulled = 0
    let duplicates = 0
    const failed: string[] = []
    for (const f of await followed()) {
      try {
        const result = await pull(f)
        pulled += result.processed
        duplicates += result.duplicates
      } catch (err) {
        // A tool that is down must not keep the dashboard deaf to the others: its feed is read
        // again on the next catch-up, and its pushes are retried.
        failed.push(`${f.tool}: ${err instanceof Error ? err.message : String(err)}`)
      }
    }
    return { pulled, duplicates, failed }
  }

  // Read what the followed tools published while the dashboard was stopped, then open the inbox:
  // every event missed arrives from a feed, and every push retried afterwards is a duplicate.
  const follows = (await followed()).length
  if (follows > 0) progress(`catching up from the ${follows} feeds it follows`)
  const caughtUp: CatchUp =
    follows === 0 ? { pulled: 0, duplicates: 0, failed: [] } : await catchUp()
  inboxState = 'open'

  return {
    origin,
    port: server.port,
    start,
    caughtUp,
    inboxAnswers,
    notifications,
    catchUp,

    async effects() {
      return (
        await db.query<Effect>('select source, id, via, start from effects order by at, start')
      ).rows
    },

    async follow(tool, group) {
      const toolManifest = await resolver.manifest(tool)
      if (toolManifest.feed === undefined || toolManifest.subscriptions === undefined)
        throw new Error(`${tool} has no feed or subscriptions endpoint`)
      await db.query(
        `insert into follows (tool, grp, feed, tool_name) values ($1, $2, $3, $4)
         on conflict (tool, grp) do nothing`,
        [tool, group, toolManifest.feed, toolManifest.name],
      )
      // Subscribe first, then read the feed: an event published in between is both pushed and in
      // the feed (stored once), where reading first would miss one published before subscribing.
      const body = await signSubscriptionRequest({ sink: `${origin}/cta/inbox`, group }, key, {
        audience: tool,
      })
      const response = await fetch(toolManifest.subscriptions, {
        method: 'POST',
        headers: { 'content-type': 'application/jose' },
        body,
      })
      if (response.status !== 201)
        throw new Error(`subscribing to ${tool}: ${response.status} ${await response.text()}`)
      const { id } = (await response.json()) as { id: string }
      await db.query('update follows set subscription = $1 where tool = $2 and grp = $3', [
        id,
        tool,
        group,
      ])
      const pulled = await pull({ tool, grp: group, feed: toolManifest.feed, cursor: null })
      return { pulled: pulled.processed }
    },

    async requestInstallation({ authority, group }) {
      const pending = await requestInstallation({
        authority,
        origin,
        key,
        group,
        // Members sign in to the dashboard (to download their data); sign-in returns here.
        scope: 'openid cta:membership',
        eventTypes: ['tech.collaborative.*'],
        redirectUris: [`${origin}/cta/callback`],
        clientName: manifest.name,
        ...LOCAL,
      })
      const installed = awaitInstallation(pending, {
        signal: installing.signal,
        interval: 250,
        ...LOCAL,
      }).then(async (credentials) => {
        await save(`client:${group}`, JSON.stringify(credentials))
      })
      installed.catch(() => undefined)
      return { approvalUri: pending.approvalUri ?? pending.installRequest, installed }
    },

    async close() {
      installing.abort()
      inboxState = 'closing'
      await Promise.allSettled([...inFlight])
      stream.close()
      await server.close()
      await db.close()
    },
  }
}

/** Creates a PGlite data directory (initdb) in a worker thread: see `create-database.mjs`. */
async function createDatabase(dataDir: string): Promise<void> {
  const worker = new Worker(new URL('./create-database.mjs', import.meta.url), {
    workerData: { dataDir },
  })
  await new Promise<void>((resolve, reject) => {
    worker.once('error', reject)
    worker.once('exit', (code) => {
      if (code === 0) resolve()
      else reject(new Error(`creating the dashboard's database in ${dataDir} failed (${code})`))
    })
  })
}

function filterOf(url: URL): Filter {
  const get = (name: string) => url.searchParams.get(name) ?? undefined
  return { tool: get('tool'), group: get('group'), type: get('type'), member: get('member') }
}

/** The dashboard's signing key, kept across restarts so its `kid` stays in its manifest. */
async function loadKey(
  origin: string,
  saved: string | undefined,
  persist: (jwk: string) => Promise<unknown>,
): Promise<SigningKey> {
  if (saved !== undefined) return importSigningKey(JSON.parse(saved) as JsonWebKey, { origin })
  const key = await generateSigningKey({ origin, extractable: true })
  const jwk = await crypto.subtle.exportKey('jwk', key.privateKey)
  await persist(JSON.stringify({ ...jwk, alg: key.alg })) // Web Crypto writes `alg: "Ed25519"`
  return key
}
