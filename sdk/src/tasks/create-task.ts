import { CONTEXT } from '../constants.js'
import { ProtocolError } from '../errors.js'
import { deepFreeze } from '../internal/freeze.js'
import { isRecord } from '../intents/internal/activity.js'
import type { Outcome, Task } from '../schemas/index.js'
import { assertValid } from '../validate/validate-document.js'
import {
  copyOptional,
  publishedOf,
  requireOptions,
  type Mutable,
} from '../budgeting/internal/build.js'
import { checkTaskStatus } from './internal/check-task.js'

/** Options of {@link createTask}. */
export interface CreateTaskOptions {
  /** The task's IRI, at the tasks tool. */
  readonly id: string
  /** What is to be done. */
  readonly name: string
  /** The group it is for (its `audience`). */
  readonly audience: string
  /** Who created it. */
  readonly attributedTo: string
  /** The member it is assigned to; none: the task is `open`. */
  readonly assignee?: string
  /** When it is due (RFC 3339, ValueFlows `due`). */
  readonly due?: string
  /**
   * The decision that created it: the poll's `Outcome`, whose `decides` must name this task, or
   * the outcome's IRI (taken as it is).
   */
  readonly decidedBy?: Outcome | string
  readonly summary?: string
  readonly content?: string
  readonly url?: string
  readonly to?: readonly string[]
  /** Defaults to `now`. */
  readonly published?: string
  /** The clock for `published`. Defaults to the current time. */
  readonly now?: Date
}

/**
 * Creates a task: a frozen, schema-valid `Task`, `assigned` when it has an assignee and `open`
 * otherwise, naming in `decidedBy` the outcome that created it.
 *
 * @param options The task's IRI, name, group, creator, and optionally assignee, due date and outcome.
 * @returns The task, validated and frozen.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when the result or the outcome would not validate.
 * @throws {ProtocolError} `ERR_TASK_INVALID` when `decidedBy` is an outcome whose `decides` does
 *   not name this task (TSK-DEC-001).
 * @throws {TypeError} When options are missing.
 * @example
 * ```ts
 * import { createTask } from '@cta-interop/sdk'
 * const task = createTask({
 *   id: 'https://tasks.example/t/roof-quotes',
 *   name: 'Get three quotes for the roof',
 *   audience: 'https://decisions.example/g/harbour-commons',
 *   attributedTo: 'https://decisions.example/u/aroha',
 *   assignee: 'https://decisions.example/u/ben',
 *   due: '2026-09-30T00:00:00Z',
 *   decidedBy: outcome,
 * })
 * ```
 * @see {@link https://w3id.org/cta/spec/tasks#TSK-DEC-001 Spec: TSK-DEC-001}
 */
export function createTask(options: CreateTaskOptions): Task {
  requireOptions(options)
  let decidedBy: string | undefined
  if (isRecord(options.decidedBy)) {
    const outcome = assertValid(options.decidedBy, { kind: 'Outcome' })
    const entry = outcome.decides?.find((d) => d.id === options.id)
    if (entry === undefined || (entry.type !== undefined && entry.type !== 'Task')) {
      throw new ProtocolError(
        'ERR_TASK_INVALID',
        `outcome ${outcome.id} does not decide the task ${options.id}`,
      )
    }
    decidedBy = outcome.id
  } else if (options.decidedBy !== undefined) {
    decidedBy = options.decidedBy
  }
  const doc: Mutable = { '@context': CONTEXT, id: options.id, type: 'Task', name: options.name }
  copyOptional(doc, options, ['summary', 'content', 'url', 'attributedTo', 'audience', 'to'])
  doc['published'] = publishedOf(options)
  copyOptional(doc, options, ['assignee', 'due'])
  doc['taskStatus'] = options.assignee === undefined ? 'open' : 'assigned'
  if (decidedBy !== undefined) doc['decidedBy'] = decidedBy
  const task = assertValid(doc, { kind: 'Task' })
  checkTaskStatus(task)
  return deepFreeze(task)
}
