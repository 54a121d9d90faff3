// The vectors of spec/tasks.md: the example documents and their invalid twins, and task histories
// (`applyTaskEvents`): the transitions a task may make and those it may not, objects that must fit
// their event type, and one order of the events. Registered in ../generate-vectors.ts.
import {
  applyTaskEvents,
  createTask,
  isProtocolError,
  taskAssigned,
  taskCancelled,
  taskCompleted,
  taskCreated,
  transitionTask,
} from '@cta-interop/sdk'
import type {
  ApplyTaskEventsInput,
  Level,
  Profile,
  SingleExpectation,
  Vector,
} from '../../src/types.js'
import { manifestVectors, type ProfileVectorTools } from './manifest-vectors.js'

/** The requirements these vectors cite, with their profiles and level as spec/tasks.md states them. */
export const TASKS_REQUIREMENTS: Record<string, { profiles: Profile[]; level: Level }> = {
  'TSK-DOC-001': { profiles: ['core'], level: 'MUST' },
  'TSK-DOC-002': { profiles: ['tasks'], level: 'MUST' },
  'TSK-STATE-001': { profiles: ['tasks'], level: 'MUST' },
  'TSK-EVT-001': { profiles: ['tasks'], level: 'MUST' },
  'TSK-EVT-002': { profiles: ['tasks'], level: 'MUST' },
}

type Built = Vector & { dir: string }
type Doc = Record<string, unknown>

const GROUP = 'https://decisions.example/g/harbour-commons'
const U = 'https://decisions.example/u/'
const SOURCE = 'https://tasks.example'
const AROHA = { id: `${U}aroha`, type: 'Person', name: 'Aroha' } as const

