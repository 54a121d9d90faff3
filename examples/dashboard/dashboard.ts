// A notification dashboard: one page for what every tool a group uses did. It subscribes to each
// tool (push, with the handshake), catches up from their feeds (pull) after a restart, and keeps the
// verified events in an embedded PGlite database, deduplicated by (source, id) across both paths.
import { PGlite } from '@electric-sql/pglite'
import {
  TOOL_MANIFEST_PATH,
  answerHandshake,
  createInbox,
  createManifestResolver,
  createToolManifest,
  generateSigningKey,
  importSigningKey,
  pullEvents,
  signSubscriptionRequest,
  toJwks,
  type Event,
  type InboxContext,
  type SigningKey,
} from '@cta-interop/sdk'
import { createPgliteDeliveryStore } from '@cta-interop/sdk/node'
import { json, listen } from '../src/http.js'
import { LOCAL } from '../src/producer.js'
import { renderPage, type Filter, type Notification } from './page.js'

/** The running dashboard. */
export interface Dashboard {
  readonly origin: string
  readonly port: number
  /** Subscribes to a tool's events of a group, after reading what its feed already has. */
  follow(tool: string, group: string): Promise<{ pulled: number }>
  /** Reads every followed feed from the last saved cursor. */
  catchUp(): Promise<{ pulled: number; duplicates: number }>
  /** Stored notifications, newest first. */
  notifications(filter?: Filter): Promise<Notification[]>
  /** How many times each event arrived, by `<source> <id>`: pushes and pulls that were accepted. */
  readonly arrivals: ReadonlyMap<string, number>
  /** How the inbox answered pushes since this start, by HTTP status (202 new, 200 duplicate). */
  readonly inboxAnswers: ReadonlyMap<number, number>
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
`

/**
 * Starts the dashboard on 127.0.0.1. Its data (events, cursors, its signing key, its port) lives in
 * `dataDir`; starting again with the same directory resumes where it stopped, on the same origin.
 */
export async function startDashboard(options: { dataDir: string }): Promise<Dashboard> {
  const db = new PGlite(options.dataDir)
  await db.exec(SCHEMA)
  const setting = async (name: string): Promise<string | undefined> =>
    (await db.query<{ value: string }>('select value from settings where name = $1', [name]))
      .rows[0]?.value
  const save = (name: string, value: string) =>
    db.query('insert into settings values ($1, $2) on conflict (name) do update set value = $2', [
      name,
      value,
    ])
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
  const resolver = createManifestResolver({ ...LOCAL, trustedSources: (o) => allowedOrigins(o) })
  const arrivals = new Map<string, number>()
  const inboxAnswers = new Map<number, number>()

  const store = (via: 'push' | 'pull') => async (event: Event, context: InboxContext) => {
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
    await db.query(
      `insert into notifications (source, id, type, grp, actor_id, actor_name, summary, published,
         url, object_id, recipients, kid, via, jws)
       values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14) on conflict do nothing`,
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
      ],
    )
    const k = `${event.source} ${event.id}`
    arrivals.set(k, (arrivals.get(k) ?? 0) + 1)
  }

  const followed = async (): Promise<
    { tool: string; grp: string; feed: string; cursor: string | null }[]
  > =>
    (
      await db.query<{ tool: string; grp: string; feed: string; cursor: string | null }>(
        'select tool, grp, feed, cursor from follows order by tool',
      )
    ).rows

  const inbox = createInbox({ resolveKey: resolver.resolveKey, dedupe, onEvent: store('push') })
  const allowedOrigins = async (o: string): Promise<boolean> =>
    (await followed()).some((f) => f.tool === o)

  server.handle(async (request) => {
    const url = new URL(request.url)
    switch (url.pathname) {
      case TOOL_MANIFEST_PATH:
        return json(manifest)
      case '/.well-known/jwks.json':
        return json(toJwks([key]))
      case '/cta/inbox': {
        const handshake = await answerHandshake(request, { allowedOrigins })
        if (handshake !== undefined) return handshake
        const response = await inbox(request)
        inboxAnswers.set(response.status, (inboxAnswers.get(response.status) ?? 0) + 1)
        return response
      }
      case '/favicon.ico':
        return new Response(null, { status: 204 })
      case '/api/notifications':
        return json(await notifications(filterOf(url)))
      case '/': {
        const tools = (
          await db.query<{ tool: string; tool_name: string }>(
            'select distinct tool, tool_name from follows order by tool_name',
          )
        ).rows
        return new Response(
          renderPage({
            filter: filterOf(url),
            notifications: await notifications(filterOf(url)),
            all: await notifications({}),
            tools: new Map(tools.map((t) => [t.tool, t.tool_name])),
          }),
          { headers: { 'content-type': 'text/html; charset=utf-8' } },
        )
      }
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
         summary, published, url, kid, via from notifications
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

  return {
    origin,
    port: server.port,
    arrivals,
    inboxAnswers,
    notifications,

    async follow(tool, group) {
      const toolManifest = await resolver.manifest(tool)
      if (toolManifest.feed === undefined || toolManifest.subscriptions === undefined)
        throw new Error(`${tool} has no feed or subscriptions endpoint`)
      await db.query(
        `insert into follows (tool, grp, feed, tool_name) values ($1, $2, $3, $4)
         on conflict (tool, grp) do nothing`,
        [tool, group, toolManifest.feed, toolManifest.name],
      )
      const pulled = await pull({ tool, grp: group, feed: toolManifest.feed, cursor: null })
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
      return { pulled: pulled.processed }
    },

    async catchUp() {
      let pulled = 0
      let duplicates = 0
      for (const f of await followed()) {
        const result = await pull(f)
        pulled += result.processed
        duplicates += result.duplicates
      }
      return { pulled, duplicates }
    },

    async close() {
      await server.close()
      await db.close()
    },
  }
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
