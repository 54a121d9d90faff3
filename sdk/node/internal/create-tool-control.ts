import type { Event } from '@cta-interop/sdk'
import {
  ControlUnsupportedError,
  createControlHandler,
  type ControlHandler,
} from '../create-control-handler.js'

/** What the control API of a tool made by `createTool` acts on. @internal */
export interface ToolControlOptions {
  readonly token: string
  readonly origin: string
  readonly name: string
  /** The types the tool emits (its manifest's `emits`). */
  readonly emits: readonly string[]
  readonly install: (group: string, tool: string) => void
  readonly uninstall: (group: string, tool: string) => void
  /** Emits an event of `type` with `activity` in its group. */
  readonly emit: (type: string, activity: Record<string, unknown>) => Promise<Event>
  /** Makes the application fail the next event from `peer`. */
  readonly failNext: (peer: string) => void
}

/**
 * The test-only control API of a tool made by `createTool`, for `cta-conformance live`: a session
 * installs the suite's tool in a group of the tool's (unless `install: false`), `emit` emits a
 * notice of one of the tool's own types, `disconnect-tool` ends an installation, and
 * `fail-next-event` makes the application fail once.
 * @internal
 */
export function createToolControl(options: ToolControlOptions): ControlHandler {
  const { origin, name } = options
  let sessions = 0
  let emitted = 0
  return createControlHandler({
    token: options.token,
    createSession({ peer, install, separateGroup, members }) {
      const n = ++sessions
      const group = separateGroup === true ? `${origin}/groups/${n}` : `${origin}/groups/main`
      if (install !== false) options.install(group, peer)
      return {
        group,
        members: members.map((member, i) => ({ id: `${origin}/members/${n}-${i}`, name: member })),
      }
    },
    actions: {
      async emit(session, { type = options.emits[0] }) {
        if (typeof type !== 'string' || !options.emits.includes(type)) {
          throw new ControlUnsupportedError(`this tool emits no ${String(type)}`)
        }
        if (type.startsWith('tech.collaborative.')) {
          throw new ControlUnsupportedError(`${type} needs an activity of its own`)
        }
        const n = `${Date.now()}-${++emitted}`
        const event = await options.emit(type, {
          type: 'Create',
          actor: { id: origin, type: 'Application', name },
          object: { id: `${origin}/notes/${n}`, type: 'Note', name: 'A notice' },
          summary: `${name} emitted a notice`,
          published: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
          url: `${origin}/notes/${n}`,
          audience: session.group,
        })
        return { id: event.id, type: event.type }
      },
      'disconnect-tool'(session, { tool }) {
        options.uninstall(session.group, typeof tool === 'string' ? tool : session.peer)
        return {}
      },
      'fail-next-event'(session) {
        options.failNext(session.peer)
        return {}
      },
    },
  })
}
