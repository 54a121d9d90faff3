import { isRecord } from '../intents/internal/activity.js'
import type { Task, TaskStatus } from '../schemas/index.js'
import { instantOf } from '../budgeting/internal/build.js'
import { byCodePoint } from '../credit/internal/ledger.js'
import { applyTaskEvent } from './apply-task-event.js'

/** A task's history, computed by {@link applyTaskEvents}. */
export interface TaskHistory {
  /** The task after its last event. */
  readonly task: Task
  /** Its status after each event, in the order they were applied. */
  readonly statuses: readonly TaskStatus[]
}

/**
 * Applies the events of one task in the order every tool uses (TSK-STATE-001): by the activity's
 * `published` (instants at millisecond precision), then by the event's `id` in code-point order;
 * each event is applied by {@link applyTaskEvent}, and the first one refused refuses the whole
 * history.
 *
 * @param events The task's events, in any order (as `verifyEvent` returns them).
 * @returns The task as it stands after the last event, and its status after each.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when an event does not validate.
 * @throws {ProtocolError} `ERR_TASK_INVALID` or `ERR_TASK_TRANSITION` as {@link applyTaskEvent}.
 * @throws {TypeError} When `events` is not a non-empty array of objects.
 * @example
 * ```ts
 * import { applyTaskEvents } from '@cta-interop/sdk'
 * const { task, statuses } = applyTaskEvents([completed, created, assigned])
 * statuses // ['open', 'assigned', 'completed']
 * ```
 * @see {@link https://w3id.org/cta/spec/tasks#TSK-STATE-001 Spec: TSK-STATE-001}
 */
export function applyTaskEvents(events: readonly unknown[]): TaskHistory {
  if (!Array.isArray(events) || events.length === 0) {
    throw new TypeError('events must be a non-empty array')
  }
  const keyed = events.map((event: unknown) => {
    if (!isRecord(event) || !isRecord(event['data'])) {
      throw new TypeError('every event must be a CloudEvent object with data')
    }
    const published = event['data']['published']
    const id = event['id']
    return {
      event,
      at: instantOf(typeof published === 'string' ? published : '', 'published'),
      id: typeof id === 'string' ? id : '',
    }
  })
  keyed.sort((a, b) => a.at - b.at || byCodePoint(a.id, b.id))
  let task: Task | undefined
  const statuses: TaskStatus[] = []
  for (const { event } of keyed) {
    task = applyTaskEvent(task, event)
    statuses.push(task.taskStatus)
  }
  return { task: task as Task, statuses }
}
