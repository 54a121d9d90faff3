/**
 * Group-Auth Relying Tool, ending access: the suite, as the group's authority, disconnects the
 * tool from a group (AUTH-END-003), and removes a member who later joins again (AUTH-END-002).
 * Cases that end access for a whole group run in a group of their own.
 */
import { createEvent, signEvent } from '@cta-interop/sdk'
import type { LiveCase, LiveContext } from '../case.js'
import { check } from '../case.js'
import type { Session } from '../control.js'
import {
  accessOf,
  announced,
  decode,
  relyingContext,
  resign,
  sessionInOwnGroup,
  signInThroughTool,
} from './relying-sign-in.js'
import { postToInbox } from './suite-events.js'

const DISCONNECTED = 'tech.collaborative.group.tool.disconnected'
const REMOVED = 'tech.collaborative.membership.removed'
const JOINED = 'tech.collaborative.membership.joined'
const UPDATED = 'tech.collaborative.membership.updated'
const LEFT = 'tech.collaborative.membership.left'

const is2xx = (status: number) => status >= 200 && status < 300

/** Runs `body` in a session of a group of its own, closed afterwards. */
async function inOwnGroup<T>(
  ctx: LiveContext,
  slug: string,
  body: (group: string, session: Session) => Promise<T>,
): Promise<T> {
  const { control } = relyingContext(ctx)
  const { group, session } = await sessionInOwnGroup(ctx, slug)
  try {
    return await body(group.id, session)
  } finally {
    await control.closeSession(session).catch(() => undefined)
  }
}

/** Whether each member may act in the tool now, asked one after the other. */
async function accessOfEach(
  ctx: LiveContext,
  members: readonly string[],
  session: Session,
): Promise<boolean[]> {
  const access: boolean[] = []
  for (const member of members) access.push(await accessOf(ctx, member, session))
  return access
}

/** The authority's announcement that `group` stopped using `other` (connected just before). */
const otherToolDisconnected = (ctx: LiveContext, group: string, other: string) =>
  announced(ctx, DISCONNECTED, async (a) => {
    await a.authority.registry.connectTool({
      id: `${group}/tools/other`,
      organization: group,
      tool: other,
      scopes: ['cta:membership'],
    })
    await a.authority.registry.disconnectTool(group, other)
  })

/** Signs two members in through `session`; fails unless both then have access. */
async function twoSignedIn(ctx: LiveContext, session: Session): Promise<string[]> {
  const signedIn = [
    await signInThroughTool(ctx, { session }),
    await signInThroughTool(ctx, { session }),
  ]
  const before = signedIn.map((s) => s.access)
  check(
    before.every(Boolean),
    'the members have no access after signing in',
    { accessBefore: [true, true] },
    { accessBefore: before },
  )
  return signedIn.map((s) => s.member)
}

/**
 * Signs a member in, has the authority remove them (the tool is told), waits `pause` ms, and has
 * them join again (the tool is told); returns the member and the removal's time in ms.
 */
async function removedAndBack(ctx: LiveContext, pause: number) {
  const { member, access } = await signInThroughTool(ctx)
  check(
    access,
    'the member has no access after signing in',
    { accessBefore: true },
    { accessBefore: access },
  )
  const group = relyingContext(ctx).authority.group.id
  const removal = await announced(ctx, REMOVED, (a) => a.authority.registry.remove(group, member))
  const removed = await postToInbox(ctx, removal.jws)
  check(
    is2xx(removed.status),
    `the inbox refused the authority's removal (${removed.status})`,
    { removal: '2xx' },
    { removal: removed.status },
  )
  const removedAt = Date.parse(removal.event.time)
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, removedAt + pause - Date.now())))
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
    `the inbox refused the authority's announcement that the member joined again (${joined.status})`,
    { joined: '2xx' },
    { joined: joined.status },
  )
  return { member, removedAt }
}

