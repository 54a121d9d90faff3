import { ProtocolError } from '../../errors.js'
import type { EmbeddedTask, TaskStatus } from '../../schemas/index.js'

/**
 * TSK-DOC-002: an `assigned` task names its `assignee`, an `open` one names none.
 * @throws {ProtocolError} `ERR_TASK_INVALID` otherwise.
 * @internal
 */
export function checkTaskStatus(task: EmbeddedTask): void {
  if (task.taskStatus === 'assigned' && task.assignee === undefined) {
    throw new ProtocolError('ERR_TASK_INVALID', `task ${task.id} is assigned to nobody`)
  }
  if (task.taskStatus === 'open' && task.assignee !== undefined) {
    throw new ProtocolError('ERR_TASK_INVALID', `task ${task.id} is open but has an assignee`)
  }
}

/** The statuses a task may move to from each status (TSK-STATE-001). @internal */
export const NEXT: Readonly<Record<TaskStatus, readonly TaskStatus[]>> = Object.freeze({
  open: ['assigned', 'completed', 'cancelled'],
  assigned: ['assigned', 'completed', 'cancelled'],
  completed: [],
  cancelled: [],
})

/**
 * TSK-STATE-001: a task moves only as {@link NEXT} allows.
 * @throws {ProtocolError} `ERR_TASK_TRANSITION` otherwise.
 * @internal
 */
export function checkTransition(id: string, from: TaskStatus, to: TaskStatus): void {
  if (!NEXT[from].includes(to)) {
    throw new ProtocolError('ERR_TASK_TRANSITION', `task ${id} cannot go from ${from} to ${to}`)
  }
}

/** The members of a task that no change may touch (TSK-EVT-002). @internal */
export const FIXED = ['id', 'attributedTo', 'audience', 'published', 'decidedBy'] as const

/**
 * TSK-EVT-002: a new version of a task keeps its `id`, `attributedTo`, `audience`, `published`
 * and `decidedBy`.
 * @throws {ProtocolError} `ERR_TASK_INVALID` otherwise.
 * @internal
 */
export function checkFixed(before: EmbeddedTask, after: EmbeddedTask): void {
  for (const key of FIXED) {
    if (before[key] !== after[key]) {
      throw new ProtocolError(
        'ERR_TASK_INVALID',
        `task ${before.id}: a change may not touch ${key}`,
      )
    }
  }
}
