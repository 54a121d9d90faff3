/**
 * Emitter: the feed. Pages in a group of the case's own hold every event once, oldest first, at
 * most `limit` each; events published between page reads come after every cursor handed out; a
 * query the feed cannot answer is refused; and a tool not installed in the group reads nothing.
 */
import type { LiveCase, LiveContext } from '../case.js'
import { check, waitUntil } from '../case.js'
import {
  controlOf,
  deliveredId,
  emitIn,
  feedUrl,
  getFeed,
  groupQuery,
  withSeparateSession,
} from './emitter-support.js'
import { problemType } from './suite-events.js'

/** One page as read, and what was wrong with it. */
interface Page {
  readonly after: string | undefined
  readonly ids: (string | undefined)[]
  readonly next: unknown
}

/** The smallest page size the case asks for: small enough that its events need several pages. */
const LIMIT = 2

/** Reads the group's pages from `after` until an empty one; fails on a page that breaks the form. */
async function readPages(ctx: LiveContext, group: string, after?: string): Promise<Page[]> {
  const pages: Page[] = []
  let cursor = after
  for (let n = 0; n < 50; n++) {
    const query = `${groupQuery(ctx, group)}&limit=${LIMIT}${cursor === undefined ? '' : `&after=${encodeURIComponent(cursor)}`}`
    const { status, body } = await getFeed(ctx, query)
    check(status === 200, `the feed answered ${status}`, { status: 200 }, { status, query })
    const items = Array.isArray(body.items) ? (body.items as unknown[]) : undefined
    check(
      items !== undefined && items.every((i) => typeof i === 'string'),
      'a feed page has no "items" of compact JWS strings',
      { items: 'array of strings' },
      body,
    )
    const page: Page = {
      after: cursor,
      ids: (items as string[]).map(deliveredId),
      next: body.next,
    }
    pages.push(page)
    check(
      page.ids.length <= LIMIT,
      `a page asked for at most ${LIMIT} events holds ${page.ids.length}`,
      { atMost: LIMIT },
      pages,
    )
    if (page.ids.length === 0) {
      check(page.next === null, 'an empty page has a "next" cursor', { next: null }, pages)
      return pages
    }
    check(
      typeof page.next === 'string' && page.next.length > 0,
      'a page with events has no "next" cursor',
      { next: 'a cursor' },
      pages,
    )
    check(
      page.next !== cursor,
      'a page with events hands out the cursor it was read from again',
      { next: `not ${String(cursor)}` },
      pages,
    )
    cursor = page.next as string
  }
  throw new Error('the feed did not end within 50 pages')
}

/** The ids of `pages`, in order. */
const idsOf = (pages: readonly Page[]) => pages.flatMap((p) => p.ids)

/** The last cursor `pages` handed out. */
const lastCursor = (pages: readonly Page[], before?: string): string | undefined =>
  pages.reduce<string | undefined>((c, p) => (typeof p.next === 'string' ? p.next : c), before)

