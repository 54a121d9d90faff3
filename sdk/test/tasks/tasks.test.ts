// createTask, transitionTask, applyTaskEvent(s): the transitions a task may and may not make, a
// task's status and assignee, the decision that created it (spec/tasks.md).
import { describe, expect, it } from 'vitest'
import {
  applyTaskEvent,
  applyTaskEvents,
  createTask,
  taskAssigned,
  taskCancelled,
  taskCompleted,
  taskCreated,
  transitionTask,
  type Task,
} from '../../src/index.js'
import {
  GROUP,
  TASK,
  U,
  cancelled,
  codeOf,
  done,
  open,
  otherOutcome,
  outcome,
  toBen,
} from './fixtures.js'

const source = 'https://tasks.example'
const actor = { id: `${U}aroha`, type: 'Person', name: 'Aroha' } as const
let n = 0
const opts = () => ({ source, actor, id: `01M1DZPW00TASKS0000000${String(++n).padStart(4, '0')}` })
/** An event with its task changed, bypassing the builders (for defects they refuse). */
const patched = (event: object, patch: Record<string, unknown>): Record<string, unknown> => {
  const copy = JSON.parse(JSON.stringify(event)) as { data: { object: Record<string, unknown> } }
  // JSON drops the members the patch sets to undefined.
  copy.data.object = JSON.parse(JSON.stringify({ ...copy.data.object, ...patch })) as Record<
    string,
    unknown
  >
  return copy
}

