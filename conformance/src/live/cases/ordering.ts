/**
 * Order (DOC-SEQ-001, MEM-EVT-003). Receiver: an event whose `sequence` is not 20 digits is
 * refused. Group-Auth Relying Tool: the suite, as the group's authority, has a signed-in member
 * leave and join again, delivers the `membership.joined` first and the `membership.left` only
 * afterwards, as a retry that was late would; the tool must keep the access of the member who is
 * back.
 */
import type { LiveCase } from '../case.js'
import { check } from '../case.js'
import { payload, rejects } from './receiver-rejects.js'
import { accessOf, announced, relyingContext, signInThroughTool } from './relying-sign-in.js'
import { headerOf, postToInbox, signRaw } from './suite-events.js'

const LEFT = 'tech.collaborative.membership.left'
const JOINED = 'tech.collaborative.membership.joined'

const is2xx = (status: number) => status >= 200 && status < 300

export const ORDERING_CASES: readonly LiveCase[] = [
  rejects(
    'sequence-not-20-digits',
    'An event whose sequence is "9", not 20 digits, is rejected as schema-invalid',
    ['DOC-SEQ-001'],
    'ERR_SCHEMA_INVALID',
    async (ctx, event) => ({
      body: await signRaw(
        headerOf(ctx.peer.key),
        payload({ ...event, sequence: '9' }),
        ctx.peer.key,
      ),
    }),
  ),
  {
    id: 'live.group-auth-relying-tool.late-left-after-rejoin',
    title:
      'A membership.left delivered after the member’s later membership.joined (a lower sequence) does not end their access',
    requirements: ['MEM-EVT-003'],
    profile: 'group-auth-relying-tool',
    level: 'MUST',
    actions: ['start-sign-in', 'access'],
    async run(ctx) {
      const { member, access: before } = await signInThroughTool(ctx)
      check(
        before,
        'the member has no access after signing in',
        { accessBefore: true },
        { accessBefore: before },
      )
      const group = relyingContext(ctx).authority.group.id
      // The member leaves; the announcement is held back, as if its delivery kept failing.
      const left = await announced(ctx, LEFT, (a) => a.authority.registry.leave(group, member))
      const rejoin = await announced(ctx, JOINED, (a) =>
        a.authority.registry.join(
          group,
          { id: member, type: 'Person', name: 'Member who came back' },
          { role: [`${group}/roles/member`], coreRole: 'member' },
        ),
      )
      const joined = await postToInbox(ctx, rejoin.jws)
      check(
        is2xx(joined.status),
        `the inbox refused the authority's membership.joined (${joined.status})`,
        { joined: '2xx' },
        { joined: joined.status },
      )
      const again = await signInThroughTool(ctx, { member })
      check(
        again.access,
        'the member has no access after joining again and signing in',
        { accessAfterRejoin: true },
        { accessAfterRejoin: again.access },
      )
      const late = await postToInbox(ctx, left.jws)
      const after = await accessOf(ctx, member)
      const expected = { lateLeft: '2xx', accessAfter: true }
      const actual = {
        lateLeft: late.status,
        accessAfter: after,
        sequences: { left: left.event.sequence, joined: rejoin.event.sequence },
      }
      check(
        is2xx(late.status),
        `the inbox refused the authority's late membership.left (${late.status})`,
        expected,
        actual,
      )
      check(
        after,
        'a membership.left older than the membership.joined the tool applied ended the access of the member who came back',
        expected,
        actual,
      )
      return { expected, actual }
    },
  },
]
