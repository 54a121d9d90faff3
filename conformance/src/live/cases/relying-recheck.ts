/**
 * Group-Auth Relying Tool, re-checking membership (AUTH-END-004…006): the suite, as the group's
 * authority, states a re-check period of a few seconds in every assertion about a member
 * (`cta_recheck`), then keeps the member active, removes them without ever sending the removal
 * event, or stops answering altogether; the tool must keep the active member and end the others'
 * access within the period.
 */
import type { LiveCase, LiveContext } from '../case.js'
import { check } from '../case.js'
import { accessOf, relyingContext, signInThroughTool } from './relying-sign-in.js'

/** The re-check period the suite states, in seconds. */
const PERIOD = 3
/** How long after the period the suite asks, in ms: the time an access question may take. */
const SLACK = 500

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)))

/**
 * Signs a new member in with the period stated in every assertion about them; returns the member
 * and the moment by which the tool had established the membership (the bound counts from before).
 */
async function signedInWithPeriod(ctx: LiveContext) {
  const { authority } = relyingContext(ctx)
  const member = await authority.addMember(`Rechecked ${Date.now()}`)
  authority.statePeriod(member, PERIOD)
  const { access } = await signInThroughTool(ctx, { member })
  const established = Date.now()
  check(
    access,
    'the member has no access after signing in',
    { accessBefore: true },
    { accessBefore: access },
  )
  return { member, deadline: established + PERIOD * 1000 + SLACK }
}

/**
 * Asks about the member's access every 250 ms until `deadline`, then once more; returns each
 * answer with the time its question was sent.
 */
async function pollAccess(ctx: LiveContext, member: string, deadline: number) {
  const answers: { sent: number; access: boolean }[] = []
  for (;;) {
    const sent = Date.now()
    answers.push({ sent, access: await accessOf(ctx, member) })
    if (sent >= deadline) return answers
    await sleep(Math.min(250, deadline - Date.now()))
  }
}

export const RELYING_RECHECK_CASES: readonly LiveCase[] = [
  {
    id: 'live.group-auth-relying-tool.recheck-keeps-active-member',
    title:
      'An active member keeps access past the re-check period the authority states: the tool re-establishes the membership',
    requirements: ['AUTH-END-005'],
    profile: 'group-auth-relying-tool',
    level: 'SHOULD',
    actions: ['start-sign-in', 'access'],
    async run(ctx) {
      const { authority } = relyingContext(ctx)
      const { member, deadline } = await signedInWithPeriod(ctx)
      try {
        const exchangesBefore = authority.exchanges.filter((e) => e.member === member).length
        await sleep(deadline - Date.now())
        const after = await accessOf(ctx, member)
        // A second period: the tool keeps re-establishing, not only once.
        await sleep(PERIOD * 1000)
        const later = await accessOf(ctx, member)
        const exchanges = authority.exchanges.filter((e) => e.member === member).length
        const expected = { period: PERIOD, accessAfterPeriod: true, accessAfterTwoPeriods: true }
        const actual = {
          period: PERIOD,
          accessAfterPeriod: after,
          accessAfterTwoPeriods: later,
          tokenExchangesSinceSignIn: exchanges - exchangesBefore,
        }
        check(
          after && later,
          'the tool ended the access of an active member at the re-check period instead of re-establishing the membership',
          expected,
          actual,
        )
        return { expected, actual }
      } finally {
        authority.statePeriod(member, undefined)
      }
    },
  },
  {
    id: 'live.group-auth-relying-tool.recheck-withheld-removal',
    title:
      'A member removed at the authority, whose removal event never arrives, has no access once the stated re-check period has passed, and none after the authority refused to re-establish it',
    requirements: ['AUTH-END-004', 'AUTH-END-006'],
    profile: 'group-auth-relying-tool',
    level: 'MUST',
    actions: ['start-sign-in', 'access'],
    async run(ctx) {
      const { authority } = relyingContext(ctx)
      const { member, deadline } = await signedInWithPeriod(ctx)
      try {
        // Removed at the authority; the event it emits is never sent to the tool.
        const refusalsBefore = authority.refusedExchanges.length
        await authority.authority.registry.remove(authority.group.id, member)
        const answers = await pollAccess(ctx, member, deadline)
        const refused = authority.refusedExchanges.slice(refusalsBefore)[0]
        const afterRefusal =
          refused === undefined ? [] : answers.filter((a) => a.sent > refused).map((a) => a.access)
        const last = answers.at(-1)?.access
        const expected = {
          period: PERIOD,
          removalEventSent: false,
          accessAfterPeriod: false,
          accessAfterRefusal: 'never',
        }
        const actual = {
          period: PERIOD,
          removalEventSent: false,
          accessAfterPeriod: last,
          refusedExchange: refused !== undefined,
          accessAfterRefusal: afterRefusal.some(Boolean) ? 'granted' : 'never',
          answers: answers.length,
        }
        check(
          last === false,
          'the removed member still has access after the re-check period the authority stated',
          expected,
          actual,
        )
        check(
          !afterRefusal.some(Boolean),
          'the tool let the member act after the authority refused to re-establish the membership',
          expected,
          actual,
        )
        return { expected, actual }
      } finally {
        authority.statePeriod(member, undefined)
      }
    },
  },
  {
    id: 'live.group-auth-relying-tool.recheck-authority-down',
    title:
      'A member whose membership the tool cannot re-check, because the authority is down, has no access once the stated re-check period has passed',
    requirements: ['AUTH-END-004'],
    profile: 'group-auth-relying-tool',
    level: 'MUST',
    actions: ['start-sign-in', 'access'],
    async run(ctx) {
      const { authority } = relyingContext(ctx)
      const { member, deadline } = await signedInWithPeriod(ctx)
      authority.setDown(true)
      try {
        const answers = await pollAccess(ctx, member, deadline)
        const last = answers.at(-1)?.access
        const expected = { period: PERIOD, authority: 'down (503)', accessAfterPeriod: false }
        const actual = {
          period: PERIOD,
          authority: 'down (503)',
          accessAfterPeriod: last,
          // AUTH-END-005: a tool should keep the member until the bound; reported, not required.
          keptWhileDown: answers.filter((a) => a.access).length,
          answers: answers.length,
        }
        check(
          last === false,
          'the member still has access after the re-check period, while the authority could not be reached',
          expected,
          actual,
        )
        return { expected, actual }
      } finally {
        authority.setDown(false)
        authority.statePeriod(member, undefined)
      }
    },
  },
]
