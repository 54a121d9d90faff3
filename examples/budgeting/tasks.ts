// Budgeting's tasks, held as the tasks profile's documents: the work a funded bucket pays for, created
// from the outcome that decided it (TSK-DEC-001: the outcome's `decides` names the task), assigned
// to the member who offered to do it, and completed. Each change is moved by the SDK's
// `transitionTask` (a move TSK-STATE-001 does not allow is `ERR_TASK_TRANSITION`) and emitted as
// `task.created`, `task.assigned` or `task.completed`.
import {
  ProtocolError,
  createTask,
  taskAssigned,
  taskCompleted,
  taskCreated,
  transitionTask,
  type ActorRef,
  type Event,
  type Outcome,
  type Task,
} from '@cta-interop/sdk'

/** A task as Budgeting holds it. */
export interface TaskRecord {
  task: Task
  readonly by: ActorRef
  /** The bucket whose work it is, if any. */
  readonly bucket?: string
}

/** The tasks of one tool, and the events each change emits. */
export interface TaskBook {
  readonly tasks: ReadonlyMap<string, TaskRecord>
  /** Creates a task (`task.created`): `open`, or `assigned` with an assignee. */
  create(options: {
    id?: string
    name: string
    group: string
    by: ActorRef
    assignee?: string
    due?: string
    decidedBy?: Outcome | string
    bucket?: string
  }): Promise<TaskRecord>
  /** Assigns a task to a member (`task.assigned`). */
  assign(task: string, member: string, by: ActorRef): Promise<Task>
  /** Completes a task (`task.completed`). */
  complete(task: string, by: ActorRef): Promise<Task>
}

const now = (): string => new Date().toISOString()
/**
 * Now, or a millisecond after the task's last change if that is later: a task's events are
 * applied in the order of their times (TSK-STATE-001), so two changes never share one.
 */
const after = (task: Task): string =>
  new Date(Math.max(Date.now(), Date.parse(task.updated ?? task.published) + 1)).toISOString()

/** A book of tasks for the tool at `origin`. */
export function createTaskBook(options: {
  readonly origin: string
  readonly emit: (event: Event) => Promise<void>
  readonly tasks?: Map<string, TaskRecord>
}): TaskBook {
  const { origin, emit } = options
  const tasks = options.tasks ?? new Map<string, TaskRecord>()
  let counter = 0
  const held = (id: string): TaskRecord => {
    const record = tasks.get(id)
    if (record === undefined) throw new ProtocolError('ERR_NOT_FOUND', `no task ${id}`)
    return record
  }
  return {
    tasks,

    async create(o) {
      const id = o.id ?? `${origin}/tasks/${++counter}`
      if (tasks.has(id)) throw new ProtocolError('ERR_TASK_TRANSITION', `${id} exists already`)
      const task = createTask({
        id,
        name: o.name,
        audience: o.group,
        attributedTo: o.by.id,
        url: id,
        published: now(),
        ...(o.assignee === undefined ? {} : { assignee: o.assignee }),
        ...(o.due === undefined ? {} : { due: o.due }),
        ...(o.decidedBy === undefined ? {} : { decidedBy: o.decidedBy }),
      })
      await emit(taskCreated(task, { source: origin, actor: o.by }))
      const record: TaskRecord = {
        task,
        by: o.by,
        ...(o.bucket === undefined ? {} : { bucket: o.bucket }),
      }
      tasks.set(id, record)
      return record
    },

    async assign(id, member, by) {
      const record = held(id)
      const task = transitionTask(record.task, {
        status: 'assigned',
        assignee: member,
        updated: after(record.task),
      })
      await emit(taskAssigned(task, { source: origin, actor: by }))
      record.task = task
      return task
    },

    async complete(id, by) {
      const record = held(id)
      const task = transitionTask(record.task, { status: 'completed', updated: after(record.task) })
      await emit(taskCompleted(task, { source: origin, actor: by }))
      record.task = task
      return task
    },
  }
}