/** A case: a member signs in, the authority announces `type` about them, access must end. */
const endedBy = (
  id: string,
  title: string,
  type: string,
  change: (ctx: LiveContext, group: string, member: string) => Promise<unknown>,
): LiveCase => ({
  id: `live.group-auth-relying-tool.${id}`,
  title,
  requirements: ['AUTH-END-001'],
  profile: 'group-auth-relying-tool',
  level: 'MUST',
  actions: ['start-sign-in', 'access'],
  async run(ctx) {
    const { member, access } = await signInThroughTool(ctx)
    check(
      access,
      'the member has no access after signing in',
      { accessBefore: true },
      { accessBefore: access },
    )
    const group = relyingContext(ctx).authority.group.id
    const { jws } = await announced(ctx, type, () => change(ctx, group, member))
    const answer = await postToInbox(ctx, jws)
    const after = await accessOf(ctx, member)
    const expected = { delivered: '2xx', accessAfter: false }
    const actual = { delivered: answer.status, accessAfter: after }
    check(
      is2xx(answer.status),
      `the inbox refused the authority's ${type} (${answer.status})`,
      expected,
      actual,
    )
    check(!after, `the member still has access after the authority's ${type}`, expected, actual)
    return { expected, actual }
  },
})

export const RELYING_ENDING_CASES: readonly LiveCase[] = [
  endedBy(
    'suspension-ends-access',
    "The tool acts on the authority's membership.updated to suspended: the member's access ends at once",
    UPDATED,
    (ctx, group, member) =>
      relyingContext(ctx).authority.authority.registry.update(group, member, {
        status: 'suspended',
      }),
  ),
  endedBy(
    'leaving-ends-access',
    "The tool acts on the authority's membership.left: the member's access ends at once",
    LEFT,
    (ctx, group, member) => relyingContext(ctx).authority.authority.registry.leave(group, member),
  ),
  {
    id: 'live.group-auth-relying-tool.tool-disconnected-ends-access',
    title:
      "The tool acts on the authority's group.tool.disconnected for its own installation: every member of the group loses access",
    requirements: ['AUTH-END-003'],
    profile: 'group-auth-relying-tool',
    level: 'MUST',
    actions: ['start-sign-in', 'access'],
    run: (ctx) =>
      inOwnGroup(ctx, 'disconnected', async (group, session) => {
        const members = await twoSignedIn(ctx, session)
        const { jws } = await announced(ctx, DISCONNECTED, (a) =>
          a.authority.registry.disconnectTool(group, ctx.sut.endpoints.origin),
        )
        const answer = await postToInbox(ctx, jws)
        const after = await accessOfEach(ctx, members, session)
        const expected = { delivered: '2xx', accessAfter: [false, false] }
        const actual = { delivered: answer.status, accessAfter: after }
        check(
          is2xx(answer.status),
          `the inbox refused the authority's group.tool.disconnected (${answer.status})`,
          expected,
          actual,
        )
        check(
          after.every((a) => !a),
          'a member still has access after the group disconnected the tool',
          expected,
          actual,
        )
        return { expected, actual }
      }),
  },
  {
    id: 'live.group-auth-relying-tool.other-tool-disconnected',
    title:
      "A group.tool.disconnected for another tool's installation does not end the members' access",
    requirements: ['AUTH-END-003'],
    profile: 'group-auth-relying-tool',
    level: 'MUST',
    actions: ['start-sign-in', 'access'],
    run: (ctx) =>
      inOwnGroup(ctx, 'other-disconnected', async (group, session) => {
        const members = await twoSignedIn(ctx, session)
        const other = ctx.stranger.origin
        const { jws } = await otherToolDisconnected(ctx, group, other)
        const answer = await postToInbox(ctx, jws)
        const after = await accessOfEach(ctx, members, session)
        const expected = { delivered: '2xx', accessAfter: [true, true] }
        const actual = { delivered: answer.status, accessAfter: after }
        check(
          is2xx(answer.status),
          `the inbox refused the authority's group.tool.disconnected (${answer.status})`,
          expected,
          actual,
        )
        check(
          after.every(Boolean),
          'the tool ended access when the group disconnected another tool',
          expected,
          actual,
        )
        return { expected, actual }
      }),
  },
  {
    id: 'live.group-auth-relying-tool.disconnect-from-other-source',
    title:
      "A group.tool.disconnected for the tool's own installation announced by a tool other than the authority is ignored",
    requirements: ['AUTH-END-003'],
    profile: 'group-auth-relying-tool',
    level: 'MUST',
    actions: ['start-sign-in', 'access'],
    run: (ctx) =>
      inOwnGroup(ctx, 'stranger-disconnected', async (group, session) => {
        const members = await twoSignedIn(ctx, session)
        // A well-formed announcement (the authority's own, for another tool), made about this
        // tool's installation and signed by a stranger as its source.
        const other = ctx.stranger.origin
        const { event } = await otherToolDisconnected(ctx, group, other)
        const data = event.data as { object: Record<string, unknown> }
        const forged = await signEvent(
          createEvent(
            DISCONNECTED,
            {
              ...data,
              id: `${other}/activities/${Date.now()}`,
              actor: { id: other, type: 'Application', name: 'Not the authority' },
              object: { ...data.object, id: `${group}/tools/sut`, tool: ctx.sut.endpoints.origin },
            } as never,
            { source: other },
          ),
          ctx.stranger.key,
        )
        const answer = await postToInbox(ctx, forged)
        const after = await accessOfEach(ctx, members, session)
        const expected = { accessAfter: [true, true] }
        const actual = { answered: answer.status, accessAfter: after }
        check(
          after.every(Boolean),
          "the tool ended access on a disconnection announced by a tool that is not the group's authority",
          expected,
          actual,
        )
        return { expected, actual }
      }),
  },
  {
    id: 'live.group-auth-relying-tool.assertion-before-removal',
    title:
      'An assertion issued before the announced end of a membership never lets the member in, even after they joined again',
    requirements: ['AUTH-END-002'],
    profile: 'group-auth-relying-tool',
    level: 'MUST',
    actions: ['start-sign-in', 'access'],
    async run(ctx) {
      const { member, removedAt } = await removedAndBack(ctx, 0)
      // An assertion issued a second before the removal, still within its lifetime: one the
      // member could have kept from before (a fresh jti, so that only its age can refuse it).
      const issued = Math.floor(removedAt / 1000) - 1
      const result = await signInThroughTool(ctx, {
        member,
        mutate: async (assertion) => {
          const { header, claims } = decode(assertion)
          return resign(ctx, header, {
            ...claims,
            iat: issued,
            nbf: issued,
            exp: issued + 300,
            jti: `${String(claims['jti'])}-old`,
          })
        },
      })
      const expected = { access: false }
      const actual = { access: result.access, issuedBeforeRemovalBy: removedAt / 1000 - issued }
      check(
        !result.access,
        'the tool let the member in on an assertion issued before their removal',
        expected,
        actual,
      )
      return { expected, actual }
    },
  },
  {
    id: 'live.group-auth-relying-tool.assertion-after-rejoin',
    title:
      'A member removed and then joined again is let in on an assertion issued after they joined again',
    requirements: ['AUTH-END-002'],
    profile: 'group-auth-relying-tool',
    level: 'MUST',
    actions: ['start-sign-in', 'access'],
    async run(ctx) {
      // Assertions carry whole seconds: the new one must be issued in a later second.
      const { member } = await removedAndBack(ctx, 1100)
      const result = await signInThroughTool(ctx, { member })
      const expected = { access: true }
      const actual = { access: result.access }
      check(
        result.access,
        'the tool refused a member who joined again, on an assertion issued after that',
        expected,
        actual,
      )
      return { expected, actual }
    },
  },
]
