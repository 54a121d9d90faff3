/**
 * Group Authority, membership and tool events: the suite subscribes to a group of its own session,
 * makes the authority change a membership or end the suite's installation through the control API,
 * and waits for the signed event that announces the change (by its subscription or in the feed).
 */
import { ProtocolError, type Event } from '@cta-interop/sdk'
import type { LiveCase, LiveContext } from '../case.js'
import { check, Untested } from '../case.js'
import {
  awaitAnnounced,
  discover,
  expectProblem,
  getGroupResource,
  rosterToken,
  subscribeTo,
  withSession,
  type Announced,
  type ClientSession,
} from './authority-session.js'

const JOINED = 'tech.collaborative.membership.joined'
const REMOVED = 'tech.collaborative.membership.removed'
const CONNECTED = 'tech.collaborative.group.tool.connected'
const DISCONNECTED = 'tech.collaborative.group.tool.disconnected'

/** A member of an activity's data (`result`, `object`), as a record. */
function part(event: Event, name: 'result' | 'object'): Record<string, unknown> {
  const value = (event.data as unknown as Record<string, unknown>)[name]
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {}
}

const memberOf = (event: Event): unknown =>
  (part(event, 'result')['member'] as { id?: unknown } | undefined)?.id

/** Subscribes to the session's group, or makes sure the feed can show its events. */
async function listen(ctx: LiveContext, session: ClientSession): Promise<void> {
  const subscribed = await subscribeTo(ctx, session.group)
  if (!subscribed && ctx.manifest.feed === undefined) {
    throw new Untested('the tool manifest names neither a subscriptions endpoint nor a feed')
  }
}

/** Fails unless the announcement came, from the tool, about the session's group. */
function expectAnnounced(
  ctx: LiveContext,
  found: Announced | undefined,
  what: string,
  expected: Record<string, unknown>,
): Announced {
  check(
    found !== undefined,
    `no signed ${what} event reached the suite within ${ctx.patience} ms (subscription or feed)`,
    expected,
    { announced: 'nothing' },
  )
  const { event } = found as Announced
  check(
    event.source === ctx.manifest.id,
    `the ${what} event does not come from the authority`,
    { source: ctx.manifest.id },
    { source: event.source },
  )
  return found as Announced
}

/** A change number as a BigInt, when it is one (digits). */
/** A change number as DOC-SEQ-001 writes it: exactly 20 digits, else none. */
const changeNumber = (sequence: unknown): bigint | undefined =>
  typeof sequence === 'string' && /^\d{20}$/.test(sequence) ? BigInt(sequence) : undefined

