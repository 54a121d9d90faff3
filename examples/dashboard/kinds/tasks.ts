// The tasks profile's kinds, as a vendor would add them: a task with its status, assignee, due
// date and the decision that created it.
import { esc } from '../../src/http.js'
import { kinds, type EventData, type KindContext, type RenderKind } from '../render-kinds.js'
import { b, badge, dateText, details, idOf, obj, quoted, str } from './read.js'

const actor = (data: EventData, c: KindContext) =>
  c.person(idOf(data['actor']), obj(data['actor'])['name'])

/** What decided a task: the outcome's poll by name, else the outcome's own name. */
function decidedBy(iri: unknown, c: KindContext): string | undefined {
  const outcome = c.object(str(iri))
  if (outcome === undefined) return str(iri) === undefined ? undefined : 'decided by an outcome'
  const poll = str(c.object(str(outcome['inReplyTo']))?.['name']) ?? str(outcome['name'])
  return poll === undefined ? 'decided by an outcome' : `decided by ${quoted(poll)}`
}

const task =
  (verb: string): RenderKind =>
  (input, c) => {
    const t = obj(input.data['object'])
    const name = quoted(str(t['name']) ?? 'untitled')
    const status = str(t['taskStatus'])
    const assignee = str(t['assignee'])
    const who = assignee === undefined ? undefined : c.person(assignee)
    const due = dateText(t['due'])
    const by = b(actor(input.data, c))
    const line =
      verb === 'assigned'
        ? `${by} assigned ${name} to ${b(who ?? 'someone')}`
        : `${by} ${esc(verb)} the task ${name}`
    return `${line}${details([
      status === undefined ? undefined : badge(status),
      verb === 'assigned' ? undefined : who === undefined ? 'unassigned' : `assigned to ${b(who)}`,
      due === undefined ? undefined : `due ${due}`,
      decidedBy(t['decidedBy'], c),
    ])}`
  }

kinds.set('tech.collaborative.task.created', { label: 'task', render: task('created') })
kinds.set('tech.collaborative.task.assigned', { label: 'task assigned', render: task('assigned') })
kinds.set('tech.collaborative.task.completed', { label: 'task done', render: task('completed') })
kinds.set('tech.collaborative.task.cancelled', {
  label: 'task cancelled',
  render: task('cancelled'),
})
