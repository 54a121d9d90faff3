import { deepFreeze } from '../internal/freeze.js'
import { isRecord } from '../intents/internal/activity.js'
import { isoString } from '../intents/internal/time.js'
import type { Task } from '../schemas/index.js'
import { assertValid } from '../validate/validate-document.js'
import { checkTaskStatus, checkTransition } from './internal/check-task.js'

/** Options of {@link transitionTask}. */
export interface TransitionTaskOptions {
  /** Where the task goes: `assigned` (again, to another member), `completed` or `cancelled`. */
  readonly status: 'assigned' | 'completed' | 'cancelled'
  /** The member it is assigned to; required for `assigned`, kept otherwise unless given. */
  readonly assignee?: string
  /** When it changed (its `updated`). Defaults to `now`. */
  readonly updated?: string
  /** The clock for `updated`. Defaults to the current time. */
  readonly now?: Date
}

/**
 * Moves a task to a new status by the rules every tool applies (TSK-STATE-001): an open or
 * assigned task may be assigned (or re-assigned), completed or cancelled; a completed or cancelled
 * task never changes again.
 *
 * @param task The task as it now stands.
 * @param options The new status, the assignee for `assigned`, and when.
 * @returns The task's new version, validated and frozen.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when the task or the result would not validate.
 * @throws {ProtocolError} `ERR_TASK_TRANSITION` when the task may not move to that status.
 * @throws {ProtocolError} `ERR_TASK_INVALID` when it is assigned to nobody (TSK-DOC-002).
 * @throws {TypeError} When the task or options are missing.
 * @example
 * ```ts
 * import { transitionTask } from '@cta-interop/sdk'
 * const done = transitionTask(task, { status: 'completed' })
 * ```
 * @see {@link https://w3id.org/cta/spec/tasks#TSK-STATE-001 Spec: TSK-STATE-001}
 */
export function transitionTask(task: Task, options: TransitionTaskOptions): Task {
  if (!isRecord(task)) throw new TypeError('task must be a Task document')
  if (!isRecord(options)) throw new TypeError('options are required')
  const before = assertValid(task, { kind: 'Task' })
  checkTransition(before.id, before.taskStatus, options.status)
  let updated = options.updated
  if (updated === undefined) {
    const now = options.now ?? new Date()
    if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
      throw new TypeError('options.now must be a valid Date')
    }
    updated = isoString(now)
  }
  const assignee = options.assignee ?? before.assignee
  const doc: Record<string, unknown> = { ...before, taskStatus: options.status, updated }
  if (assignee === undefined) delete doc['assignee']
  else doc['assignee'] = assignee
  const after = assertValid(doc, { kind: 'Task' })
  checkTaskStatus(after)
  return deepFreeze(after)
}
