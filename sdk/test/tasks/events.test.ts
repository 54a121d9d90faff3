// taskCreated, taskAssigned, taskCompleted, taskCancelled: valid core events that carry the task as
// it stands after each change, and that follow one another (spec/tasks.md, TSK-EVT-003).
import { describe, expect, it } from 'vitest'
import {
  applyTaskEvents,
  taskAssigned,
  taskCancelled,
  taskCompleted,
  taskCreated,
  validateDocument,
} from '../../src/index.js'
import { U, cancelled, codeOf, done, open, toBen } from './fixtures.js'

const source = 'https://tasks.example'
const actor = { id: `${U}ben`, type: 'Person', name: 'Ben' } as const

describe('task events', () => {
  it('[TSK-EVT-003] creates created, assigned, completed and cancelled events that a receiver accepts, one after another', () => {
    const events = [
      taskCreated(open, { source, actor }),
      taskAssigned(toBen, { source, actor }),
      taskCompleted(done, { source, actor }),
    ]
    expect(events.map((e) => e.type)).toEqual([
      'tech.collaborative.task.created',
      'tech.collaborative.task.assigned',
      'tech.collaborative.task.completed',
    ])
    expect(events.map((e) => e.data.published)).toEqual([
      open.published,
      toBen.updated,
      done.updated,
    ])
    for (const event of events) expect(validateDocument(event)).toMatchObject({ valid: true })
    expect(applyTaskEvents(events).statuses).toEqual(['open', 'assigned', 'completed'])
    const cancel = taskCancelled(cancelled, { source, actor })
    expect(validateDocument(cancel)).toMatchObject({ valid: true, kind: 'TaskCancelledEvent' })
  })

  it('[TSK-EVT-003] refuses to build an event for a task that does not validate', () => {
    expect(
      codeOf(() => taskCompleted({ ...done, taskStatus: 'finished' } as never, { source, actor })),
    ).toBe('ERR_SCHEMA_INVALID')
    expect(() => taskCreated(undefined as never, { source, actor })).toThrow(TypeError)
  })
})
