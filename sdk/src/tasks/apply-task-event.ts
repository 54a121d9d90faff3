import { CONTEXT } from '../constants.js'
import { ProtocolError } from '../errors.js'
import { deepFreeze } from '../internal/freeze.js'
import { isRecord } from '../intents/internal/activity.js'
import type { DocumentKind, EmbeddedTask, Task, TaskStatus } from '../schemas/index.js'
import { assertValid } from '../validate/validate-document.js'
import { checkFixed, checkTaskStatus, checkTransition } from './internal/check-task.js'

/** The task event types, with the kind of their schema and the status their object must have. */
const TASK_EVENTS: Readonly<Record<string, { kind: DocumentKind; status: readonly TaskStatus[] }>> =
  Object.freeze({
    'tech.collaborative.task.created': { kind: 'TaskCreatedEvent', status: ['open', 'assigned'] },
    'tech.collaborative.task.assigned': { kind: 'TaskAssignedEvent', status: ['assigned'] },
    'tech.collaborative.task.completed': { kind: 'TaskCompletedEvent', status: ['completed'] },
    'tech.collaborative.task.cancelled': { kind: 'TaskCancelledEvent', status: ['cancelled'] },
  })

/**
 * Applies one task event (as `verifyEvent` returns it) to a task as it stands, by the rules every
 * tool applies: the first event of a task is `task.created`; each later one moves it as
 * TSK-STATE-001 allows; its object is the task after the change, with the status its type says
 * (TSK-EVT-001), and keeps what a task never changes (TSK-EVT-002).
 *
 * @param task The task before the event, or `undefined` when none is known yet.
 * @param event The event: `tech.collaborative.task.created`, `.assigned`, `.completed` or `.cancelled`.
 * @returns The task after the event, as a frozen `Task` document.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when the event or the task does not validate.
 * @throws {ProtocolError} `ERR_TASK_INVALID` when the event's object has another status than its
 *   type says, is assigned to nobody, is another task, or changes a member no change may touch.
 * @throws {ProtocolError} `ERR_TASK_TRANSITION` when the event creates a task already known,
 *   changes one not yet created, or moves it in a way TSK-STATE-001 does not allow.
 * @throws {TypeError} When the event is not an object.
 * @example
 * ```ts
 * import { applyTaskEvent } from '@cta-interop/sdk'
 * let task = applyTaskEvent(undefined, created)
 * task = applyTaskEvent(task, completed) // taskStatus: 'completed'
 * ```
 * @see {@link https://w3id.org/cta/spec/tasks#TSK-STATE-001 Spec: TSK-STATE-001}
 */
export function applyTaskEvent(task: Task | undefined, event: unknown): Task {
  if (!isRecord(event)) throw new TypeError('event must be a CloudEvent object')
  const type = event['type']
  const rule = typeof type === 'string' ? TASK_EVENTS[type] : undefined
  if (rule === undefined) {
    throw new ProtocolError('ERR_SCHEMA_INVALID', `${String(type)} is not a task event type`)
  }
  const valid = assertValid(event, { kind: rule.kind }) as { data: { object: EmbeddedTask } }
  const after = valid.data.object
  if (!rule.status.includes(after.taskStatus)) {
    throw new ProtocolError(
      'ERR_TASK_INVALID',
      `${String(type)} carries a task whose status is ${after.taskStatus}`,
    )
  }
  checkTaskStatus(after)
  if (task === undefined) {
    if (type !== 'tech.collaborative.task.created') {
      throw new ProtocolError(
        'ERR_TASK_TRANSITION',
        `task ${after.id} changes before it is created`,
      )
    }
  } else {
    const before = assertValid(task, { kind: 'Task' })
    if (type === 'tech.collaborative.task.created') {
      throw new ProtocolError('ERR_TASK_TRANSITION', `task ${before.id} is created twice`)
    }
    checkFixed(before, after)
    checkTransition(before.id, before.taskStatus, after.taskStatus)
  }
  return deepFreeze(assertValid({ '@context': CONTEXT, ...after }, { kind: 'Task' }))
}
