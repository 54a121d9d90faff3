/**
 * Group Authority, privacy (spec/privacy.md): the suite subscribes to a group of its own session,
 * has the authority add and remove members, and reads what the signed membership events disclose:
 * for a roster that is not public no name of any member, no person as actor (PRV-EVT-001), and in
 * every event and for every member IRI the authority minted, no contact details (PRV-COR-001).
 */
import { checkEventPrivacy, isProtocolError, type Event } from '@cta-interop/sdk'
import type { LiveCase, LiveContext } from '../case.js'
import { check, Untested } from '../case.js'
import {
  awaitAnnounced,
  discover,
  subscribeTo,
  withSession,
  type ClientSession,
} from './authority-session.js'

const JOINED = 'tech.collaborative.membership.joined'
const REMOVED = 'tech.collaborative.membership.removed'

/** Names distinct enough that finding one in an event can only be a disclosure. */
const NAMES = ['Anahera Privacy-Check', 'Benedikt Privacy-Check', 'Dagny Privacy-Check']

const memberOf = (event: Event): unknown =>
  (
    (event.data as unknown as { result?: { member?: { id?: unknown } } }).result?.member as
      { id?: unknown } | undefined
  )?.id

/** Subscribes to the session's group, or makes sure the feed can show its events. */
async function listen(ctx: LiveContext, session: ClientSession): Promise<void> {
  const subscribed = await subscribeTo(ctx, session.group)
  if (!subscribed && ctx.manifest.feed === undefined) {
    throw new Untested('the tool manifest names neither a subscriptions endpoint nor a feed')
  }
}

/** What `checkEventPrivacy` says of a value: `ok`, or the code and why. */
function judge(run: () => void): string {
  try {
    run()
    return 'ok'
  } catch (err) {
    if (isProtocolError(err)) return `${err.code}: ${err.message}`
    throw err
  }
}

export const AUTHORITY_PRIVACY_CASES: readonly LiveCase[] = [
  {
    id: 'live.group-authority.membership-events-name-no-one',
    title:
      'The authority’s membership events of a roster that is not public name no one: the member by IRI only, no person as actor, no name in the summary, and its member IRIs carry no contact details',
    requirements: ['PRV-EVT-001', 'PRV-COR-001'],
    profile: 'group-authority',
    level: 'MUST',
    actions: ['add-member', 'remove-member'],
    async run(ctx) {
      return withSession(ctx, { members: NAMES.slice(0, 2) }, async (session) => {
        if (ctx.control === undefined) throw new Untested('needs the control API')
        const { group } = await discover(ctx, session)
        await listen(ctx, session)
        const added = (await ctx.control.act(session, 'add-member', { name: NAMES[2] }))['member']
        if (typeof added !== 'string') throw new Error('add-member returned no member IRI')
        const joined = await awaitAnnounced(
          ctx,
          session.group,
          JOINED,
          (e) => memberOf(e) === added,
        )
        const removed = session.members[1]
        if (removed === undefined) throw new Error('the session has no second member')
        await ctx.control.act(session, 'remove-member', { member: removed.id })
        const removal = await awaitAnnounced(
          ctx,
          session.group,
          REMOVED,
          (e) => memberOf(e) === removed.id,
        )
        check(
          joined !== undefined && removal !== undefined,
          `no signed membership event reached the suite within ${ctx.patience} ms (subscription or feed)`,
          { announced: [JOINED, REMOVED] },
          { announced: [joined?.event.type ?? 'nothing', removal?.event.type ?? 'nothing'] },
        )
        const events = [joined, removal].map((a) => (a as { event: Event }).event)
        const iris = [...session.members.map((m) => m.id), added]
        const expected = {
          rosterVisibility: group.rosterVisibility,
          events: events.map(() => 'ok'),
          memberIris: 'ok',
        }
        const actual = {
          rosterVisibility: group.rosterVisibility,
          events: events.map((event) =>
            judge(() => {
              checkEventPrivacy(event, { group, names: NAMES })
            }),
          ),
          // The IRIs the authority minted for the session's members, judged as an event's data.
          memberIris: judge(() => {
            checkEventPrivacy({ type: 'member-iris', data: iris })
          }),
          summaries: events.map((e) => e.data.summary),
          actors: events.map((e) => e.data.actor),
        }
        check(
          actual.memberIris === 'ok',
          'a member IRI the authority minted carries contact details (PRV-COR-001)',
          expected,
          actual,
        )
        check(
          actual.events.every((r) => r === 'ok'),
          group.rosterVisibility === 'public'
            ? 'a membership event carries contact details'
            : `a membership event of a roster visible to ${group.rosterVisibility} only names a person (PRV-EVT-001)`,
          expected,
          actual,
        )
        return { expected, actual }
      })
    },
  },
]
