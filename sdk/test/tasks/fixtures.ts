// A task created by a decision, and its versions, for the tasks tests.
import { readFileSync } from 'node:fs'
import { createTask, isProtocolError, transitionTask, type Outcome } from '../../src/index.js'

export const GROUP = 'https://decisions.example/g/harbour-commons'
export const U = 'https://decisions.example/u/'
export const TASK = 'https://tasks.example/t/roof-quotes'

/** The decisions example's outcome, deciding this task besides its bucket. */
const roof = JSON.parse(
  readFileSync(
    new URL('../../../examples/documents/decisions/outcome.json', import.meta.url),
    'utf8',
  ),
) as Outcome
export const outcome: Outcome = {
  ...roof,
  decides: [...(roof.decides ?? []), { id: TASK, type: 'Task', name: 'Get three quotes' }],
}
export const otherOutcome: Outcome = roof

export const open = createTask({
  id: TASK,
  name: 'Get three quotes for the workshop roof',
  audience: GROUP,
  attributedTo: `${U}aroha`,
  due: '2026-09-30T00:00:00Z',
  decidedBy: outcome,
  published: '2026-08-28T06:00:00Z',
})
export const toBen = transitionTask(open, {
  status: 'assigned',
  assignee: `${U}ben`,
  updated: '2026-08-29T08:00:00Z',
})
export const done = transitionTask(toBen, { status: 'completed', updated: '2026-09-20T17:00:00Z' })
export const cancelled = transitionTask(open, {
  status: 'cancelled',
  updated: '2026-09-01T10:00:00Z',
})

/** The code of the ProtocolError `run` throws, or `undefined` when it returns. */
export function codeOf(run: () => unknown): string | undefined {
  try {
    run()
  } catch (err) {
    if (isProtocolError(err)) return err.code
    throw err
  }
  return undefined
}