/** History vectors: `applyTaskEvents` over the events of one task. */
function historyVectors(tools: ProfileVectorTools): Built[] {
  let n = 0
  const eventId = () => `01M1DZPW00TASKS0000000${String(++n).padStart(4, '0')}`
  const opts = (id = eventId()) => ({ source: SOURCE, actor: AROHA, id })
  const open = createTask({
    id: 'https://tasks.example/t/roof-quotes',
    name: 'Get three quotes for the workshop roof',
    audience: GROUP,
    attributedTo: `${U}aroha`,
    due: '2026-09-30T00:00:00Z',
    decidedBy: 'https://decisions.example/o/roof',
    published: '2026-08-28T06:00:00Z',
  })
  const toBen = transitionTask(open, {
    status: 'assigned',
    assignee: `${U}ben`,
    updated: '2026-08-29T08:00:00Z',
  })
  const toCarol = transitionTask(toBen, {
    status: 'assigned',
    assignee: `${U}carol`,
    updated: '2026-09-02T08:00:00Z',
  })
  const done = transitionTask(toBen, { status: 'completed', updated: '2026-09-20T17:00:00Z' })
  const cancelled = transitionTask(open, { status: 'cancelled', updated: '2026-09-01T10:00:00Z' })
  const created = taskCreated(open, opts())
  const assigned = taskAssigned(toBen, opts())
  const reassigned = taskAssigned(toCarol, opts())
  const completed = taskCompleted(done, opts())
  const completedOpen = taskCompleted(
    transitionTask(open, { status: 'completed', updated: '2026-09-10T10:00:00Z' }),
    opts(),
  )
  const cancelledEvent = taskCancelled(cancelled, opts())
  /** An event with its object changed, bypassing the SDK's builders (for defects they refuse). */
  const patched = (event: object, patch: Doc, published?: string): Doc => {
    const copy = JSON.parse(JSON.stringify(event)) as { id: string; data: Doc & { object: Doc } }
    copy.id = eventId()
    // JSON drops the members the patch sets to undefined.
    copy.data.object = JSON.parse(JSON.stringify({ ...copy.data.object, ...patch })) as Doc
    if (published !== undefined) copy.data.published = published
    return copy
  }
  const later = (event: object, published: string): Doc => patched(event, {}, published)

  const out: Built[] = []
  const add = (
    id: string,
    title: string,
    requirements: string[],
    events: readonly object[],
    error?: string,
  ) => {
    const input: ApplyTaskEventsInput = { events }
    let expected: SingleExpectation
    try {
      const history = applyTaskEvents(events)
      if (error !== undefined) throw new Error(`${id}: expected ${error}, the history applied`)
      expected = { valid: true, kind: 'TaskHistory', result: { ...history } }
    } catch (err) {
      if (!isProtocolError(err)) throw err
      if (err.code !== error) throw new Error(`${id}: expected ${String(error)}, got ${err.code}`)
      expected = { error: err.code }
    }
    out.push(
      tools.vector({
        dir: 'tasks/history',
        id: `tsk.${id}`,
        title,
        requirements,
        operation: 'applyTaskEvents',
        flags: [error === undefined ? 'Valid' : 'TransitionRefused'],
        input,
        expected,
      }),
    )
  }
  const statuses = (id: string, want: string[]) => {
    const v = out.find((x) => x.id === `tsk.${id}`)
    const got =
      v !== undefined && 'result' in v.expected ? v.expected.result['statuses'] : undefined
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      throw new Error(`${id}: expected ${JSON.stringify(want)}, computed ${JSON.stringify(got)}`)
    }
  }

  // TSK-STATE-001: the transitions allowed, and those refused.
  add(
    'state.valid.lifecycle',
    'Applies created, assigned and completed, given in any order',
    ['TSK-STATE-001'],
    [completed, created, assigned],
  )
  statuses('state.valid.lifecycle', ['open', 'assigned', 'completed'])
  add(
    'state.valid.reassign',
    'Re-assigns an assigned task to another member',
    ['TSK-STATE-001', 'TSK-EVT-002'],
    [created, assigned, reassigned],
  )
  statuses('state.valid.reassign', ['open', 'assigned', 'assigned'])
  add(
    'state.valid.complete-open',
    'Completes a task nobody was assigned to',
    ['TSK-STATE-001'],
    [created, completedOpen],
  )
  add('state.valid.cancel', 'Cancels an open task', ['TSK-STATE-001'], [created, cancelledEvent])
  add(
    'state.assign-completed',
    'Refuses to re-assign a completed task',
    ['TSK-STATE-001'],
    [created, assigned, completed, later(reassigned, '2026-09-21T08:00:00Z')],
    'ERR_TASK_TRANSITION',
  )
  add(
    'state.complete-cancelled',
    'Refuses to complete a cancelled task',
    ['TSK-STATE-001'],
    [created, cancelledEvent, later(completedOpen, '2026-09-11T10:00:00Z')],
    'ERR_TASK_TRANSITION',
  )
  add(
    'state.complete-twice',
    'Refuses to complete a completed task again',
    ['TSK-STATE-001'],
    [created, assigned, completed, later(completed, '2026-09-22T10:00:00Z')],
    'ERR_TASK_TRANSITION',
  )
  add(
    'state.cancel-completed',
    'Refuses to cancel a completed task',
    ['TSK-STATE-001'],
    [created, completedOpen, later(cancelledEvent, '2026-09-12T10:00:00Z')],
    'ERR_TASK_TRANSITION',
  )
  add(
    'state.not-created',
    'Refuses a task assigned before it was created',
    ['TSK-STATE-001'],
    [assigned],
    'ERR_TASK_TRANSITION',
  )
  add(
    'state.created-twice',
    'Refuses a task created twice',
    ['TSK-STATE-001'],
    [created, later(created, '2026-08-28T07:00:00Z')],
    'ERR_TASK_TRANSITION',
  )
  const at = '2026-08-28T06:00:00Z'
  const createdA = {
    ...JSON.parse(JSON.stringify(created)),
    id: '01M1DZPW00TASKS0000000000A',
  } as Doc
  const doneB = { ...later(completedOpen, at), id: '01M1DZPW00TASKS0000000000B' }
  const doneZ = { ...later(completedOpen, at), id: '01M1DZPW000TASKS000000000Z' }
  add(
    'state.valid.same-time-by-id',
    'At the same instant, applies events by id in code-point order',
    ['TSK-STATE-001'],
    [doneB, createdA],
  )
  add(
    'state.same-time-by-id-refused',
    'At the same instant, refuses when the id order puts the completion first',
    ['TSK-STATE-001'],
    [createdA, doneZ],
    'ERR_TASK_TRANSITION',
  )

  // TSK-DOC-002 and TSK-EVT-001: an event's object fits its type.
  add(
    'evt.completed-not-completed',
    'Refuses a task.completed event whose task is still assigned',
    ['TSK-EVT-001'],
    [created, assigned, patched(completed, { taskStatus: 'assigned' })],
    'ERR_TASK_INVALID',
  )
  add(
    'evt.assigned-to-nobody',
    'Refuses a task.assigned event whose task names no assignee',
    ['TSK-DOC-002', 'TSK-EVT-001'],
    [created, patched(assigned, { assignee: undefined })],
    'ERR_TASK_INVALID',
  )
  add(
    'doc.open-with-assignee',
    'Refuses an open task that names an assignee',
    ['TSK-DOC-002'],
    [patched(created, { assignee: `${U}ben` })],
    'ERR_TASK_INVALID',
  )
  add(
    'doc.valid.created-assigned',
    'Accepts a task created already assigned',
    ['TSK-DOC-002', 'TSK-EVT-001'],
    [patched(created, { taskStatus: 'assigned', assignee: `${U}ben` })],
  )
  // TSK-EVT-002: what a task never changes.
  add(
    'evt.creator-changed',
    'Refuses a change that gives the task another creator',
    ['TSK-EVT-002'],
    [created, patched(assigned, { attributedTo: `${U}carol` })],
    'ERR_TASK_INVALID',
  )
  add(
    'evt.decision-changed',
    'Refuses a change that names another deciding outcome',
    ['TSK-EVT-002'],
    [created, patched(assigned, { decidedBy: 'https://decisions.example/o/other' })],
    'ERR_TASK_INVALID',
  )
  add(
    'evt.other-task',
    'Refuses an event about another task in the same history',
    ['TSK-EVT-002'],
    [created, patched(assigned, { id: 'https://tasks.example/t/other' })],
    'ERR_TASK_INVALID',
  )
  return out
}

/** Every vector of spec/tasks.md. */
export async function taskVectors(tools: ProfileVectorTools): Promise<Built[]> {
  return [...(await manifestVectors(tools, 'tasks', 'tsk')), ...historyVectors(tools)]
}