describe('tasks', () => {
  it('[TSK-DEC-001] names the outcome that decides it, and refuses an outcome that does not', () => {
    expect(open.decidedBy).toBe(outcome.id)
    expect(open.taskStatus).toBe('open')
    const base = { id: TASK, name: 'x', audience: GROUP, attributedTo: `${U}aroha` }
    expect(codeOf(() => createTask({ ...base, decidedBy: otherOutcome }))).toBe('ERR_TASK_INVALID')
    const asBucket: typeof outcome = {
      ...outcome,
      decides: [{ id: TASK, type: 'Bucket' }],
    }
    expect(codeOf(() => createTask({ ...base, decidedBy: asBucket }))).toBe('ERR_TASK_INVALID')
    expect(createTask({ ...base, decidedBy: outcome.id }).decidedBy).toBe(outcome.id)
  })

  it('[TSK-DOC-002] is assigned exactly when it names an assignee', () => {
    const base = { id: TASK, name: 'x', audience: GROUP, attributedTo: `${U}aroha` }
    expect(createTask({ ...base, assignee: `${U}ben` }).taskStatus).toBe('assigned')
    expect(codeOf(() => transitionTask(open, { status: 'assigned' }))).toBe('ERR_TASK_INVALID')
    expect(
      codeOf(() =>
        applyTaskEvent(undefined, patched(taskCreated(open, opts()), { assignee: `${U}ben` })),
      ),
    ).toBe('ERR_TASK_INVALID')
    expect(
      codeOf(() =>
        applyTaskEvent(undefined, patched(taskCreated(open, opts()), { taskStatus: 'assigned' })),
      ),
    ).toBe('ERR_TASK_INVALID')
  })

  it('[TSK-STATE-001] assigns, re-assigns, completes and cancels an open or assigned task', () => {
    expect(toBen).toMatchObject({ taskStatus: 'assigned', assignee: `${U}ben` })
    const carol = transitionTask(toBen, {
      status: 'assigned',
      assignee: `${U}carol`,
      updated: '2026-09-02T00:00:00Z',
    })
    expect(carol.assignee).toBe(`${U}carol`)
    expect(done).toMatchObject({ taskStatus: 'completed', assignee: `${U}ben` })
    expect(transitionTask(open, { status: 'completed' }).taskStatus).toBe('completed')
    expect(cancelled.taskStatus).toBe('cancelled')
  })

  it('[TSK-STATE-001] never changes a completed or cancelled task again', () => {
    for (const final of [done, cancelled] as Task[]) {
      for (const status of ['assigned', 'completed', 'cancelled'] as const) {
        expect(
          codeOf(() => transitionTask(final, { status, assignee: `${U}carol` })),
          `${final.taskStatus} → ${status}`,
        ).toBe('ERR_TASK_TRANSITION')
      }
    }
  })

  it('[TSK-STATE-001] applies a history by time then id, starting with its creation', () => {
    const created = taskCreated(open, opts())
    const assigned = taskAssigned(toBen, opts())
    const completed = taskCompleted(done, opts())
    const history = applyTaskEvents([completed, created, assigned])
    expect(history.statuses).toEqual(['open', 'assigned', 'completed'])
    expect(history.task).toMatchObject({ '@context': open['@context'], taskStatus: 'completed' })
    expect(codeOf(() => applyTaskEvents([assigned]))).toBe('ERR_TASK_TRANSITION')
    expect(codeOf(() => applyTaskEvents([created, { ...created, id: 'X' }]))).toBe(
      'ERR_TASK_TRANSITION',
    )
    const reassign = taskAssigned(
      { ...toBen, assignee: `${U}carol`, updated: '2026-09-21T00:00:00Z' },
      opts(),
    )
    expect(codeOf(() => applyTaskEvents([created, assigned, completed, reassign]))).toBe(
      'ERR_TASK_TRANSITION',
    )
    const cancel = taskCancelled(cancelled, opts())
    expect(applyTaskEvents([created, cancel]).statuses).toEqual(['open', 'cancelled'])
    const lateDone = taskCompleted({ ...done, updated: '2026-09-21T00:00:00Z' }, opts())
    expect(codeOf(() => applyTaskEvents([created, cancel, lateDone]))).toBe('ERR_TASK_TRANSITION')
  })

  it('[TSK-EVT-001] refuses an event whose task has another status than its type says', () => {
    const created = taskCreated(open, opts())
    const completed = taskCompleted(done, opts())
    expect(codeOf(() => applyTaskEvent(open, completed))).toBeUndefined()
    expect(
      codeOf(() =>
        applyTaskEvent(
          applyTaskEvent(undefined, created),
          patched(completed, { taskStatus: 'assigned' }),
        ),
      ),
    ).toBe('ERR_TASK_INVALID')
    expect(
      codeOf(() => applyTaskEvent(undefined, patched(created, { taskStatus: 'completed' }))),
    ).toBe('ERR_TASK_INVALID')
  })

  it('[TSK-EVT-002] refuses a change of what a task never changes', () => {
    const assigned = taskAssigned(toBen, opts())
    expect(applyTaskEvent(open, assigned).assignee).toBe(`${U}ben`)
    for (const patch of [
      { attributedTo: `${U}carol` },
      { audience: 'https://decisions.example/g/elsewhere' },
      { published: '2026-08-28T06:00:01Z' },
      { decidedBy: 'https://decisions.example/o/other' },
      { decidedBy: undefined },
      { id: 'https://tasks.example/t/other' },
    ]) {
      expect(
        codeOf(() => applyTaskEvent(open, patched(assigned, patch))),
        JSON.stringify(patch),
      ).toBe('ERR_TASK_INVALID')
    }
  })

  it('[TSK-DOC-001] refuses a task event that does not validate, and a type that is not a task event', () => {
    const created = taskCreated(open, opts())
    expect(codeOf(() => applyTaskEvent(undefined, patched(created, { taskStatus: 'doing' })))).toBe(
      'ERR_SCHEMA_INVALID',
    )
    expect(
      codeOf(() => applyTaskEvent(undefined, { ...created, type: 'tech.collaborative.ping' })),
    ).toBe('ERR_SCHEMA_INVALID')
    expect(codeOf(() => applyTaskEvent(undefined, created))).toBeUndefined()
    expect(() => applyTaskEvents([])).toThrow(TypeError)
  })
})
