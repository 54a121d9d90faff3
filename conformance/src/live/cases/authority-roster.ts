/**
 * Group Authority, rosters and installations: the suite reads them as a tool of the group (its
 * client-credentials token with `cta:roster`), follows `next` and `differences`, and checks what
 * the authority refuses to anyone else.
 */
import { ProtocolError, validateDocument } from '@cta-interop/sdk'
import type { LiveCase, LiveContext } from '../case.js'
import { check, Untested } from '../case.js'
import {
  discover,
  expectProblem,
  getGroupResource,
  mainSession,
  rosterToken,
  signIn,
  tokenRequest,
  withSession,
  type ClientSession,
} from './authority-session.js'

/** A membership as a roster page lists it (the fields the cases compare). */
interface Listed {
  readonly id: string
  readonly member: { readonly id: string }
  readonly membershipStatus: string
}

const ENDED = new Set(['left', 'removed'])

/** The group's `memberships` and `tools` URLs, from its document. */
async function urls(ctx: LiveContext, session: ClientSession) {
  const { group } = await discover(ctx, session)
  return { memberships: group.memberships, tools: group.tools, group }
}

/**
 * Reads a roster or a differences cursor to its end (following `next`), checking every page:
 * `200`, a valid `RosterPage` about the group, at most 1,000 memberships, a `differences` cursor.
 */
async function readPages(ctx: LiveContext, url: string, token: string, group: string) {
  const members: Listed[] = []
  let next: string | undefined = url
  let differences = ''
  let pages = 0
  while (next !== undefined) {
    if (++pages > 100) throw new Error('more than 100 roster pages for a session’s group')
    const answer = await getGroupResource(ctx, next, `Bearer ${token}`)
    check(
      answer.status === 200,
      `the roster page ${next} was answered ${answer.status}`,
      { status: 200 },
      { status: answer.status, type: answer.type },
    )
    const result = validateDocument(answer.body, { kind: 'RosterPage' })
    check(
      result.valid,
      'a roster page is not a valid RosterPage',
      { valid: true },
      { issues: result.valid ? [] : result.issues.slice(0, 5) },
    )
    const page = answer.body as {
      organization: string
      members: Listed[]
      next?: string
      differences?: string
    }
    check(
      page.organization === group,
      'a roster page is about another group',
      { organization: group },
      { organization: page.organization },
    )
    check(
      page.members.length <= 1000,
      'a roster page lists more than 1,000 memberships',
      { members: '<= 1000' },
      { members: page.members.length },
    )
    check(
      typeof page.differences === 'string',
      'a roster page carries no differences cursor',
      { differences: 'a URL' },
      { differences: page.differences },
    )
    members.push(...page.members)
    differences = page.differences ?? ''
    next = page.next
  }
  return { members, differences }
}

/** The session's members whose IRIs `listed` names, each once, and no one else. */
function sameMembers(listed: readonly Listed[], expected: readonly string[]) {
  const ids = listed.map((m) => m.member.id)
  return (
    ids.length === expected.length &&
    new Set(ids).size === ids.length &&
    expected.every((id) => ids.includes(id))
  )
}

