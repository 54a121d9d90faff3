// Plants of the Tasks profile: faults a vendor could ship in the SDK's task transitions (each `find`
// is text of sdk/dist/*.js). No example tool claims the profile, so they are planted in the suite's
// reference tool, which moves its tasks with transitionTask; the live cases of
// conformance/src/live/cases/tasks.ts must catch each one.
import type { Plant } from '../plant.js'

const REFERENCE = { tool: 'reference', profiles: ['tasks'] } as const

/** A plant that replaces `find` with `replace` in the built SDK. */
const edit = (find: string, replace: string): Plant['plant'] => ({ sdk: { find, replace } })

export const PLANTS: readonly Plant[] = [
  {
    id: 'tasks.completed-task-reopens',
    bug: 'A completed task can be re-assigned and completed again.',
    requirements: ['TSK-STATE-001'],
    ...REFERENCE,
    plant: edit('  completed: [],', '  completed: ["assigned", "completed"],'),
  },
  {
    id: 'tasks.assign-ignores-member',
    bug: 'Assigning a task ignores the member named, so the task is never assigned.',
    requirements: ['TSK-EVT-003'],
    ...REFERENCE,
    plant: edit(
      'const assignee = options.assignee ?? before.assignee;',
      'const assignee = before.assignee;',
    ),
  },
]