export const EMITTER_FEED_CASES: readonly LiveCase[] = [
  {
    id: 'live.emitter.feed-pages',
    title:
      'The feed serves every event once across pages, oldest first, at most limit to a page, and events published later only after the cursors handed out',
    requirements: ['DLV-FED-001', 'DLV-FED-002'],
    profile: 'emitter',
    level: 'MUST',
    actions: ['emit'],
    async run(ctx) {
      feedUrl(ctx)
      return withSeparateSession(ctx, { extraPeer: false }, async (separate) => {
        const emitted = [
          await emitIn(ctx, separate),
          await emitIn(ctx, separate),
          await emitIn(ctx, separate),
        ]
        const mine = (ids: readonly (string | undefined)[]) =>
          ids.filter((id): id is string => id !== undefined && emitted.includes(id))
        // The events are in the feed once the tool published them: wait for all three.
        const ready = await waitUntil(async () => {
          const ids = mine(idsOf(await readPages(ctx, separate.group)))
          return ids.length >= 3 ? ids : undefined
        }, ctx.patience)
        check(
          ready !== undefined,
          `the feed does not hold the three emitted events within ${ctx.patience} ms`,
          { items: emitted },
          {},
        )
        // The first page from the start; then an event published between two page reads.
        const first = (await readPages(ctx, separate.group)).slice(0, 1)
        emitted.push(await emitIn(ctx, separate))
        const rest = await readPages(ctx, separate.group, lastCursor(first))
        const all = [...first, ...rest]
        // Then one more, after the last cursor handed out: only it comes after that cursor.
        const end = lastCursor(all)
        emitted.push(await emitIn(ctx, separate))
        const tail = await readPages(ctx, separate.group, end)
        const seen = idsOf(all)
        const expected = {
          pages: `at most ${LIMIT} events each`,
          order: emitted.slice(0, 4),
          afterLastCursor: emitted.slice(4),
        }
        const actual = {
          pages: all.map((p) => p.ids),
          order: mine(seen),
          afterLastCursor: mine(idsOf(tail)),
          tail: tail.map((p) => p.ids),
        }
        const repeated = seen.filter((id, i) => seen.indexOf(id) !== i)
        check(
          repeated.length === 0,
          `the pages repeat events: ${repeated.join(', ')}`,
          expected,
          actual,
        )
        check(
          JSON.stringify(actual.order) === JSON.stringify(expected.order),
          'the pages do not hold each emitted event once, oldest first',
          expected,
          actual,
        )
        check(
          JSON.stringify(actual.afterLastCursor) === JSON.stringify(expected.afterLastCursor) &&
            idsOf(tail).every((id) => !seen.includes(id)),
          'paging from the last cursor handed out does not give exactly the event published since',
          expected,
          actual,
        )
        return { expected, actual }
      })
    },
  },
  {
    id: 'live.emitter.feed-bad-query',
    title:
      'A feed request without a group, with a cursor the feed never issued, or with a limit that is not a positive integer is refused 400',
    requirements: ['DLV-FED-001'],
    profile: 'emitter',
    level: 'MUST',
    async run(ctx) {
      feedUrl(ctx)
      const group = groupQuery(ctx)
      const queries = {
        noGroup: 'limit=1',
        foreignCursor: `${group}&after=${encodeURIComponent('not-a-cursor-of-this-feed')}`,
        zeroLimit: `${group}&limit=0`,
        wordLimit: `${group}&limit=some`,
      }
      const actual: Record<string, { status: number; type: unknown }> = {}
      for (const [name, query] of Object.entries(queries)) {
        const { status, body } = await getFeed(ctx, query)
        actual[name] = { status, type: body.type }
      }
      const refused = { status: 400, type: problemType('ERR_REQUEST_INVALID') }
      const expected = Object.fromEntries(Object.keys(queries).map((k) => [k, refused]))
      for (const [name, answer] of Object.entries(actual)) {
        check(
          answer.status === 400 && answer.type === refused.type,
          `the feed request (${name}) was answered ${answer.status} ${String(answer.type)}`,
          expected,
          actual,
        )
      }
      return { expected, actual }
    },
  },
  {
    id: 'live.emitter.feed-uninstalled',
    title: 'The feed refuses the events of a group to a tool not installed in it',
    requirements: ['DLV-FED-003'],
    profile: 'emitter',
    level: 'MUST',
    async run(ctx) {
      feedUrl(ctx)
      controlOf(ctx)
      return withSeparateSession(ctx, { extraPeer: false, install: false }, async (separate) => {
        const { status, body } = await getFeed(ctx, groupQuery(ctx, separate.group))
        const allowed = [problemType('ERR_NOT_INSTALLED'), problemType('ERR_UNAUTHORIZED')]
        const expected = {
          status: '403 ERR_NOT_INSTALLED or 401 ERR_UNAUTHORIZED',
          types: allowed,
        }
        const actual = { status, type: body.type, items: body.items }
        check(
          (status === 403 && body.type === allowed[0]) ||
            (status === 401 && body.type === allowed[1]),
          `the feed of a group the suite is not installed in was answered ${status} ${String(body.type)}`,
          expected,
          actual,
        )
        return { expected, actual }
      })
    },
  },
]