export const AUTHORITY_EVENT_CASES: readonly LiveCase[] = [
  {
    id: 'live.group-authority.announces-membership-changes',
    title:
      'The authority announces every membership change it stores: an added member as membership.joined, a removal as membership.removed, each signed with its change number',
    requirements: ['MEM-EVT-001'],
    profile: 'group-authority',
    level: 'MUST',
    actions: ['add-member', 'remove-member'],
    async run(ctx) {
      return withSession(ctx, { members: ['Ana', 'Ben'] }, async (session) => {
        if (ctx.control === undefined) throw new Untested('needs the control API')
        await listen(ctx, session)
        const added = (await ctx.control.act(session, 'add-member', { name: 'Dana' }))['member']
        if (typeof added !== 'string') throw new Error('add-member returned no member IRI')
        const joined = expectAnnounced(
          ctx,
          await awaitAnnounced(ctx, session.group, JOINED, (e) => memberOf(e) === added),
          JOINED,
          { type: JOINED, member: added },
        )
        const removed = session.members[1]
        if (removed === undefined) throw new Error('the session has no second member')
        await ctx.control.act(session, 'remove-member', { member: removed.id })
        const removal = expectAnnounced(
          ctx,
          await awaitAnnounced(ctx, session.group, REMOVED, (e) => memberOf(e) === removed.id),
          REMOVED,
          { type: REMOVED, member: removed.id },
        )
        const expected = {
          joined: { member: added, status: 'active', sequence: 'a change number, 20 digits' },
          removed: { member: removed.id, status: 'removed', sequence: 'a later change number' },
        }
        const actual = {
          joined: {
            member: memberOf(joined.event),
            status: part(joined.event, 'result')['membershipStatus'],
            sequence: joined.event.sequence,
            via: joined.via,
          },
          removed: {
            member: memberOf(removal.event),
            status: part(removal.event, 'result')['membershipStatus'],
            sequence: removal.event.sequence,
            via: removal.via,
          },
        }
        const first = changeNumber(joined.event.sequence)
        const second = changeNumber(removal.event.sequence)
        check(
          actual.joined.status === 'active' && actual.removed.status === 'removed',
          'an event does not carry the membership as it now is',
          expected,
          actual,
        )
        check(
          first !== undefined && second !== undefined && second > first,
          'the events do not carry increasing change numbers as sequence',
          expected,
          actual,
        )
        return { expected, actual }
      })
    },
  },
  {
    id: 'live.group-authority.announces-tool-changes',
    title:
      'The authority announces a group starting to use the suite’s tool (group.tool.connected) and stopping (group.tool.disconnected), and the ended installation is stored',
    requirements: ['MEM-EVT-002'],
    profile: 'group-authority',
    level: 'MUST',
    actions: ['disconnect-tool'],
    async run(ctx) {
      return withSession(ctx, { members: ['Ana'] }, async (session) => {
        if (ctx.control === undefined) throw new Untested('needs the control API')
        await listen(ctx, session)
        const ours = (e: Event) => part(e, 'object')['tool'] === ctx.peer.origin
        // The session installed the suite's tool before the suite could subscribe: the feed has it.
        const connected =
          ctx.manifest.feed === undefined
            ? undefined
            : expectAnnounced(
                ctx,
                await awaitAnnounced(ctx, session.group, CONNECTED, ours),
                CONNECTED,
                { type: CONNECTED, tool: ctx.peer.origin },
              )
        const { group } = await discover(ctx, session)
        const before = await getGroupResource(
          ctx,
          group.tools,
          `Bearer ${await rosterToken(ctx, session)}`,
        )
        check(
          before.status === 200,
          `the installations were not served to the installed suite (${before.status})`,
          { status: 200 },
          { status: before.status, type: before.type },
        )
        await ctx.control.act(session, 'disconnect-tool', {})
        const disconnected = expectAnnounced(
          ctx,
          await awaitAnnounced(ctx, session.group, DISCONNECTED, ours),
          DISCONNECTED,
          { type: DISCONNECTED, tool: ctx.peer.origin },
        )
        const expected = {
          connected: ctx.manifest.feed === undefined ? 'no feed to read it from' : 'active',
          disconnected: 'removed',
          installations: 'refused 403 ERR_NOT_INSTALLED',
        }
        const actual = {
          connected:
            connected === undefined
              ? 'no feed to read it from'
              : part(connected.event, 'object')['installationStatus'],
          disconnected: part(disconnected.event, 'object')['installationStatus'],
        }
        check(
          actual.disconnected === 'removed' &&
            (connected === undefined || actual.connected === 'active'),
          'an event does not carry the installation as it now is',
          expected,
          actual,
        )
        // The announced end was stored: the group's installations are no longer the suite's to read
        // (with a fresh token; an authority may also refuse the disconnected tool a token at all).
        let token: string | undefined
        try {
          token = await rosterToken(ctx, session)
        } catch (err) {
          if (!(err instanceof ProtocolError)) throw err
        }
        if (token !== undefined) {
          expectProblem(
            await getGroupResource(ctx, group.tools, `Bearer ${token}`),
            403,
            'ERR_NOT_INSTALLED',
            'the installations, read by the disconnected tool',
          )
        }
        return { expected, actual }
      })
    },
  },
]
