import type { EventOf, Task } from '../schemas/index.js'
import { isRecord } from '../intents/internal/activity.js'
import { embed, profileEvent, type ProfileEventOptions } from './internal/events.js'

/**
 * Creates the `tech.collaborative.task.completed` event of a task: an `Update` activity whose object is
 * the task as it stands after the change.
 *
 * @param task The task document, as it stands after the change.
 * @param options `source` and `actor` (required), and optional overrides. `published` defaults to
 *   the task's `updated` (else its `published`); `url` to its `url`, else its `id`.
 * @returns The frozen, schema-valid event.
 * @throws {SchemaInvalid} `ERR_SCHEMA_INVALID` when the event would not validate.
 * @throws {TypeError} When `task` or `options` is missing.
 * @example
 * ```ts
 * import { taskCompleted } from '@cta-interop/sdk'
 * const event = taskCompleted(task, {
 *   source: 'https://tasks.example',
 *   actor: { id: 'https://decisions.example/u/ben', type: 'Person', name: 'Ben' },
 * })
 * ```
 * @see {@link https://w3id.org/cta/spec/tasks#TSK-EVT-003 Spec: TSK-EVT-003}
 */
export function taskCompleted(
  task: Task,
  options: ProfileEventOptions,
): EventOf<'tech.collaborative.task.completed'> {
  if (!isRecord(task)) throw new TypeError('task must be a Task document')
  if (!isRecord(options)) throw new TypeError('options with source and actor are required')
  return profileEvent(
    'tech.collaborative.task.completed',
    { type: 'Update', object: embed(task) },
    {
      summary: `${options.actor.name} completed the task ${task.name}`,
      url: task.url ?? task.id,
      published: task.updated ?? task.published,
      audience: task.audience,
    },
    options,
  )
}
