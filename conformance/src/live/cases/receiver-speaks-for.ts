/**
 * Receiver: who may speak for a group (EVT-AUTHZ-001). The suite's tool pushes valid, correctly
 * signed events naming a group of a session of its own: one where the tool under test installed it
 * (accepted), and one where it did not (`install: false`: its keys are known, its events refused
 * with `403` and `ERR_NOT_INSTALLED`).
 */
import type { LiveCase, LiveContext } from '../case.js'
import { check, Untested } from '../case.js'
import type { Session } from '../control.js'
import {
  expectNotObserved,
  expectRejection,
  postToInbox,
  signValid,
  suiteEvent,
} from './suite-events.js'

/**
 * Runs `body` in a session of its own, in a group of its own, where the suite's tool is installed
 * or not, then closes the session.
 *
 * @throws {Untested} Without the control API, or when the tool cannot open such a session.
 */
async function inGroupOfItsOwn<T>(
  ctx: LiveContext,
  install: boolean,
  body: (ctx: LiveContext, session: Session) => Promise<T>,
): Promise<T> {
  if (ctx.control === undefined || ctx.session === undefined) {
    throw new Untested('this case needs the control API')
  }
  const session = await ctx.control.openSession({
    peer: ctx.peer.origin,
    members: [],
    separateGroup: true,
    ...(install ? {} : { install: false }),
  })
  try {
    if (session.group === ctx.session.group) {
      throw new Error(
        `the tool opened a "separateGroup" session in the run's group ${session.group}`,
      )
    }
    return await body({ ...ctx, session }, session)
  } finally {
    await ctx.control.closeSession(session).catch(() => undefined)
  }
}

export const RECEIVER_SPEAKS_FOR_CASES: readonly LiveCase[] = [
  {
    id: 'live.receiver.refuses-uninstalled-source',
    title:
      'A valid, correctly signed event from a tool that is not installed in the group it names is refused 403 ERR_NOT_INSTALLED',
    requirements: ['EVT-AUTHZ-001', 'DLV-INB-001'],
    profile: 'receiver',
    level: 'MUST',
    run: (ctx) =>
      inGroupOfItsOwn(ctx, false, async (inner) => {
        const event = suiteEvent(inner)
        const answer = await postToInbox(inner, await signValid(event, inner.peer.key))
        const result = expectRejection(answer, 'ERR_NOT_INSTALLED', 403)
        await expectNotObserved(inner, event['id'] as string)
        return result
      }),
  },
  {
    id: 'live.receiver.accepts-installed-source',
    title: 'A valid event from a tool installed in the group it names is accepted (202)',
    requirements: ['EVT-AUTHZ-001'],
    profile: 'receiver',
    level: 'MUST',
    run: (ctx) =>
      inGroupOfItsOwn(ctx, true, async (inner, session) => {
        const event = suiteEvent(inner)
        const answer = await postToInbox(inner, await signValid(event, inner.peer.key))
        const expected = { status: 202, accepted: event['id'] }
        const accepted =
          inner.control === undefined ? [] : await inner.control.observations(session)
        const actual = { status: answer.status, accepted: accepted.map((o) => o.id) }
        check(answer.status === 202, `expected 202, got ${answer.status}`, expected, actual)
        check(
          accepted.some((o) => o.id === event['id']),
          'the tool does not report the event as accepted',
          expected,
          actual,
        )
        return { expected, actual }
      }),
  },
]
