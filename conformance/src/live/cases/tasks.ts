/**
 * Tasks: the suite makes the tool create a task, assign it to a member of the session and complete
 * it through the control API; the tool must emit each change with the task as it stands, refuse a
 * change of a completed task with ERR_TASK_TRANSITION and emit nothing for it, and the suite's own
 * `applyTaskEvents` over the events must accept the history the tool emitted.
 */
import { applyTaskEvents, validateDocument, type Event } from '@cta-interop/sdk'
import type { LiveCase, LiveContext } from '../case.js'
import { check } from '../case.js'
import type { Attempt } from '../control.js'
import { canonical } from './decisions-polls.js'
import {
  act,
  answerOf,
  attempt,
  eventsSince,
  objectOf,
  once,
  profileSession,
  refusedWith,
  waitForEvents,
} from './decisions-support.js'

const T = 'tech.collaborative.task.'

interface TaskRun {
  readonly task: string
  readonly members: readonly string[]
  /** The task's events, in the order the tool sent them. */
  readonly events: readonly Event[]
  /** Re-assigning and completing again after completion. */
  readonly afterDone: readonly Attempt[]
}

const runs = new WeakMap<LiveContext, Map<string, Promise<TaskRun>>>()

function runTask(ctx: LiveContext): Promise<TaskRun> {
  return once(runs, ctx, 'task', async () => {
    const ps = await profileSession(ctx)
    const from = ctx.peer.deliveries.length
    const task = String(
      (
        await act(ctx, ps, 'task-create', {
          name: 'Get three quotes for the roof',
          due: '2031-06-01T17:00:00Z',
        })
      )['task'],
    )
    await act(ctx, ps, 'task-assign', { task, member: ps.members[1] })
    await act(ctx, ps, 'task-complete', { task })
    const afterDone = [
      await attempt(ctx, ps, 'task-assign', { task, member: ps.members[2] }),
      await attempt(ctx, ps, 'task-complete', { task }),
    ]
    const mine = (events: Event[]) =>
      events.filter((e) => e.type.startsWith(T) && objectOf(e)['id'] === task)
    await waitForEvents(
      ctx,
      from,
      (events) => (mine(events).some((e) => e.type === `${T}completed`) ? true : undefined),
      `task.completed of ${task}`,
    )
    return { task, members: ps.members, events: mine(await eventsSince(ctx, from)), afterDone }
  })
}

const ACTIONS = ['task-create', 'task-assign', 'task-complete']

export const TASK_CASES: readonly LiveCase[] = [
  {
    id: 'live.tasks.lifecycle',
    title:
      'The tool sends task.created, task.assigned and task.completed, each with the task as it stands, a history the suite’s applyTaskEvents accepts',
    requirements: ['TSK-EVT-003', 'TSK-EVT-001', 'TSK-EVT-002'],
    profile: 'tasks',
    level: 'MUST',
    actions: ACTIONS,
    async run(ctx) {
      const r = await runTask(ctx)
      let history: unknown
      try {
        const h = applyTaskEvents(r.events)
        history = { statuses: h.statuses, assignee: h.task.assignee }
      } catch (err) {
        history = { error: (err as { code?: string }).code ?? String(err) }
      }
      const actual = {
        types: r.events.map((e) => e.type.slice(T.length)),
        statuses: r.events.map((e) => objectOf(e)['taskStatus']),
        invalid: r.events.flatMap((e) => {
          const v = validateDocument(e)
          return v.valid ? [] : [`${e.type}: ${v.code}`]
        }),
        history,
      }
      const expected = {
        types: ['created', 'assigned', 'completed'],
        statuses: ['open', 'assigned', 'completed'],
        invalid: [],
        history: { statuses: ['open', 'assigned', 'completed'], assignee: r.members[1] },
      }
      check(
        canonical(actual) === canonical(expected),
        'the task’s events are not its created, assigned and completed states',
        expected,
        actual,
      )
      return { expected, actual }
    },
  },
  {
    id: 'live.tasks.refuses-change-after-completion',
    title:
      'A completed task is never re-assigned or completed again: both are refused with ERR_TASK_TRANSITION and nothing is emitted',
    requirements: ['TSK-STATE-001'],
    profile: 'tasks',
    level: 'MUST',
    actions: ACTIONS,
    async run(ctx) {
      const r = await runTask(ctx)
      const expected = {
        answers: [
          { status: 422, code: 'ERR_TASK_TRANSITION' },
          { status: 422, code: 'ERR_TASK_TRANSITION' },
        ],
        events: 3,
      }
      const actual = { answers: r.afterDone.map(answerOf), events: r.events.length }
      check(
        r.afterDone.every((a) => refusedWith(a, 'ERR_TASK_TRANSITION')) && r.events.length === 3,
        'a change of a completed task was not refused with ERR_TASK_TRANSITION',
        expected,
        actual,
      )
      return { expected, actual }
    },
  },
]