export const AUTHORITY_ROSTER_CASES: readonly LiveCase[] = [
  {
    id: 'live.group-authority.roster-needs-tool-token',
    title:
      'The roster and installations are served only to a tool’s cta:roster token: no token, an unknown one or a member’s are refused with 401 and a Bearer challenge, one without cta:roster with 403 insufficient_scope',
    requirements: ['MEM-ROS-001'],
    profile: 'group-authority',
    level: 'MUST',
    actions: ['arm-sign-in'],
    async run(ctx) {
      const session = mainSession(ctx)
      const { memberships, tools } = await urls(ctx, session)
      const token = await rosterToken(ctx, session)
      const served = await getGroupResource(ctx, memberships, `Bearer ${token}`)
      check(
        served.status === 200,
        `the roster was not served to the suite’s cta:roster token (${served.status})`,
        { status: 200 },
        { status: served.status, type: served.type },
      )
      const { accessToken } = await signIn(ctx, 0)
      const bare = await tokenRequest(ctx, { grant_type: 'client_credentials' })
      // RFC 6750 §3: a 401 challenges with Bearer (`invalid_token` when a bearer token was sent);
      // a valid token without the scope is a 403 `insufficient_scope`.
      const credentials: [string, string | undefined, number, string, RegExp][] = [
        ['none', undefined, 401, 'ERR_UNAUTHORIZED', /^Bearer\b/i],
        [
          'unknown',
          'Bearer cta-conformance-not-a-token-of-this-authority',
          401,
          'ERR_UNAUTHORIZED',
          /^Bearer\b.*\berror="invalid_token"/i,
        ],
        [
          'member',
          `Bearer ${accessToken}`,
          401,
          'ERR_UNAUTHORIZED',
          /^Bearer\b.*\berror="invalid_token"/i,
        ],
        [
          'basic',
          `Basic ${Buffer.from('x:y').toString('base64')}`,
          401,
          'ERR_UNAUTHORIZED',
          /^Bearer\b/i,
        ],
      ]
      // The suite's token for the tool, without cta:roster: ask for it by name when the authority
      // grants the scope by default.
      const narrow =
        bare.accessToken !== undefined && !(bare.scope ?? '').split(' ').includes('cta:roster')
          ? bare.accessToken
          : (await tokenRequest(ctx, { grant_type: 'client_credentials', scope: 'cta:membership' }))
              .accessToken
      if (narrow !== undefined) {
        credentials.push([
          'without cta:roster',
          `Bearer ${narrow}`,
          403,
          'ERR_INSUFFICIENT_SCOPE',
          /^Bearer\b.*\berror="insufficient_scope"/i,
        ])
      }
      const actual: Record<string, unknown> = {}
      const expected: Record<string, unknown> = {}
      for (const [what, authorization, status, code, challenge] of credentials) {
        for (const [name, url] of [
          ['memberships', memberships],
          ['tools', tools],
        ] as const) {
          const answer = await getGroupResource(ctx, url, authorization)
          const key = `${name} (${what})`
          actual[key] = { status: answer.status, type: answer.type, challenge: answer.challenge }
          expected[key] = { status, code, challenge: challenge.source }
          expectProblem(answer, status, code, `${name} with ${what} credentials`)
          check(
            challenge.test(answer.challenge ?? ''),
            `${name} with ${what} credentials: WWW-Authenticate is ${String(answer.challenge)}`,
            expected[key],
            actual[key],
          )
        }
      }
      return { expected, actual }
    },
  },
  {
    id: 'live.group-authority.roster-not-installed',
    title:
      'The roster and installations are refused (403 ERR_NOT_INSTALLED) to a tool the group has not installed',
    requirements: ['MEM-ROS-002', 'MEM-INS-001'],
    profile: 'group-authority',
    level: 'MUST',
    async run(ctx) {
      return withSession(ctx, { install: false, members: ['Ana', 'Ben'] }, async (session) => {
        const { memberships, tools, group } = await urls(ctx, session)
        let token: string
        try {
          token = await rosterToken(ctx, session)
        } catch (err) {
          // An authority may refuse the token itself to a tool installed nowhere: nothing served.
          if (!(err instanceof ProtocolError)) throw err
          return { expected: { roster: 'refused' }, actual: { token: err.code } }
        }
        const roster = await getGroupResource(ctx, memberships, `Bearer ${token}`)
        const installations = await getGroupResource(ctx, tools, `Bearer ${token}`)
        const actual = {
          memberships: { status: roster.status, type: roster.type },
          tools: { status: installations.status, type: installations.type },
        }
        if (group.rosterVisibility !== 'public') {
          expectProblem(roster, 403, 'ERR_NOT_INSTALLED', 'the roster')
          const leaked = session.members.filter((m) => roster.text.includes(m.id))
          check(
            leaked.length === 0,
            'the refusal of the roster names members of the group',
            { leaked: [] },
            { leaked: leaked.map((m) => m.id) },
          )
        }
        expectProblem(installations, 403, 'ERR_NOT_INSTALLED', 'the installations')
        return {
          expected: {
            status: 403,
            code: 'ERR_NOT_INSTALLED',
            rosterVisibility: group.rosterVisibility,
          },
          actual,
        }
      })
    },
  },
  {
    id: 'live.group-authority.roster-pages',
    title:
      'The roster is served as RosterPages listing every current membership once and no ended one, and the installations as an OrderedCollection',
    requirements: ['MEM-ROS-003', 'MEM-INS-001'],
    profile: 'group-authority',
    level: 'MUST',
    actions: ['remove-member'],
    async run(ctx) {
      return withSession(ctx, { members: ['Ana', 'Ben', 'Cleo'] }, async (session) => {
        if (ctx.control === undefined) throw new Untested('needs the control API')
        const { memberships, tools } = await urls(ctx, session)
        const token = await rosterToken(ctx, session)
        const all = session.members.map((m) => m.id)
        const first = await readPages(ctx, memberships, token, session.group)
        check(
          sameMembers(first.members, all),
          'the roster does not list exactly the group’s members, each once',
          { members: all },
          { members: first.members.map((m) => m.member.id) },
        )
        const removed = session.members[1]
        if (removed === undefined) throw new Error('the session has no second member')
        await ctx.control.act(session, 'remove-member', { member: removed.id })
        const after = await readPages(ctx, memberships, token, session.group)
        const current = all.filter((id) => id !== removed.id)
        check(
          sameMembers(after.members, current) &&
            after.members.every((m) => !ENDED.has(m.membershipStatus)),
          'after a removal the roster does not list exactly the current memberships',
          { members: current },
          {
            members: after.members.map((m) => `${m.member.id} (${m.membershipStatus})`),
          },
        )
        const answer = await getGroupResource(ctx, tools, `Bearer ${token}`)
        const collection = (answer.body ?? {}) as {
          type?: unknown
          orderedItems?: { tool?: unknown; installationStatus?: unknown; organization?: unknown }[]
        }
        const items = Array.isArray(collection.orderedItems) ? collection.orderedItems : []
        const installations = {
          status: answer.status,
          type: collection.type,
          suite: items.find((i) => i.tool === ctx.peer.origin)?.installationStatus,
          withContext: items.filter((i) => '@context' in i).length,
          otherGroup: items.filter((i) => i.organization !== session.group).length,
        }
        const expected = {
          roster: current,
          installations: {
            status: 200,
            type: 'OrderedCollection',
            suite: 'active',
            withContext: 0,
            otherGroup: 0,
          },
        }
        const actual = { roster: after.members.map((m) => m.member.id), installations }
        check(
          answer.status === 200 &&
            collection.type === 'OrderedCollection' &&
            installations.suite === 'active' &&
            installations.withContext === 0 &&
            installations.otherGroup === 0,
          'the installations are not an OrderedCollection of the group’s installations without @context, with the suite’s active',
          expected,
          actual,
        )
        return { expected, actual }
      })
    },
  },
  {
    id: 'live.group-authority.roster-differences',
    title:
      'A differences cursor serves every membership changed since, ended ones with their final status, and an unknown query is refused',
    requirements: ['MEM-SYNC-001'],
    profile: 'group-authority',
    level: 'MUST',
    actions: ['remove-member', 'add-member'],
    async run(ctx) {
      return withSession(ctx, { members: ['Ana', 'Ben'] }, async (session) => {
        if (ctx.control === undefined) throw new Untested('needs the control API')
        const { memberships } = await urls(ctx, session)
        const token = await rosterToken(ctx, session)
        const first = await readPages(ctx, memberships, token, session.group)
        const copy = new Map(first.members.map((m) => [m.id, m]))
        const removed = session.members[1]
        if (removed === undefined) throw new Error('the session has no second member')
        await ctx.control.act(session, 'remove-member', { member: removed.id })
        const added = (await ctx.control.act(session, 'add-member', { name: 'Dana' }))['member']
        if (typeof added !== 'string') throw new Error('add-member returned no member IRI')
        const changes = await readPages(ctx, first.differences, token, session.group)
        const statusOf = (member: string) =>
          changes.members.find((m) => m.member.id === member)?.membershipStatus
        const expected = { [removed.id]: 'removed', [added]: 'active' }
        const actual = {
          changes: changes.members.map((m) => `${m.member.id} (${m.membershipStatus})`),
        }
        check(
          statusOf(removed.id) === 'removed' && statusOf(added) === 'active',
          'the differences do not hold the removal (status removed) and the new membership',
          expected,
          actual,
        )
        // A tool that replaces what it receives and drops what ended holds the roster.
        for (const m of changes.members) {
          if (ENDED.has(m.membershipStatus)) copy.delete(m.id)
          else copy.set(m.id, m)
        }
        const now = await readPages(ctx, memberships, token, session.group)
        const held = [...copy.values()].map((m) => `${m.id} ${m.membershipStatus}`).sort()
        const roster = now.members.map((m) => `${m.id} ${m.membershipStatus}`).sort()
        check(
          JSON.stringify(held) === JSON.stringify(roster),
          'the first read plus the differences is not the roster',
          { roster },
          { held },
        )
        const again = await readPages(ctx, first.differences, token, session.group)
        const twice = (pages: { members: Listed[] }) =>
          pages.members.map((m) => `${m.id} ${m.membershipStatus}`).sort()
        check(
          JSON.stringify(twice(again)) === JSON.stringify(twice(changes)),
          'reading the same differences cursor twice gave different memberships',
          { again: twice(changes) },
          { again: twice(again) },
        )
        const unknown = await getGroupResource(
          ctx,
          `${memberships}${memberships.includes('?') ? '&' : '?'}cta-conformance-unknown=1`,
          `Bearer ${token}`,
        )
        expectProblem(
          unknown,
          400,
          'ERR_REQUEST_INVALID',
          'a roster URL the authority did not issue',
        )
        return { expected, actual }
      })
    },
  },
]
