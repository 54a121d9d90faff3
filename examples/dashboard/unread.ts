// Read and unread, per member, kept in the dashboard's database (table `reads`): what a member has
// marked read survives a reload and a restart. Two small endpoints change it, answered with JSON:
// `POST /api/read` `{member, source, id}` and `POST /api/read-all` `{member}`. Bad input is
// answered `application/problem+json` with a coded type (`ERR_REQUEST_INVALID`, `ERR_NOT_FOUND`).
import type { PGlite } from '@electric-sql/pglite'
import { ProtocolError, problemResponse } from '@cta-interop/sdk'
import { json } from '../src/http.js'

/** The table of reads; created with the dashboard's other tables. */
export const UNREAD_SCHEMA = `create table if not exists reads (member text not null,
  source text not null, id text not null, at timestamptz not null default now(),
  primary key (member, source, id));`

/** A member's read state. */
export interface Unread {
  /** How many stored notifications `member` has not marked read. */
  count(member: string): Promise<number>
  /** The notifications `member` has marked read, as `<source> <id>`. */
  read(member: string): Promise<Set<string>>
  /** Marks one read; `false` when no such notification is stored. */
  markRead(member: string, source: string, id: string): Promise<boolean>
  /** Marks every stored notification read. */
  markAllRead(member: string): Promise<void>
}

/** The read state in `db` (whose `notifications` and `reads` tables exist). */
export function createUnread(db: PGlite): Unread {
  return {
    async count(member) {
      const rows = await db.query<{ n: number }>(
        `select count(*)::int as n from notifications n where not exists
           (select 1 from reads r where r.member = $1 and r.source = n.source and r.id = n.id)`,
        [member],
      )
      return rows.rows[0]?.n ?? 0
    },
    async read(member) {
      const rows = await db.query<{ source: string; id: string }>(
        'select source, id from reads where member = $1',
        [member],
      )
      return new Set(rows.rows.map((r) => `${r.source} ${r.id}`))
    },
    async markRead(member, source, id) {
      const result = await db.query(
        `insert into reads (member, source, id) select $1, source, id from notifications
           where source = $2 and id = $3 on conflict do nothing`,
        [member, source, id],
      )
      if ((result.affectedRows ?? 0) > 0) return true
      const held = await db.query('select 1 from notifications where source = $1 and id = $2', [
        source,
        id,
      ])
      return held.rows.length > 0
    },
    async markAllRead(member) {
      await db.query(
        `insert into reads (member, source, id) select $1, source, id from notifications
           on conflict do nothing`,
        [member],
      )
    },
  }
}

const invalid = (detail: string) =>
  problemResponse(new ProtocolError('ERR_REQUEST_INVALID', detail))

/**
 * Answers `POST /api/read` (one) and `POST /api/read-all` (all) with `{member, unread}`.
 *
 * @throws Never: bad input is answered `400` `ERR_REQUEST_INVALID` (not JSON, a field missing, a
 *   member the dashboard does not know), an unknown notification `404` `ERR_NOT_FOUND`.
 */
export async function answerRead(
  request: Request,
  all: boolean,
  unread: Unread,
  isMember: (iri: string) => Promise<boolean>,
): Promise<Response> {
  if (request.method !== 'POST') return invalid('use POST')
  if (!/^application\/json\b/i.test(request.headers.get('content-type') ?? ''))
    return invalid('send application/json')
  let body: unknown
  try {
    body = await request.json()
  } catch {
    return invalid('the body is not JSON')
  }
  const field = (name: string): string | undefined => {
    const value = (body as Record<string, unknown> | null)?.[name]
    return typeof value === 'string' && value !== '' && value.length < 2048 ? value : undefined
  }
  const member = field('member')
  if (typeof body !== 'object' || body === null || member === undefined)
    return invalid('`member` is required')
  if (!(await isMember(member))) return invalid('no such member')
  if (all) {
    await unread.markAllRead(member)
  } else {
    const source = field('source')
    const id = field('id')
    if (source === undefined || id === undefined) return invalid('`source` and `id` are required')
    if (!(await unread.markRead(member, source, id)))
      return problemResponse(new ProtocolError('ERR_NOT_FOUND', 'no such notification'))
  }
  return json({ member, unread: await unread.count(member) })
}
