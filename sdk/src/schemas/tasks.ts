import { Type, type Static } from '@sinclair/typebox'
import {
  Content,
  DateTime,
  Document,
  Iri,
  IriList,
  Name,
  StringEnum,
  Summary,
  schemaId,
  Link,
  NameMap,
  SummaryMap,
} from './common.js'

/**
 * Where a task stands: `open` (nobody assigned), `assigned`, `completed` or `cancelled`; the last
 * two are final.
 */
export const TaskStatus = StringEnum(['open', 'assigned', 'completed', 'cancelled'] as const)
export type TaskStatus = Static<typeof TaskStatus>

const taskProperties = {
  id: Iri,
  type: Type.Literal('Task'),
  name: Name,
  nameMap: Type.Optional(NameMap),
  summary: Type.Optional(Summary),
  summaryMap: Type.Optional(SummaryMap),
  content: Type.Optional(Content),
  url: Type.Optional(Link),
  attributedTo: Iri,
  audience: Iri,
  to: Type.Optional(IriList()),
  published: DateTime,
  updated: Type.Optional(DateTime),
  assignee: Type.Optional(Iri),
  due: Type.Optional(DateTime),
  taskStatus: TaskStatus,
  decidedBy: Type.Optional(Iri),
}

/** A task embedded in an event: no `@context`. */
export const EmbeddedTask = Type.Object(taskProperties, {
  $id: schemaId('embedded-task'),
  additionalProperties: false,
  title: 'EmbeddedTask',
})
export type EmbeddedTask = Static<typeof EmbeddedTask>

/**
 * A task: a piece of work for a group (`audience`), its `assignee`, `due` date and `taskStatus`,
 * and the decision (an `Outcome`) that created it in `decidedBy`.
 * @see {@link https://w3id.org/cta/spec/tasks#task Spec: Task}
 */
export const Task = Document('task', taskProperties, {
  title: 'Task',
  description:
    'A task: work for a group (audience), with its assignee, due date and status (taskStatus), and the outcome that created it (decidedBy).',
})
export type Task = Static<typeof Task>
